/** Names as directories and mail headers write them. */
import { fold } from './text';

const TITLES = /^(dr|docteur|pr|professeur|mme|madame|m|mr|monsieur|mlle|me|maitre)\.?$/i;

/** 'DUPONT Jean' — the order French directories list people in. */
export function displayNameOf(surname?: string, givenName?: string, fallback = ''): string {
  const s = [surname?.trim(), givenName?.trim()].filter(Boolean).join(' ');
  return s || fallback;
}

/**
 * Splits a free-form name ('Dr Jean DUPONT', 'DUPONT Jean', 'Marie-Claire LE GALL') into surname and given
 * name: words written in capitals are the surname, the others the given name; titles are dropped.
 */
export function splitPersonName(name: string): { surname?: string; givenName?: string } {
  const words = name.replace(/["<>]/g, ' ').trim().split(/\s+/).filter((w) => w && !TITLES.test(w));
  if (words.length === 0) return {};
  const isUpper = (w: string) => /\p{L}/u.test(w) && w === w.toUpperCase();
  const upper = words.filter(isUpper);
  const lower = words.filter((w) => !isUpper(w));
  if (upper.length > 0 && lower.length > 0) return { surname: upper.join(' '), givenName: lower.join(' ') };
  if (words.length === 1) return { surname: words[0]! };
  // No case hint: 'Jean Dupont' is given name first.
  return { givenName: words.slice(0, -1).join(' '), surname: words[words.length - 1]! };
}

/** Same person? Compared folded (accents, case, punctuation). */
export function sameName(a: string, b: string): boolean {
  const f = (s: string) => fold(s).replace(/[^a-z0-9]/g, '');
  return f(a) === f(b);
}
