/**
 * LDAP directories (inetOrgPerson): search filters built from user input with every value escaped
 * (RFC 4515) — input never reaches the filter syntax — and entries mapped to directory entries.
 */
import { checkAddress } from '../address';
import { parseProfessionalId } from './ids';
import { displayNameOf, splitPersonName } from './names';
import type { DirectoryEntry, SourceId } from './types';

/** RFC 4515 §3: `*`, `(`, `)`, `\` and NUL as `\XX`; everything else (UTF-8 included) as is. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export interface LdapQuery {
  /** Surname, given name or full name, by prefix. */
  name?: string;
  /** Profession (title) or speciality (employeeType), as a substring. */
  profession?: string;
  /** City (l) by prefix, or postcode by prefix when digits. */
  city?: string;
  /** Free text from the search box: each word must start a name, a city or a postcode, or appear in the profession. */
  text?: string;
}

const ATTR = /^[A-Za-z][A-Za-z0-9-]*$/;

function sub(attr: string, value: string, mode: 'prefix' | 'any'): string {
  if (!ATTR.test(attr)) throw new Error(`bad attribute ${attr}`);
  const v = escapeFilterValue(value);
  return mode === 'prefix' ? `(${attr}=${v}*)` : `(${attr}=*${v}*)`;
}

const clean = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/** The filter for a search; undefined when the query is empty (nothing to ask the server). */
export function buildLdapFilter(q: LdapQuery, objectClass = 'inetOrgPerson'): string | undefined {
  const parts: string[] = [];
  const name = clean(q.name);
  if (name) {
    // Each word must start the surname, the given name or the common name.
    for (const w of name.split(' ').slice(0, 4)) {
      parts.push(`(|${sub('sn', w, 'prefix')}${sub('givenName', w, 'prefix')}${sub('cn', w, 'prefix')})`);
    }
  }
  const prof = clean(q.profession);
  if (prof) parts.push(`(|${sub('title', prof, 'any')}${sub('employeeType', prof, 'any')})`);
  const city = clean(q.city);
  if (city) parts.push(/^\d+$/.test(city) ? sub('postalCode', city, 'prefix') : sub('l', city, 'prefix'));
  const text = clean(q.text);
  if (text) {
    for (const w of text.split(' ').slice(0, 4)) {
      const any = ['sn', 'givenName', 'cn', 'l'].map((a) => sub(a, w, 'prefix')).join('');
      const digits = /^\d+$/.test(w) ? sub('postalCode', w, 'prefix') : '';
      parts.push(`(|${any}${sub('title', w, 'any')}${sub('employeeType', w, 'any')}${digits})`);
    }
  }
  if (parts.length === 0) return undefined;
  return `(&(objectClass=${escapeFilterValue(objectClass)})${parts.join('')})`;
}

export const LDAP_ATTRIBUTES = [
  'uid', 'cn', 'sn', 'givenName', 'displayName', 'mail', 'title', 'employeeType', 'l', 'postalCode', 'street', 'telephoneNumber', 'employeeNumber',
];

type LdapValue = string | string[] | Buffer | Buffer[] | undefined;

function first(v: LdapValue): string | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  if (x === undefined) return undefined;
  const s = (typeof x === 'string' ? x : x.toString('utf8')).trim();
  return s || undefined;
}

function all(v: LdapValue): string[] {
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x) => (typeof x === 'string' ? x : x.toString('utf8')).trim()).filter(Boolean);
}

/** One inetOrgPerson entry (attribute names as returned, any case) to a directory entry; undefined when unusable. */
export function mapLdapEntry(raw: Record<string, LdapValue>, source: SourceId): DirectoryEntry | undefined {
  const attrs = new Map<string, LdapValue>();
  for (const [k, v] of Object.entries(raw)) attrs.set(k.toLowerCase(), v);
  const get = (k: string) => first(attrs.get(k.toLowerCase()));
  let surname = get('sn');
  let givenName = get('givenName');
  const cn = get('cn');
  if (!surname && cn) ({ surname, givenName = givenName } = splitPersonName(cn));
  const e: DirectoryEntry = { source, key: '', displayName: displayNameOf(surname, givenName, get('displayName') ?? cn ?? '') };
  if (surname) e.surname = surname;
  if (givenName) e.givenName = givenName;
  const put = (k: 'profession' | 'specialty' | 'city' | 'postalCode' | 'street' | 'phone', attr: string) => {
    const v = get(attr);
    if (v) e[k] = v;
  };
  put('profession', 'title');
  put('specialty', 'employeeType');
  put('city', 'l');
  put('postalCode', 'postalCode');
  put('street', 'street');
  put('phone', 'telephoneNumber');
  for (const m of all(attrs.get('mail'))) {
    const c = checkAddress(m);
    if (!c.ok) continue;
    const kind = c.address.kind === 'other' ? 'email' : c.address.kind;
    e[kind] ??= c.address.address;
  }
  const ids = parseProfessionalId(get('employeeNumber') ?? '');
  if (ids.rpps) e.rpps = ids.rpps;
  if (ids.adeli) e.adeli = ids.adeli;
  if (!e.displayName || (!e.apicrypt && !e.mssante && !e.email)) return undefined;
  const dn = get('dn');
  e.key = e.rpps ? `rpps:${e.rpps}` : e.adeli ? `adeli:${e.adeli}` : dn ? `dn:${dn.toLowerCase()}` : `mail:${(e.apicrypt ?? e.mssante ?? e.email)!.toLowerCase()}`;
  return e;
}
