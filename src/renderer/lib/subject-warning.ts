/**
 * The subject line travels in clear (only the body is encrypted), so it must not identify the patient.
 * These heuristics flag what looks like a date, a NIR or a person's name; they warn, never block.
 */
export type SubjectWarning = 'date' | 'nir' | 'name';

const MONTHS = '(?:janv(?:ier)?|f[ée]vr(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[uû]t|sept(?:embre)?|oct(?:obre)?|nov(?:embre)?|d[ée]c(?:embre)?)';
const DATE_PATTERNS = [
  /\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:\d{4}|\d{2})\b/,
  /\b\d{4}-\d{2}-\d{2}\b/,
  new RegExp(`\\b\\d{1,2}(?:er)?\\s+${MONTHS}\\.?(?:\\s+\\d{2,4})?`, 'iu'),
  /\bn[ée]e?\s+(?:le|en)\b/iu,
];
// NIR: sex digit, year, month, department, commune, order, optional key; spaces allowed.
const NIR = /\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b/i;
const CIVILITY = /(?:^|[\s,(])(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|Mr)\s+\p{Lu}/u;
// "DUPONT Jean": a word in capitals followed by a capitalised word, as HPRIM and many letters write names.
const UPPER_THEN_NAME = /(?:^|[^\p{L}])(\p{Lu}{2,}(?:[-' ]\p{Lu}{2,})*)\s+\p{Lu}\p{Ll}+/gu;
// Common acronyms in medical subjects that are not names.
const ACRONYMS = new Set([
  'NFS', 'IRM', 'TDM', 'ECG', 'EEG', 'EMG', 'CRP', 'TSH', 'PSA', 'INR', 'HBA1C', 'BILAN', 'CR', 'RX', 'ORL', 'ASP',
  'VS', 'TP', 'TCA', 'BNP', 'CPK', 'LDH', 'HDL', 'LDL', 'RDV', 'URGENT', 'COMPTE', 'RENDU', 'RESULTATS', 'RÉSULTATS',
  'ANALYSES', 'BIOLOGIE', 'HPRIM', 'PDF', 'SMS', 'CHU', 'CH', 'SAMU', 'EHPAD', 'SSR', 'HAD', 'DMP', 'ALD',
]);

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export function subjectWarnings(subject: string, patient?: { surname?: string; firstName?: string }): SubjectWarning[] {
  const out: SubjectWarning[] = [];
  if (!subject.trim()) return out;
  if (NIR.test(subject)) out.push('nir');
  if (DATE_PATTERNS.some((re) => re.test(subject))) out.push('date');
  if (looksLikeName(subject, patient)) out.push('name');
  return out;
}

function looksLikeName(subject: string, patient?: { surname?: string; firstName?: string }): boolean {
  const words = new Set(fold(subject).split(/[^\p{L}]+/u).filter(Boolean));
  for (const part of [patient?.surname, patient?.firstName]) {
    const names = fold(part ?? '').split(/[^\p{L}]+/u).filter((w) => w.length >= 2);
    if (names.some((n) => words.has(n))) return true;
  }
  if (CIVILITY.test(subject)) return true;
  for (const m of subject.matchAll(UPPER_THEN_NAME)) {
    const caps = m[1]!.split(/[-' ]/);
    if (caps.some((w) => !ACRONYMS.has(w))) return true;
  }
  return false;
}
