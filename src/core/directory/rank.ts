/**
 * Ranking: a surname typed in full beats a surname prefix, which beats the other fields; the user's own
 * correspondents come first among equals. Shared by the in-memory index and by the re-ranking of
 * candidates that a database (FTS5) returns, so that both order results the same way.
 */
import { fieldTokens, localPartTokens } from './text';
import { sourceKind, type DirectoryEntry } from './types';

export const FIELD = { surname: 0, givenName: 1, profession: 2, specialty: 3, city: 4, postalCode: 5, address: 6, ids: 7 } as const;
export type FieldCode = (typeof FIELD)[keyof typeof FIELD];

/** Flat weights for the index's inner loop: FLAT_WEIGHTS[field * 2 + (prefix ? 1 : 0)]. */
export const FLAT_WEIGHTS = new Float32Array(16);

/** [exact, prefix] weight per field code. */
export const WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [100, 60], // surname
  [40, 25], // given name
  [20, 12], // profession
  [20, 12], // specialty
  [20, 12], // city
  [15, 10], // postcode
  [15, 8], // address local part
  [30, 5], // RPPS / ADELI
];
WEIGHTS.forEach(([exact, prefix], f) => {
  FLAT_WEIGHTS[f * 2] = exact;
  FLAT_WEIGHTS[f * 2 + 1] = prefix;
});

/** The tokens of an entry, field by field. */
export function entryFieldTokens(e: DirectoryEntry): Array<[FieldCode, readonly string[]]> {
  const out: Array<[FieldCode, readonly string[]]> = [];
  if (e.surname || e.givenName) {
    if (e.surname) out.push([FIELD.surname, fieldTokens(e.surname)]);
    if (e.givenName) out.push([FIELD.givenName, fieldTokens(e.givenName)]);
  } else if (e.displayName) out.push([FIELD.surname, fieldTokens(e.displayName)]);
  if (e.profession) out.push([FIELD.profession, fieldTokens(e.profession)]);
  if (e.specialty) out.push([FIELD.specialty, fieldTokens(e.specialty)]);
  if (e.city) out.push([FIELD.city, fieldTokens(e.city)]);
  if (e.postalCode) out.push([FIELD.postalCode, [e.postalCode]]);
  if (e.apicrypt) out.push([FIELD.address, localPartTokens(e.apicrypt)]);
  if (e.mssante) out.push([FIELD.address, localPartTokens(e.mssante)]);
  if (e.email) out.push([FIELD.address, localPartTokens(e.email)]);
  if (e.rpps) out.push([FIELD.ids, [e.rpps]]);
  if (e.adeli) out.push([FIELD.ids, [e.adeli]]);
  return out;
}

/** Own correspondents first, the busiest ones before the others. */
export function sourceBoost(e: DirectoryEntry): number {
  return sourceKind(e.source) === 'correspondents' ? 30 + Math.min(20, e.uses ?? 0) : 0;
}

/** Score of an entry for query tokens, own correspondents boosted; 0 when one token matches no field. */
export function scoreEntry(e: DirectoryEntry, tokens: readonly string[]): number {
  const r = relevance(e, tokens);
  return r === 0 ? 0 : r + sourceBoost(e);
}

/** How well an entry matches, without the correspondent boost; 0 when one token matches no field (every token must match). */
export function relevance(e: DirectoryEntry, tokens: readonly string[]): number {
  if (tokens.length === 0) return 0;
  const fields = entryFieldTokens(e);
  let total = 0;
  for (const t of tokens) {
    let best = 0;
    for (const [f, toks] of fields) {
      const [exact, prefix] = WEIGHTS[f]!;
      for (const x of toks) {
        const w = x === t ? exact : x.startsWith(t) ? prefix : 0;
        if (w > best) best = w;
      }
    }
    if (best === 0) return 0;
    total += best;
  }
  return total;
}

/** Folded display name: the tie-break among equal scores (alphabetical). */
export function sortKey(e: DirectoryEntry): string {
  return fieldTokens(e.displayName).join(' ');
}
