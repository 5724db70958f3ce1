import type {
  Folder as FolderView,
  LabResult as LabView,
  LabSeries,
  LetterDetail,
  LetterDocument,
  LetterSummary as SummaryView,
  PatientSummary,
} from '../shared/domain';
import { withoutRemoteContent } from '../core/html/remote-content';
import { parseHprim } from '../core/hprim';
import { maskNir } from '../core/patient';
import { verifySignedMime } from '../core/signature';
import type { Folder, LabResult, Letter, LetterSummary, Patient } from './store/types';

/**
 * Turns mailbox rows into the views the contract declares. Only masked NIRs leave the host, and the
 * text of a letter only in the detail view the user opened.
 */
const iso = (ms: number) => new Date(ms).toISOString();
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export function folderView(f: Folder): FolderView {
  const kind = f.kind === 'system' ? (f.role ?? 'user') : f.kind;
  return { id: String(f.id), kind, name: f.name, unread: f.unread, total: f.total };
}

// The list row carries the patient's name in its parts (the list shows "LEFÈVRE Amélie").
function nameParts(s: LetterSummary): { surname: string; firstName: string } | undefined {
  if (s.patientSurname || s.patientFirstName) return { surname: s.patientSurname ?? '', firstName: s.patientFirstName ?? '' };
  return s.patientName ? { surname: s.patientName, firstName: '' } : undefined;
}

export function summaryView(s: LetterSummary, recipients: string[] = []): SummaryView {
  const patient = nameParts(s);
  return {
    id: String(s.id),
    folderId: String(s.folderId),
    subject: s.subject,
    sender: s.sender,
    recipients,
    date: iso(s.receivedAt),
    ...(s.documentDate ? { documentDate: s.documentDate } : {}),
    ...(patient ? { patient: { ...patient, ...(s.patientId !== null ? { id: String(s.patientId) } : {}) } } : {}),
    read: s.read,
    flagged: s.flagged,
    hasLab: s.abnormal || false,
    abnormal: s.abnormal,
    attachments: s.attachmentCount,
    signature: signatureOf(s.signatureStatus),
    export: s.exported ? 'done' : 'none',
    ...(s.reviewCode ? { problem: s.reviewCode } : {}),
  };
}

function signatureOf(status: string | null): SummaryView['signature'] {
  return status === 'valid' || status === 'invalid' || status === 'unknown_signer' ? status : 'not_signed';
}

function labView(r: LabResult): LabView {
  return {
    label: r.label,
    ...(r.code ? { code: r.code } : {}),
    value: r.value,
    ...(r.numericValue !== null ? { numericValue: r.numericValue } : {}),
    ...(r.unit ? { unit: r.unit } : {}),
    ...(r.low !== null ? { low: String(r.low) } : {}),
    ...(r.high !== null ? { high: String(r.high) } : {}),
    ...(r.flag ? { flag: r.flag } : {}),
    abnormal: r.abnormal,
  };
}

const nameKey = (s: string | null | undefined) => (s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toUpperCase();
function sameName(a: { surname: string; firstName: string }, b: { surname: string | null; firstName: string | null }): boolean {
  return nameKey(a.surname) === nameKey(b.surname) && nameKey(a.firstName) === nameKey(b.firstName);
}

/**
 * The documents of a letter, re-read from its decrypted payload, or from its text when the payload is
 * absent or not HPRIM (an APICRYPT body keeps only its text; a signed letter's payload is the MIME entity):
 * one letter may carry several, each shown without its header lines and markers.
 */
function documentsOf(l: Letter): LetterDocument[] {
  for (const source of [l.payload && l.payload.length > 0 ? l.payload : undefined, l.text || undefined]) {
    if (source === undefined) continue;
    const file = parseHprim(source);
    if (file.kind !== 'unknown' && file.documents.length > 0) {
      return file.documents.map((d) => ({
        patient: {
          // The letter's patient record (for the trend charts) when the document names the same person.
          ...(l.patientId !== null && sameName(d.patient, l.patient) ? { id: String(l.patientId) } : {}),
          surname: d.patient.surname,
          firstName: d.patient.firstName,
          ...(d.patient.birthDate ? { birthDate: d.patient.birthDate } : {}),
          ...(d.patient.nir ? { nirMasked: maskNir(d.patient.nir) } : {}),
          ...(d.patient.code?.trim() ? { code: d.patient.code.trim() } : {}),
        },
        ...(d.documentDate ? { documentDate: d.documentDate } : {}),
        ...(d.sender.name ? { sender: d.sender.name } : {}),
        ...(d.recipient.name ? { recipient: d.recipient.name } : {}),
        text: d.text,
        lab: d.lab.map((r) => ({
          label: r.label,
          ...(r.code ? { code: r.code } : {}),
          value: r.value,
          ...(r.numericValue !== undefined ? { numericValue: r.numericValue } : {}),
          ...(r.unit ? { unit: r.unit } : {}),
          ...(r.low ? { low: r.low } : {}),
          ...(r.high ? { high: r.high } : {}),
          ...(r.flag ? { flag: r.flag } : {}),
          abnormal: r.abnormal,
          ...(r.status ? { status: r.status } : {}),
        })),
      }));
    }
  }
  return [{ text: l.text, lab: l.labs.map(labView) }];
}

/**
 * Who signed a signed letter, as its certificate names them ("JEAN DUPONT (RPPS …)"). The verdict
 * itself was made at reception against the trusted roots and is stored; this only reads the name.
 */
function signerOf(l: Letter): string | undefined {
  // Kept at reception since mailbox version 8; older letters are read from their signed entity.
  if (l.signer) return `${l.signer.name}${l.signer.rpps ? ` (RPPS ${l.signer.rpps})` : ''}`;
  if (!l.payload || l.payload.length === 0 || !l.signatureStatus || l.signatureStatus === 'not_signed') return undefined;
  try {
    const id = verifySignedMime(l.payload, { roots: [] }).signer;
    return id ? `${id.displayName}${id.rpps ? ` (RPPS ${id.rpps})` : ''}` : undefined;
  } catch {
    return undefined;
  }
}

export function detailView(l: Letter): LetterDetail {
  const base = summaryView(l, l.recipients);
  const signer = signerOf(l);
  const p = l.patient;
  return {
    ...base,
    hasLab: l.labs.length > 0,
    ...(p.surname
      ? {
          patient: {
            ...(l.patientId !== null ? { id: String(l.patientId) } : {}),
            surname: p.surname,
            firstName: p.firstName ?? '',
            ...(p.birthDate ? { birthDate: p.birthDate } : {}),
            ...(p.nir ? { nirMasked: maskNir(p.nir) } : {}),
          },
        }
      : {}),
    documents: documentsOf(l),
    attachmentList: l.attachments.map((a) => ({ id: String(a.id), name: a.name, size: a.size, mediaType: a.mime })),
    ...(l.signatureReason ? { signatureReason: l.signatureReason } : {}),
    ...(signer ? { signer } : {}),
    ...(l.signer ? { signerDetail: l.signer } : {}),
    // Shown without what the browser would fetch by itself (trackers); the stored original is untouched.
    ...(l.html ? { html: withoutRemoteContent(l.html) } : {}),
    ...(opt(l.messageId) ? { messageId: l.messageId! } : {}),
    ...(l.reviewCode ? { problemCode: l.reviewCode, problem: l.reviewMessage ?? l.reviewCode } : {}),
  };
}

export function patientView(p: Patient): PatientSummary {
  return {
    id: String(p.id),
    surname: p.surname,
    firstName: p.firstName,
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(p.nir ? { nirMasked: maskNir(p.nir) } : {}),
    letters: p.letterCount,
  };
}

/** Lab history rows (ordered by analyte then date) grouped into chartable series of numeric values. */
export function seriesView(rows: LabResult[]): LabSeries[] {
  const byAnalyte = new Map<string, LabSeries>();
  for (const r of rows) {
    if (r.numericValue === null || !r.date) continue;
    let s = byAnalyte.get(r.code);
    if (!s) {
      s = { analyte: r.code, label: r.label, ...(r.unit ? { unit: r.unit } : {}), points: [] };
      byAnalyte.set(r.code, s);
    }
    s.points.push({
      date: r.date,
      value: r.numericValue,
      ...(r.unit ? { unit: r.unit } : {}),
      ...(r.low !== null ? { low: r.low } : {}),
      ...(r.high !== null ? { high: r.high } : {}),
      abnormal: r.abnormal,
      letterId: String(r.letterId),
    });
  }
  return [...byAnalyte.values()];
}
