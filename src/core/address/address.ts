/**
 * Address rules of the networks Pli writes to: APICRYPT (`prenom.NOM@medicalNN.apicrypt.org` and the other
 * `*.apicrypt.org` domains, among them the MSSanté gateway `interop-mssante.apicrypt.org`), MSSanté
 * (`*.mssante.fr`) and ordinary mail. The local part keeps the case the network writes (APICRYPT key files
 * are named after it, `jean.DUPONT.126`); only the domain is lowercased.
 */
import { PliError, type WireError } from '../../shared/errors';

export type AddressKind = 'apicrypt' | 'mssante' | 'other';

export interface Address {
  /** Normalised form: local part as written, domain lowercased. */
  address: string;
  local: string;
  domain: string;
  kind: AddressKind;
  /** The NN of medicalNN.apicrypt.org (e.g. '75', '2A'), when the domain has that shape. */
  departement?: string;
  /** interop-mssante.apicrypt.org: an MSSanté mailbox reached through the APICRYPT gateway. */
  interop?: boolean;
}

export type AddressCheck = { ok: true; address: Address } | { ok: false; error: WireError };

const APICRYPT_SUFFIX = '.apicrypt.org';
const MSSANTE_SUFFIX = '.mssante.fr';
const MEDICAL = /^medical(\d{2,3}|2a|2b)$/;
/** RFC 5321 dot-atom characters. */
const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
/** APICRYPT local parts name key files: letters, digits, dot, hyphen, underscore only. */
const APICRYPT_LOCAL = /^[A-Za-z0-9._-]+$/;
const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function fail(code: string, message_fr: string, input: string): never {
  throw new PliError(code, message_fr, { input });
}

/** Strips what people paste around an address: spaces, `<...>`, a `mailto:` prefix. */
function unwrap(input: string): string {
  let s = input.trim();
  const angle = /<([^<>]*)>\s*$/.exec(s);
  if (angle) s = angle[1]!.trim();
  if (/^mailto:/i.test(s)) s = s.slice(7);
  return s;
}

function checkDomain(domain: string, shown: string): void {
  if (domain === '') fail('address_domain_empty', `L’adresse « ${shown} » n’a pas de domaine après « @ » (par exemple medical75.apicrypt.org).`, shown);
  if (/[^\x21-\x7e]/.test(domain)) {
    fail('address_domain_invalid', `Le domaine de l’adresse « ${shown} » contient des accents ou des caractères non autorisés. Écrivez-le sans accent.`, shown);
  }
  if (!domain.includes('.')) fail('address_domain_no_dot', `Le domaine « ${domain} » de l’adresse « ${shown} » est incomplet (il manque par exemple « .apicrypt.org » ou « .fr »).`, shown);
  const labels = domain.split('.');
  if (labels.some((l) => l === '')) fail('address_domain_dots', `Le domaine « ${domain} » de l’adresse « ${shown} » contient un point en trop.`, shown);
  if (!labels.every((l) => LABEL.test(l) && l.length <= 63) || domain.length > 253) {
    fail('address_domain_invalid', `Le domaine « ${domain} » de l’adresse « ${shown} » n’est pas valide (lettres, chiffres, tirets et points seulement).`, shown);
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) fail('address_domain_invalid', `Le domaine « ${domain} » de l’adresse « ${shown} » n’est pas valide.`, shown);
}

/** Catches the usual typos of the two health networks before the letter leaves. */
function checkNetworkTypos(domain: string, shown: string): void {
  if (domain === 'apicrypt.org') {
    fail('address_apicrypt_bare', `L’adresse « ${shown} » est incomplète : une adresse APICRYPT s’écrit prenom.NOM@medicalNN.apicrypt.org (NN : numéro du département).`, shown);
  }
  if (/apicr[iy]pt|apicrip/.test(domain) && !domain.endsWith(APICRYPT_SUFFIX)) {
    fail('address_apicrypt_domain', `Le domaine « ${domain} » ressemble à APICRYPT mais n’est pas valide : les adresses APICRYPT se terminent par « .apicrypt.org » (par exemple medical75.apicrypt.org).`, shown);
  }
  if (/^medical[0-9]/.test(domain) && !domain.endsWith(APICRYPT_SUFFIX)) {
    fail('address_apicrypt_domain', `Le domaine « ${domain} » semble incomplet : une adresse APICRYPT s’écrit prenom.NOM@medicalNN.apicrypt.org.`, shown);
  }
  if (domain === 'mssante.fr') {
    fail('address_mssante_bare', `L’adresse « ${shown} » est incomplète : une adresse MSSanté s’écrit avec le domaine de l’opérateur, par exemple prenom.nom@medecin.mssante.fr.`, shown);
  }
  if (/ms-?sant[eé]|mssnate|msante/.test(domain) && !domain.endsWith(MSSANTE_SUFFIX) && !domain.endsWith(APICRYPT_SUFFIX)) {
    fail('address_mssante_domain', `Le domaine « ${domain} » ressemble à MSSanté mais n’est pas valide : les adresses MSSanté se terminent par « .mssante.fr ».`, shown);
  }
}

function checkLocal(local: string, shown: string, apicrypt: boolean): void {
  if (local === '') fail('address_local_empty', `L’adresse « ${shown} » n’a rien avant « @ » : il manque le nom du destinataire.`, shown);
  if (local.length > 64) fail('address_local_too_long', `La partie avant « @ » de l’adresse « ${shown} » est trop longue (64 caractères au plus).`, shown);
  if (/[^\x20-\x7e]/.test(local)) {
    fail('address_local_accents', `L’adresse « ${shown} » contient des accents ou des caractères spéciaux avant « @ » : écrivez-la sans accent (par exemple helene.DURAND).`, shown);
  }
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    fail('address_local_dots', `L’adresse « ${shown} » a un point mal placé avant « @ » (au début, à la fin ou deux points de suite).`, shown);
  }
  const ok = apicrypt ? APICRYPT_LOCAL.test(local) : local.split('.').every((a) => ATOM.test(a));
  if (!ok) {
    const bad = [...local].find((c) => !(apicrypt ? /[A-Za-z0-9._-]/ : /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/).test(c)) ?? '?';
    fail(
      'address_local_invalid_char',
      apicrypt
        ? `L’adresse APICRYPT « ${shown} » contient le caractère « ${bad} », interdit avant « @ » (lettres sans accent, chiffres, point, tiret et souligné seulement).`
        : `L’adresse « ${shown} » contient le caractère « ${bad} », interdit avant « @ ».`,
      shown,
    );
  }
}

/** Parses and normalises one address; throws a PliError with a French message naming the problem. */
export function parseAddress(input: string): Address {
  const shown = input.trim();
  if (shown === '') fail('address_empty', 'L’adresse est vide : saisissez une adresse de messagerie (par exemple jean.DUPONT@medical75.apicrypt.org).', shown);
  const s = unwrap(input);
  if (/\s/.test(s)) fail('address_spaces', `L’adresse « ${shown} » contient un espace : une adresse s’écrit d’un seul tenant.`, shown);
  const at = s.split('@');
  if (at.length === 1) fail('address_no_at', `« ${shown} » n’est pas une adresse : il manque « @ » (par exemple jean.DUPONT@medical75.apicrypt.org).`, shown);
  if (at.length > 2) fail('address_several_at', `L’adresse « ${shown} » contient plusieurs « @ » : n’en gardez qu’un, ou séparez les adresses par une virgule.`, shown);
  const local = at[0]!;
  const domain = at[1]!.toLowerCase().replace(/\.$/, '');
  checkDomain(domain, shown);
  checkNetworkTypos(domain, shown);
  const kind: AddressKind = domain.endsWith(APICRYPT_SUFFIX) ? 'apicrypt' : domain.endsWith(MSSANTE_SUFFIX) ? 'mssante' : 'other';
  checkLocal(local, shown, kind === 'apicrypt');
  const address = `${local}@${domain}`;
  if (address.length > 254) fail('address_too_long', `L’adresse « ${shown} » est trop longue (254 caractères au plus).`, shown);
  const out: Address = { address, local, domain, kind };
  if (kind === 'apicrypt') {
    const sub = domain.slice(0, -APICRYPT_SUFFIX.length);
    const m = MEDICAL.exec(sub);
    if (m) out.departement = m[1]!.toUpperCase();
    if (sub === 'interop-mssante') out.interop = true;
  }
  return out;
}

/** Same as parseAddress without throwing: for forms that show the message beside the field. */
export function checkAddress(input: string): AddressCheck {
  try {
    return { ok: true, address: parseAddress(input) };
  } catch (e) {
    if (e instanceof PliError) return { ok: false, error: e.toWire() };
    throw e;
  }
}

export function isValidAddress(input: string): boolean {
  return checkAddress(input).ok;
}

/** The normalised address, or undefined when it is malformed. */
export function normalizeAddress(input: string): string | undefined {
  const c = checkAddress(input);
  return c.ok ? c.address.address : undefined;
}

export function classifyAddress(input: string): AddressKind | undefined {
  const c = checkAddress(input);
  return c.ok ? c.address.kind : undefined;
}

/**
 * Identity of a mailbox for matching (duplicates, block list, correspondents): case-insensitive, since
 * the networks deliver `jean.dupont@` and `jean.DUPONT@` to the same box. Never shown to the user.
 */
export function addressKey(input: string): string {
  const n = normalizeAddress(input);
  return (n ?? input.trim()).toLowerCase();
}

/**
 * What goes into the APICRYPT recipient trailer (`#DESTBEGIN#...#DESTEND#`): the local part for
 * `*.apicrypt.org` addresses, the whole address for the others (MSSanté, ordinary mail) so that the
 * trusted server can route them.
 */
export function trailerRecipient(input: string | Address): string {
  const a = typeof input === 'string' ? parseAddress(input) : input;
  return a.kind === 'apicrypt' ? a.local : a.address;
}

/** Splits what a user typed or pasted into one field (commas, semicolons, new lines) into addresses. */
export function splitAddressList(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let angle = false;
  let quote = false;
  for (const ch of text) {
    if (ch === '"') quote = !quote;
    else if (ch === '<' && !quote) angle = true;
    else if (ch === '>' && !quote) angle = false;
    if (!quote && !angle && (ch === ',' || ch === ';' || ch === '\n' || ch === '\r')) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
