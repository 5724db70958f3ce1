/**
 * HPRIM Médecins writer (spec §1 writer profile): 12 header lines (4/5 padded to 30, codes of 11/12
 * padded to 10), line 13 per profile, body, optional LAB block, ****FIN****, ****FINFICHIER****.
 * Lines 7 and 10 are always JJ/MM/AAAA because other software's detectors require it.
 */
import { PliError } from '../../shared/errors';
import { formatFrDate, parseNir } from '../patient';
import { encodeText } from './charset-encode';
import { markerOf } from './medecins';
import type { HprimDocument, HprimDocumentInput, HprimParty, WriterProfile } from './types';
import { DEFAULT_WRITER_PROFILE } from './types';

const EOL = { crlf: '\r\n', lf: '\n', cr: '\r' } as const;

function invalid(field: string, why: string): PliError {
  return new PliError('hprim_field_invalid', `Impossible d’écrire le document HPRIM : ${why}. Corrigez le champ « ${field} » puis réessayez.`, { field });
}

function oneLine(field: string, v: string | undefined): string {
  const s = v ?? '';
  if (/[\r\n]/.test(s)) throw invalid(field, 'un champ d’une ligne contient un retour à la ligne');
  return s;
}

function party(field: string, p: HprimParty): string {
  const code = oneLine(`${field}.code`, p.code);
  if (code.length > 10 || /\s/.test(code)) throw invalid(`${field}.code`, 'le code doit faire au plus 10 caractères, sans espace');
  return `${code.padEnd(10)} ${oneLine(`${field}.name`, p.name)}`;
}

function frDate(field: string, iso: string): string {
  const d = formatFrDate(iso);
  if (d === undefined) throw invalid(field, 'la date doit être au format AAAA-MM-JJ et exister');
  return d;
}

function nirLine(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') return '';
  const nir = parseNir(raw);
  if (!nir) return oneLine('patient.nir', raw.trim());
  return nir.key !== undefined ? `${nir.body} ${nir.key}` : nir.body;
}

function resField(field: string, v: string | undefined): string {
  const s = oneLine(field, v);
  if (s.includes('|')) throw invalid(field, 'une valeur de résultat contient le caractère « | »');
  return s;
}

/** The lines of one document, markers included except ****FINFICHIER****. */
export function documentLines(doc: HprimDocumentInput, profile: WriterProfile): string[] {
  const p = doc.patient;
  if (p.surname.trim() === '' || p.firstName.trim() === '') throw invalid('patient', 'le nom et le prénom du patient sont obligatoires');
  const lines = [
    oneLine('line1', profile.line1 === 'title' ? doc.title : p.code),
    oneLine('patient.surname', p.surname),
    oneLine('patient.firstName', p.firstName),
    oneLine('patient.address1', p.address1).padEnd(30),
    oneLine('patient.address2', p.address2).padEnd(30),
    oneLine('patient.postcodeCity', p.postcodeCity),
    frDate('patient.birthDate', p.birthDate),
    nirLine(p.nir),
    oneLine('reference', doc.reference),
    frDate('documentDate', doc.documentDate),
    party('sender', doc.sender),
    party('recipient', doc.recipient),
  ];
  if (profile.line13 === 'empty') lines.push('');
  else if (profile.line13 === 'space') lines.push(' ');
  if (doc.text !== '') {
    for (const l of doc.text.split(/\r\n|\r|\n/)) {
      if (markerOf(l) !== undefined) throw invalid('text', 'le texte contient une ligne de marqueur HPRIM (****…****)');
      lines.push(l);
    }
  }
  const lab = doc.lab ?? [];
  const labText = doc.labText ?? [];
  if (lab.length > 0 || labText.length > 0 || doc.labText !== undefined) {
    lines.push('****LAB****');
    for (const t of labText) lines.push(`TEX|${oneLine('labText', t)}`);
    for (const r of lab) {
      if (r.label.trim() === '') throw invalid('lab.label', 'un résultat n’a pas de libellé');
      const f = [
        r.label, r.code, r.type, r.value, r.unit, r.low, r.high, r.flag ?? r.flagRaw, r.status,
      ].map((v, i) => resField(`lab.${i}`, v));
      const second = [r.value2, r.unit2, r.low2, r.high2];
      if (second.some((v) => v !== undefined && v !== '')) f.push(...second.map((v, i) => resField(`lab.${10 + i}`, v)));
      lines.push(`RES|${f.join('|')}`);
    }
  }
  lines.push('****FIN****');
  return lines;
}

export interface WriteResult {
  bytes: Uint8Array;
  /** Characters the charset could not hold, transliterated or replaced (for a warning in the UI). */
  replaced: string[];
}

/** Several documents in one file (one ****FINFICHIER**** at the end). */
export function writeHprimMedecinsFile(docs: HprimDocumentInput[], profile: WriterProfile = DEFAULT_WRITER_PROFILE): WriteResult {
  const lines = docs.flatMap((d) => documentLines(d, profile));
  if (profile.finFichier !== false) lines.push('****FINFICHIER****');
  const eol = EOL[profile.lineEnd];
  return encodeText(lines.join(eol) + eol, profile.charset);
}

/** One document, one file, per the writer profile. Throws PliError('hprim_field_invalid') on unwritable fields. */
export function writeHprimMedecins(doc: HprimDocumentInput, profile: WriterProfile = DEFAULT_WRITER_PROFILE): Uint8Array {
  return writeHprimMedecinsFile([doc], profile).bytes;
}

/** The writer input that reproduces a parsed document (used to re-export, split and convert). */
export function toDocumentInput(doc: HprimDocument): HprimDocumentInput {
  const p = doc.patient;
  const input: HprimDocumentInput = {
    patient: { surname: p.surname, firstName: p.firstName, birthDate: p.birthDate },
    documentDate: doc.documentDate ?? '',
    sender: { ...doc.sender },
    recipient: { ...doc.recipient },
    text: doc.text,
  };
  if (p.code !== undefined) {
    input.patient.code = p.code;
    input.title = p.code;
  }
  if (p.address1 !== undefined) input.patient.address1 = p.address1;
  if (p.address2 !== undefined) input.patient.address2 = p.address2;
  if (p.postcodeCity !== undefined) input.patient.postcodeCity = p.postcodeCity;
  if (p.nir !== undefined) input.patient.nir = p.nir;
  if (doc.reference !== undefined) input.reference = doc.reference;
  if (doc.labText !== undefined) input.labText = [...doc.labText];
  if (doc.lab.length > 0) input.lab = doc.lab.map((r) => ({ ...r }));
  return input;
}
