/**
 * One person listed by several sources (the file of the Ordre, the LDAP directory, one's own
 * correspondents) shows once: entries sharing an RPPS/ADELI number or an address are merged.
 */
import type { AddressKind } from '../address';
import { displayNameOf } from './names';
import { sourceBoost } from './rank';
import { frenchOrder } from './text';
import { entryAddresses, sourceKind, type DirectoryEntry, type SourceId } from './types';

export interface ContactAddress {
  address: string;
  kind: AddressKind;
}

export interface DirectoryContact {
  /** Stable for one merge: the first source entry's source + key. */
  id: string;
  displayName: string;
  surname?: string;
  givenName?: string;
  profession?: string;
  specialty?: string;
  street?: string;
  postalCode?: string;
  city?: string;
  phone?: string;
  rpps?: string;
  adeli?: string;
  /** APICRYPT first, then MSSanté, then others; no duplicates. */
  addresses: ContactAddress[];
  sources: Array<{ source: SourceId; key: string }>;
  /** The user has exchanged letters with this person. */
  correspondent: boolean;
  proxy: boolean;
  score: number;
}

/** Which source's value wins for descriptive fields: directories describe people better than headers. */
const PRECEDENCE: Record<string, number> = { ldap: 0, file: 1, correspondents: 2 };

/** `score` of each hit is its relevance without boost; a contact scores its best member plus the correspondent boost. */
export function mergeEntries(hits: ReadonlyArray<{ entry: DirectoryEntry; score: number }>): DirectoryContact[] {
  const parent = hits.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  hits.forEach(({ entry: e }, i) => {
    const ids = [e.rpps && `r:${e.rpps}`, e.adeli && `a:${e.adeli}`, ...entryAddresses(e).map((a) => `m:${a.toLowerCase()}`)];
    for (const id of ids) {
      if (!id) continue;
      const o = owner.get(id);
      if (o === undefined) owner.set(id, i);
      else {
        const a = find(o);
        const b = find(i);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const groups = new Map<number, number[]>();
  hits.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  const out: DirectoryContact[] = [];
  for (const members of groups.values()) {
    const entries = members.map((i) => hits[i]!.entry);
    const ordered = [...entries].sort((a, b) => PRECEDENCE[sourceKind(a.source)]! - PRECEDENCE[sourceKind(b.source)]!);
    const pick = <K extends keyof DirectoryEntry>(k: K): DirectoryEntry[K] | undefined => ordered.find((e) => e[k] !== undefined && e[k] !== '')?.[k];
    const seen = new Set<string>();
    const addresses: ContactAddress[] = [];
    // Entries hold normalised addresses (sources validate them): lowercasing is the whole matching key.
    for (const kind of ['apicrypt', 'mssante', 'email'] as const) {
      for (const e of ordered) {
        const a = e[kind];
        if (!a || seen.has(a.toLowerCase())) continue;
        seen.add(a.toLowerCase());
        addresses.push({ address: a, kind: kind === 'email' ? 'other' : kind });
      }
    }
    const first = entries[0]!;
    const c: DirectoryContact = {
      id: `${first.source}|${first.key}`,
      displayName: displayNameOf(pick('surname'), pick('givenName'), pick('displayName') ?? ''),
      addresses,
      sources: entries.map((e) => ({ source: e.source, key: e.key })),
      correspondent: entries.some((e) => sourceKind(e.source) === 'correspondents'),
      proxy: entries.some((e) => e.proxy === true),
      score: Math.max(...members.map((i) => hits[i]!.score)) + Math.max(...entries.map(sourceBoost)),
    };
    for (const k of ['surname', 'givenName', 'profession', 'specialty', 'street', 'postalCode', 'city', 'phone', 'rpps', 'adeli'] as const) {
      const v = pick(k);
      if (typeof v === 'string') c[k] = v;
    }
    out.push(c);
  }
  return out.sort((a, b) => b.score - a.score || frenchOrder(a.displayName, b.displayName));
}
