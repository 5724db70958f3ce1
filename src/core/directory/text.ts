/** Search text: case, accents and punctuation folded away so that « Bérénice » finds « BERENICE ». */

const MARKS = /[\u0300-\u036f]/g;
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd' };

export function fold(s: string): string {
  if (/^[ -~]*$/.test(s)) return s.toLowerCase();
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(MARKS, '')
    .replace(/[œæßøłđ]/g, (c) => LIGATURES[c] ?? c);
}

/**
 * Tokens of one field value. Compound names are indexed both ways: « NOËL-MARTIN » gives noel, martin and
 * noelmartin; « L'HERMITTE » gives l, hermitte and lhermitte; « DA SILVA » gives da, silva and dasilva.
 */
export function fieldTokens(value: string): readonly string[] {
  // Directories repeat the same cities, professions and first names thousands of times: cache them.
  const hit = cache.get(value);
  if (hit) return hit;
  const parts = fold(value).split(/[^a-z0-9]+/).filter(Boolean);
  if (parts.length > 1 && parts.length <= 4) parts.push(parts.join(''));
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(value, parts);
  return parts;
}

const CACHE_MAX = 50_000;
const cache = new Map<string, string[]>();

/** Tokens of an address's local part (no joined form: it would be the local part itself, unique per entry). */
export function localPartTokens(address: string): string[] {
  const at = address.indexOf('@');
  return fold(at < 0 ? address : address.slice(0, at)).split(/[^a-z0-9]+/).filter(Boolean);
}

/** Tokens of what the user typed in the search box (every one must match some field, by prefix). */
export function queryTokens(query: string): string[] {
  const seen = new Set<string>();
  for (const t of fold(query).split(/[^a-z0-9]+/)) if (t) seen.add(t);
  return [...seen].slice(0, 8);
}

/** Alphabetical order for French names. One shared collator: localeCompare(…, 'fr') builds one per call. */
const collator = new Intl.Collator('fr', { sensitivity: 'base' });
export function frenchOrder(a: string, b: string): number {
  return collator.compare(a, b);
}
