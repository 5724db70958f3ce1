/**
 * Names normalised for search and matching: upper case, no diacritics, ligatures spelled out,
 * hyphens and apostrophes as spaces, single spaces. `Lœtitia D'Aubigné-Réal` -> `LOETITIA D AUBIGNE REAL`.
 */
const LIGATURES: Record<string, string> = { œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'SS' };

export function normalizeName(raw: string): string {
  return raw
    .replace(/[œŒæÆß]/g, (c) => LIGATURES[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/[-'’‘`´_.,]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
