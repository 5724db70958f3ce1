/** Directory entries as every source (flat file, LDAP, own correspondents) delivers them. */

/** 'file:<id>', 'ldap:<id>' or 'correspondents'. */
export type SourceId = string;
export type SourceKind = 'file' | 'ldap' | 'correspondents';

export const CORRESPONDENTS: SourceId = 'correspondents';

export function sourceKind(source: SourceId): SourceKind {
  if (source === CORRESPONDENTS) return 'correspondents';
  return source.startsWith('ldap:') ? 'ldap' : 'file';
}

export interface DirectoryEntry {
  source: SourceId;
  /** Stable identity within the source ('rpps:…', 'adeli:…', 'mail:…', 'name:…'): re-imports replace by it. */
  key: string;
  surname?: string;
  givenName?: string;
  /** What the list shows, e.g. 'DUPONT Jean'. */
  displayName: string;
  profession?: string;
  specialty?: string;
  street?: string;
  postalCode?: string;
  city?: string;
  phone?: string;
  /** Normalised addresses (see core/address), by network. */
  apicrypt?: string;
  mssante?: string;
  email?: string;
  /** 11-digit RPPS number. */
  rpps?: string;
  /** 9-digit ADELI number. */
  adeli?: string;
  /** Correspondents: a hospital user reached through an establishment proxy. */
  proxy?: boolean;
  /** Correspondents: letters exchanged, and the last time (ms since epoch). */
  uses?: number;
  lastUsed?: number;
}

/** The addresses an entry carries, most specific network first. */
export function entryAddresses(e: DirectoryEntry): string[] {
  const out: string[] = [];
  if (e.apicrypt) out.push(e.apicrypt);
  if (e.mssante) out.push(e.mssante);
  if (e.email) out.push(e.email);
  return out;
}
