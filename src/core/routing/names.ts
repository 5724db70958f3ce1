/** Comparing people's names as senders write them: accents, case, punctuation and titles ignored. */

const TITLES = new Set([
  'DR', 'DOCTEUR', 'DOCT', 'DOC', 'PR', 'PROF', 'PROFESSEUR', 'M', 'MR', 'MME', 'MLLE', 'MONSIEUR', 'MADAME',
  'MADEMOISELLE',
]);

/** Upper case, no accents, words split on anything that is not a letter or digit. */
export function nameTokens(s: string): string[] {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((t) => t !== '');
}

/** The words of a recipient field that can name a person (titles dropped). */
export function personTokens(s: string): string[] {
  return nameTokens(s).filter((t) => !TITLES.has(t));
}

export type NameMatch = 'full' | 'surname' | 'none';

/** Index of `needle` as a contiguous run in `hay`, or -1. */
function findRun(hay: string[], needle: string[]): number {
  if (needle.length === 0) return -1;
  for (let i = 0; i + needle.length <= hay.length; i++) {
    if (needle.every((t, j) => hay[i + j] === t)) return i;
  }
  return -1;
}

/** Removes the surname (as words, or glued: `LE GALL` / `LEGALL`) from the tokens; undefined when absent. */
function withoutSurname(tokens: string[], surname: string[]): string[] | undefined {
  const at = findRun(tokens, surname);
  if (at >= 0) return [...tokens.slice(0, at), ...tokens.slice(at + surname.length)];
  const glued = surname.join('');
  const g = tokens.indexOf(glued);
  if (surname.length > 1 && g >= 0) return [...tokens.slice(0, g), ...tokens.slice(g + 1)];
  return undefined;
}

/**
 * How a recipient name designates a doctor: 'full' (surname and first name or its initial, in any
 * order), 'surname' (surname alone), 'none' (absent, or another first name: another person).
 */
export function matchName(field: string, doctor: { firstName: string; surname: string }): NameMatch {
  const tokens = personTokens(field);
  const surname = nameTokens(doctor.surname);
  const rest = withoutSurname(tokens, surname);
  if (rest === undefined) return 'none';
  if (rest.length === 0) return 'surname';
  const first = nameTokens(doctor.firstName);
  const restJoined = rest.join('');
  if (restJoined === first.join('')) return 'full';
  // Initials: `C MARTIN`, `J L LE GALL`, `JL LE GALL`.
  const initials = first.map((t) => t[0]).join('');
  if (rest.every((t) => t.length === 1) && restJoined === initials) return 'full';
  if (rest.length === 1 && rest[0] === initials) return 'full';
  return 'none';
}
