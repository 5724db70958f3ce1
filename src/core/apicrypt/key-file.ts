import { PliError } from '../../shared/errors';
import { crc32 } from './crc32';
import { apiError, frNumber, LEGACY } from './errors';
import { decodeKeyHeader, encodeKeyHeader, HEADER_SIZE, OWNER_RE, type KeyHeader } from './key-header';

/** A parsed key file. `pad` is a view into the bytes given to parseKeyFile (no copy). */
export interface KeyFile extends KeyHeader {
  pad: Uint8Array;
}

export interface KeyFileInit {
  owner: string;
  year: number;
  pad: Uint8Array;
  tag?: string;
  indexCourant?: number;
  nbCrypt?: number;
  /** Defaults to the CRC-32 of the pad. */
  crc?: number;
  version?: number;
}

const MIN_YEAR = 1990;
const MAX_YEAR = 2155; // a 3-digit suffix (year - 1900) stays below 256

/** `jean.DUPONT` + 2026 -> `jean.DUPONT.126`. */
export function keyFileName(owner: string, year: number): string {
  return `${owner}.${year - 1900}`;
}

/** Reads a key file name (a path is accepted, only its last part counts). */
export function parseKeyFileName(name: string): { owner: string; year: number } | { unsupported: 'aes' } | undefined {
  const base = name.split(/[\\/]/).pop() ?? '';
  if (/\.aes$/i.test(base)) return { unsupported: 'aes' };
  const m = /^(.+)\.(\d{2,3})$/.exec(base);
  if (!m || !OWNER_RE.test(m[1]!)) return undefined;
  return { owner: m[1]!, year: 1900 + Number(m[2]) };
}

export function writeKeyFile(k: KeyFileInit): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE + k.pad.length);
  encodeKeyHeader(
    {
      version: k.version ?? 1,
      year: k.year,
      tag: k.tag ?? '1000',
      owner: k.owner,
      indexMax: k.pad.length,
      indexCourant: k.indexCourant ?? 0,
      nbCrypt: k.nbCrypt ?? 0,
      crc: k.crc ?? crc32(k.pad),
    },
    out,
  );
  out.set(k.pad, HEADER_SIZE);
  return out;
}

/** Rewrites the pointer and counter of a key file's bytes in place (the legacy tools' `-k` mode). */
export function setKeyPointer(bytes: Uint8Array, indexCourant: number, nbCrypt: number): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  v.setUint32(92, indexCourant >>> 0);
  v.setUint32(96, nbCrypt >>> 0);
}

/**
 * Parses and validates a key file: shape, version, year and owner against the file name (when given),
 * size (224 + indexMax), pointer and CRC-32. Each failure has its own code and French message.
 */
export function parseKeyFile(bytes: Uint8Array, fileName?: string): KeyFile {
  let label = fileName?.split(/[\\/]/).pop();
  const named = fileName === undefined ? undefined : parseKeyFileName(fileName);
  if (named && 'unsupported' in named) {
    throw apiError('key_unsupported_v2', `Le fichier ${label} est une clef APICRYPT V2 (.aes) : ce format n’est pas encore pris en charge par Pli.`, undefined, { file: label });
  }
  if (fileName !== undefined && named === undefined) {
    throw apiError('key_bad_file_name', `Le nom de fichier « ${label} » n’est pas celui d’une clef APICRYPT (attendu : nom.NNN, par exemple jean.DUPONT.126).`, undefined, { file: label });
  }
  const bad = (code: string, msg: string, legacy: number, details: Record<string, unknown> = {}): PliError =>
    apiError(code, msg, legacy, { file: label, ...details });

  const theKey = label === undefined ? 'La clef' : `La clef ${label}`;
  if (bytes.length < HEADER_SIZE) {
    throw bad('key_incomplete', `${theKey} est incomplète : son en-tête de ${HEADER_SIZE} octets est tronqué (${frNumber(bytes.length)} octets trouvés). Recopiez-la depuis le support d’origine.`, LEGACY.badKeySize, { expected: HEADER_SIZE, actual: bytes.length });
  }
  const version = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  if (version !== 1) {
    throw bad('key_bad_version', `${theKey} est d’une version inconnue (${version}) : seules les clefs APICRYPT V1 sont lues.`, LEGACY.badKeyHeader, { version });
  }
  const h = decodeKeyHeader(bytes);
  if (typeof h === 'string') {
    throw bad('key_bad_header', `L’en-tête de ${label === undefined ? 'la clef' : `la clef ${label}`} est illisible (${headerProblemFr(h)}). Le fichier est endommagé ou n’est pas une clef APICRYPT.`, LEGACY.badKeyHeader, { problem: h });
  }
  label ??= keyFileName(h.owner, h.year);
  if (named && !('unsupported' in named)) {
    if (h.year !== named.year) {
      throw bad('key_year_mismatch', `La clef ${label} est celle de l’année ${h.year}, alors que son nom indique ${named.year}. Le fichier a été renommé : reprenez-le sur le support d’origine.`, LEGACY.badKeyHeader, { headerYear: h.year, nameYear: named.year });
    }
    if (h.owner !== named.owner) {
      throw bad('key_name_mismatch', `La clef ${label} appartient à « ${h.owner} », pas à « ${named.owner} ». Le fichier a été renommé : reprenez-le sur le support d’origine.`, LEGACY.badKeyHeader, { headerOwner: h.owner, nameOwner: named.owner });
    }
  } else if (h.year < MIN_YEAR || h.year > MAX_YEAR) {
    throw bad('key_bad_header', `L’en-tête de la clef ${label} indique une année impossible (${h.year}).`, LEGACY.badKeyHeader, { problem: 'year' });
  }
  const expected = HEADER_SIZE + h.indexMax;
  if (bytes.length < expected) {
    throw bad('key_incomplete', `La clef ${label} est incomplète : ${frNumber(expected)} octets attendus, ${frNumber(bytes.length)} trouvés. Recopiez-la depuis le support d’origine.`, LEGACY.badKeySize, { expected, actual: bytes.length });
  }
  if (bytes.length > expected) {
    throw bad('key_too_long', `La clef ${label} est trop longue : ${frNumber(expected)} octets attendus, ${frNumber(bytes.length)} trouvés. Le fichier a été modifié : reprenez-le sur le support d’origine.`, LEGACY.badKeySize, { expected, actual: bytes.length });
  }
  if (h.indexCourant > h.indexMax) {
    throw bad('key_bad_pointer', `Le pointeur de la clef ${label} (${frNumber(h.indexCourant)}) dépasse la taille de sa clef (${frNumber(h.indexMax)} octets).`, LEGACY.offsetOutOfRange, { indexCourant: h.indexCourant, indexMax: h.indexMax });
  }
  const pad = bytes.subarray(HEADER_SIZE);
  const crc = crc32(pad);
  if (crc !== h.crc) {
    throw bad('key_crc_mismatch', `La clef ${label} est altérée : son code de contrôle (CRC) ne correspond pas à son contenu. Reprenez-la sur le support d’origine.`, LEGACY.crc, { expected: h.crc, actual: crc });
  }
  return { ...h, pad };
}

function headerProblemFr(p: string): string {
  switch (p) {
    case 'tag_length':
      return 'longueur de champ invalide';
    case 'owner_length':
      return 'longueur du nom du titulaire invalide';
    case 'owner_chars':
      return 'nom du titulaire invalide';
    default:
      return 'en-tête tronqué';
  }
}
