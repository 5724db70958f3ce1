/**
 * Flat-file directories (exports of practice software, of the national RPPS list, of spreadsheets):
 * charset and delimiter detected, columns found by their French or English header, values normalised.
 */
import { PliError } from '../../shared/errors';
import { checkAddress } from '../address';
import { decodeText, detectDelimiter, parseCsv, type CsvCharset, type CsvDelimiter } from './csv';
import { parseProfessionalId } from './ids';
import { displayNameOf } from './names';
import { fold } from './text';
import type { DirectoryEntry, SourceId } from './types';

export type ColumnField =
  | 'surname'
  | 'givenName'
  | 'fullName'
  | 'profession'
  | 'specialty'
  | 'street'
  | 'street2'
  | 'postalCode'
  | 'city'
  | 'postalCodeCity'
  | 'phone'
  | 'apicrypt'
  | 'mssante'
  | 'email'
  | 'rpps'
  | 'adeli'
  | 'professionalId';

/** Header synonyms, compared folded and without spaces or punctuation. */
const SYNONYMS: Record<ColumnField, string[]> = {
  surname: ['nom', 'nomdefamille', 'nomdexercice', 'nomdusage', 'nompatronymique', 'surname', 'lastname', 'familyname'],
  givenName: ['prenom', 'prenomdexercice', 'prenomusuel', 'firstname', 'givenname', 'forename'],
  fullName: ['nomcomplet', 'nomprenom', 'nometprenom', 'fullname', 'displayname', 'name', 'correspondant', 'destinataire'],
  profession: ['profession', 'libelleprofession', 'metier', 'title', 'occupation', 'job'],
  specialty: ['specialite', 'specialites', 'libellesavoirfaire', 'savoirfaire', 'specialty', 'speciality', 'qualification', 'discipline'],
  street: ['adresse', 'adressepostale', 'adresse1', 'rue', 'voie', 'street', 'address', 'addressline1', 'streetaddress'],
  street2: ['adresse2', 'complementadresse', 'complement', 'complementdadresse', 'addressline2'],
  postalCode: ['codepostal', 'cp', 'postcode', 'postalcode', 'zip', 'zipcode'],
  city: ['ville', 'commune', 'localite', 'libellecommune', 'city', 'town'],
  postalCodeCity: ['cpville', 'codepostalville', 'bureaudistributeur'],
  phone: ['telephone', 'tel', 'telephonefixe', 'telephoneprofessionnel', 'phone', 'phonenumber', 'telephonenumber', 'portable', 'mobile'],
  apicrypt: ['adresseapicrypt', 'apicrypt', 'mailapicrypt', 'emailapicrypt', 'courrielapicrypt'],
  mssante: ['adressemssante', 'mssante', 'balmssante', 'adressebalmssante', 'mailmssante', 'emailmssante'],
  email: ['email', 'mail', 'courriel', 'adressemail', 'adresseemail', 'adressecourriel', 'emailaddress', 'adressemessagerie'],
  rpps: ['rpps', 'numerorpps', 'identifiantrpps', 'idrpps', 'norpps'],
  adeli: ['adeli', 'numeroadeli', 'identifiantadeli', 'noadeli'],
  professionalId: ['rppsadeli', 'idpp', 'identifiantpp', 'identificationnationalepp', 'identifiant', 'identifiantnational'],
};

/** Looser rules for headers no synonym names exactly (first match wins). */
const CONTAINS: Array<[RegExp, ColumnField]> = [
  [/apicrypt/, 'apicrypt'],
  [/mssante/, 'mssante'],
  [/rpps.*adeli|adeli.*rpps/, 'professionalId'],
  [/rpps/, 'rpps'],
  [/adeli/, 'adeli'],
  [/mail|courriel/, 'email'],
  [/prenom|firstname/, 'givenName'],
  [/specialit|savoirfaire/, 'specialty'],
  [/profession/, 'profession'],
  [/codepostal|postal/, 'postalCode'],
  [/telephone|^tel/, 'phone'],
  [/ville|commune/, 'city'],
  [/^nom/, 'surname'],
  [/adresse|^rue/, 'street'],
];

const LOOKUP = new Map<string, ColumnField>();
for (const [field, names] of Object.entries(SYNONYMS) as Array<[ColumnField, string[]]>) for (const n of names) LOOKUP.set(n, field);

function headerKey(h: string): string {
  return fold(h).replace(/[^a-z0-9]/g, '');
}

/** Which column holds which field (first column wins for a field named twice). */
export function mapColumns(header: readonly string[]): Map<ColumnField, number> {
  const out = new Map<ColumnField, number>();
  const loose: Array<[number, string]> = [];
  header.forEach((h, i) => {
    const k = headerKey(h);
    const f = LOOKUP.get(k);
    if (f && !out.has(f)) out.set(f, i);
    else if (!f && k) loose.push([i, k]);
  });
  for (const [i, k] of loose) {
    const rule = CONTAINS.find(([rx]) => rx.test(k));
    if (rule && !out.has(rule[1])) out.set(rule[1], i);
  }
  return out;
}

export interface CsvImportIssue {
  /** 1-based line of the record in the file (its first line for records spanning several). */
  row: number;
  message_fr: string;
}

export interface CsvImportResult {
  entries: DirectoryEntry[];
  charset: CsvCharset;
  delimiter: CsvDelimiter;
  columns: Partial<Record<ColumnField, string>>;
  rows: number;
  skipped: CsvImportIssue[];
  warnings: CsvImportIssue[];
  /** Rows that named an entry already met in the file (merged, the later values winning). */
  duplicates: number;
}

/** One-line values: line breaks inside quoted fields (multi-line postal addresses) become « , ». */
const clean = (s: string | undefined): string | undefined => {
  const v = s?.trim().replace(/\s*[\r\n]+\s*/g, ', ').replace(/\s+/g, ' ');
  return v ? v : undefined;
};

/** French postcodes lose their leading zero in spreadsheets ('6000' for Nice). */
export function normalizePostalCode(raw: string): string {
  const d = raw.replace(/\s/g, '');
  return /^\d{4}$/.test(d) ? `0${d}` : d;
}

/** French numbers as '01 23 45 67 89'; anything else as written. */
export function normalizePhone(raw: string): string {
  let d = raw.replace(/[\s.\-/()]/g, '');
  if (/^(\+33|0033)\d{9}$/.test(d)) d = `0${d.slice(d.length - 9)}`;
  if (/^\d{9}$/.test(d) && !d.startsWith('0')) d = `0${d}`;
  return /^0\d{9}$/.test(d) ? d.replace(/(\d{2})(?=\d)/g, '$1 ') : raw.trim();
}

/** The stable key of an entry: RPPS, ADELI, then an address, then name and city. */
export function entryKey(e: Omit<DirectoryEntry, 'key'>): string {
  if (e.rpps) return `rpps:${e.rpps}`;
  if (e.adeli) return `adeli:${e.adeli}`;
  const a = e.apicrypt ?? e.mssante ?? e.email;
  if (a) return `mail:${a.toLowerCase()}`;
  return `name:${fold(`${e.displayName}|${e.city ?? ''}`)}`;
}

/**
 * Reads a flat-file directory. Rows without a usable address and without RPPS/ADELI are skipped (they
 * cannot be written to nor merged); malformed addresses are dropped with a warning naming the row.
 */
export function importDirectoryCsv(bytes: Uint8Array, source: SourceId): CsvImportResult {
  const { text, charset } = decodeText(bytes);
  const delimiter = detectDelimiter(text);
  const rows = parseCsv(text, delimiter);
  const header = rows[0];
  if (!header) throw new PliError('directory_csv_empty', 'Le fichier est vide : exportez de nouveau l’annuaire depuis votre logiciel.');
  const cols = mapColumns(header);
  const hasName = cols.has('surname') || cols.has('fullName');
  const hasAddress = cols.has('apicrypt') || cols.has('mssante') || cols.has('email');
  if (!hasName || !(hasAddress || cols.has('rpps') || cols.has('adeli') || cols.has('professionalId'))) {
    throw new PliError(
      'directory_csv_header',
      'La première ligne du fichier ne nomme pas les colonnes attendues. Il faut au moins « Nom » et une adresse ' +
        '(« Adresse APICRYPT », « Adresse MSSanté » ou « E-mail ») ou un numéro « RPPS »/« ADELI ». Colonnes reconnues aussi : ' +
        '« Prénom », « Profession », « Spécialité », « Adresse », « Code postal », « Ville », « Téléphone ».',
      { header: header.slice(0, 30) },
    );
  }
  const columns: Partial<Record<ColumnField, string>> = {};
  for (const [f, i] of cols) columns[f] = header[i]!;
  const skipped: CsvImportIssue[] = [];
  const warnings: CsvImportIssue[] = [];
  const byKey = new Map<string, DirectoryEntry>();
  let duplicates = 0;
  const get = (row: string[], f: ColumnField): string | undefined => {
    const i = cols.get(f);
    return i === undefined ? undefined : clean(row[i]);
  };

  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 1;
    if (row.every((c) => c.trim() === '')) continue;
    let surname = get(row, 'surname');
    let givenName = get(row, 'givenName');
    const full = get(row, 'fullName');
    if (!surname && full) {
      const parts = full.split(' ');
      const upper = parts.filter((w) => /\p{L}/u.test(w) && w === w.toUpperCase());
      if (upper.length && upper.length < parts.length) {
        surname = upper.join(' ');
        givenName ??= parts.filter((w) => !upper.includes(w)).join(' ');
      } else surname = full;
    }
    const e: Omit<DirectoryEntry, 'key'> = { source, displayName: displayNameOf(surname, givenName) };
    if (surname) e.surname = surname;
    if (givenName) e.givenName = givenName;
    const set = <K extends keyof DirectoryEntry>(k: K, v: DirectoryEntry[K] | undefined) => {
      if (v !== undefined && v !== '') (e as DirectoryEntry)[k] = v;
    };
    set('profession', get(row, 'profession'));
    set('specialty', get(row, 'specialty'));
    const street = [get(row, 'street'), get(row, 'street2')].filter(Boolean).join(', ');
    set('street', street || undefined);
    let pc = get(row, 'postalCode');
    let city = get(row, 'city');
    const pcCity = get(row, 'postalCodeCity');
    if (pcCity && (!pc || !city)) {
      const m = /^(\d{4,5})\s+(.+)$/.exec(pcCity);
      if (m) {
        pc ??= m[1];
        city ??= m[2];
      }
    }
    set('postalCode', pc ? normalizePostalCode(pc) : undefined);
    set('city', city);
    const phone = get(row, 'phone');
    set('phone', phone ? normalizePhone(phone) : undefined);

    for (const f of ['apicrypt', 'mssante', 'email'] as const) {
      const raw = get(row, f);
      if (!raw) continue;
      const c = checkAddress(raw);
      if (!c.ok) {
        warnings.push({ row: line, message_fr: `Ligne ${line} : adresse ignorée. ${c.error.message_fr}` });
        continue;
      }
      // A column says which network, but the domain decides: an MSSanté address in « E-mail » is MSSanté.
      const kind = c.address.kind === 'apicrypt' ? 'apicrypt' : c.address.kind === 'mssante' ? 'mssante' : 'email';
      if (!e[kind]) e[kind] = c.address.address;
    }
    const ids = { ...parseProfessionalId(get(row, 'professionalId') ?? ''), ...parseProfessionalId(get(row, 'adeli') ?? '') };
    Object.assign(ids, parseProfessionalId(get(row, 'rpps') ?? ''));
    for (const f of ['rpps', 'adeli', 'professionalId'] as const) {
      const raw = get(row, f);
      if (raw && Object.keys(parseProfessionalId(raw)).length === 0) {
        warnings.push({ row: line, message_fr: `Ligne ${line} : numéro « ${raw} » ignoré (un RPPS a 11 chiffres, un ADELI 9).` });
      }
    }
    set('rpps', ids.rpps);
    set('adeli', ids.adeli);

    if (!e.displayName) {
      skipped.push({ row: line, message_fr: `Ligne ${line} ignorée : le nom est vide.` });
      continue;
    }
    if (!e.apicrypt && !e.mssante && !e.email && !e.rpps && !e.adeli) {
      skipped.push({ row: line, message_fr: `Ligne ${line} ignorée (${e.displayName}) : ni adresse de messagerie valide ni numéro RPPS/ADELI.` });
      continue;
    }
    const key = entryKey(e);
    const prev = byKey.get(key);
    if (prev) {
      duplicates++;
      byKey.set(key, { ...prev, ...(e as DirectoryEntry), key });
    } else byKey.set(key, { ...e, key });
  }
  return { entries: [...byKey.values()], charset, delimiter, columns, rows: rows.length - 1, skipped, warnings, duplicates };
}
