/**
 * Draft -> outgoing letter: recipients checked, HPRIM Médecins document written (12 header lines + text),
 * size checked before anything is encrypted, subject warnings collected. Pure apart from the clock.
 */
import { randomBytes } from 'node:crypto';
import type { Address } from '../../../core/address';
import { encodeText, writeHprimMedecinsFile, type WriterProfile } from '../../../core/hprim';
import { parseDate, parseNir } from '../../../core/patient';
import type { Draft } from '../../../shared/domain';
import { PliError } from '../../../shared/errors';
import type { LetterInput } from '../../store/types';
import { checkRecipients, effectiveSubject, subjectWarnings } from './policy';

export const DEFAULT_MAX_LETTER_BYTES = 900 * 1024;
export const MAX_LETTER_BYTES = 10 * 1024 * 1024;

/** The document as sent: Windows-1252 (the V1 payload charset), LF (the APICRYPT filter makes them CR). */
const SEND_PROFILE: WriterProfile = { charset: 'windows-1252', lineEnd: 'lf', line13: 'empty', line1: 'patientCode', finFichier: true };

export interface ComposedLetter {
  /** The letter as stored in "À envoyer". */
  letter: LetterInput;
  to: Address[];
  cc: Address[];
  /** Size of what will be encrypted (document + attachments), in bytes. */
  size: number;
  warnings: string[];
}

const ko = (n: number) => Math.ceil(n / 1024).toLocaleString('fr-FR');

/** The per-letter limit: default 900 Ko, configurable up to 10 Mo (spec apicrypt-v1 §6). */
export function letterLimit(configured: number | undefined): number {
  if (configured === undefined || !Number.isFinite(configured) || configured <= 0) return DEFAULT_MAX_LETTER_BYTES;
  return Math.min(Math.floor(configured), MAX_LETTER_BYTES);
}

export function checkLetterSize(size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new PliError(
      'letter_too_large',
      `Ce courrier pèse ${ko(size)} Ko, au-delà de la limite de ${ko(maxBytes)} Ko par courrier. Retirez ou réduisez des pièces jointes, ou envoyez-les en plusieurs courriers.`,
      { size, limit: maxBytes },
    );
  }
}

function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * Builds the letter from a draft. The HPRIM header names the patient (inside the ciphertext only); a
 * draft without a patient is sent as plain text. Throws French PliErrors for refused recipients, an
 * unreadable birth date, unwritable fields or a letter over the limit.
 */
export function composeLetter(draft: Draft, opts: { sender: string; maxBytes: number; now?: Date }): ComposedLetter {
  const now = opts.now ?? new Date();
  const to = checkRecipients(draft.to);
  const toKeys = new Set(to.map((a) => a.address.toLowerCase()));
  const cc = draft.cc?.length ? checkRecipients(draft.cc).filter((a) => !toKeys.has(a.address.toLowerCase())) : [];
  const subject = effectiveSubject(draft.subject);
  const warnings = subjectWarnings(subject, draft.patient);

  let payload: Uint8Array;
  let replaced: string[];
  let birthDate: string | undefined;
  let documentDate = isoDay(now);
  const nir = draft.patient?.nir?.trim();
  const code = draft.patient?.code?.trim();
  if (draft.patient) {
    birthDate = parseDate(draft.patient.birthDate);
    if (!birthDate) {
      throw new PliError('patient_birth_date_invalid', `La date de naissance « ${draft.patient.birthDate} » n’est pas une date valide. Écrivez-la au format JJ/MM/AAAA.`);
    }
    // 13 characters without the key are accepted (HPRIM allows it); a key, when given, must match.
    if (nir && parseNir(nir)?.valid === false) {
      throw new PliError('patient_nir_invalid', 'La clé du NIR ne correspond pas à ses 13 premiers caractères : vérifiez-le sur la carte Vitale, ou laissez le champ vide.');
    }
    if (nir && !parseNir(nir)) {
      throw new PliError('patient_nir_invalid', 'Ce NIR n’a pas la forme d’un numéro de sécurité sociale (13 caractères, plus 2 pour la clé) : vérifiez-le, ou laissez le champ vide.');
    }
    if (draft.patient.documentDate?.trim()) {
      const d = parseDate(draft.patient.documentDate);
      if (!d) throw new PliError('document_date_invalid', `La date du document « ${draft.patient.documentDate} » n’est pas une date valide. Écrivez-la au format JJ/MM/AAAA.`);
      documentDate = d;
    }
    const recipient = to[0]!;
    const r = writeHprimMedecinsFile(
      [
        {
          patient: {
            ...(code ? { code } : {}),
            surname: draft.patient.surname.trim(),
            firstName: draft.patient.firstName.trim(),
            birthDate,
            ...(nir ? { nir } : {}),
          },
          documentDate,
          sender: { name: opts.sender.slice(0, opts.sender.lastIndexOf('@')) || opts.sender },
          recipient: { name: recipient.kind === 'apicrypt' ? recipient.local : recipient.address },
          text: draft.text.replace(/\r\n?/g, '\n'),
        },
      ],
      SEND_PROFILE,
    );
    payload = r.bytes;
    replaced = r.replaced;
  } else {
    const r = encodeText(draft.text.replace(/\r\n?/g, '\n'), 'windows-1252');
    payload = r.bytes;
    replaced = r.replaced;
  }
  if (replaced.length > 0) {
    warnings.push(`Certains caractères ne peuvent pas être transmis par APICRYPT et ont été remplacés : ${[...new Set(replaced)].join(' ')}.`);
  }

  const attachments = (draft.attachments ?? []).map((a) => ({
    name: a.name,
    mime: a.mediaType ?? 'application/octet-stream',
    bytes: new Uint8Array(Buffer.from(a.base64, 'base64')),
  }));
  const size = payload.length + attachments.reduce((n, a) => n + a.bytes.length, 0);
  checkLetterSize(size, opts.maxBytes);

  const recipients = [...to, ...cc].map((a) => a.address);
  const letter: LetterInput = {
    kind: draft.patient ? 'hprim' : 'text',
    folder: 'outbox',
    payload,
    subject,
    text: draft.text,
    sender: opts.sender,
    recipients,
    ...(draft.patient
      ? {
          patient: {
            surname: draft.patient.surname.trim(),
            firstName: draft.patient.firstName.trim(),
            ...(birthDate ? { birthDate } : {}),
            ...(nir ? { nir } : {}),
          },
          documentDate,
        }
      : {}),
    receivedAt: now.getTime(),
    read: true,
    attachments,
    // A random identity: sending the same draft twice makes two letters, on purpose.
    contentHash: new Uint8Array(randomBytes(32)),
  };
  return { letter, to, cc, size, warnings };
}
