/**
 * The 224-byte header shared by key files and by the layers of a letter (spec §2): big-endian u32 fields,
 * two length-prefixed strings, 120 zero bytes.
 */
export const HEADER_SIZE = 224;
const TAG_MAX = 32;
const OWNER_MAX = 40;
/** Key names are address local parts: letters, digits, dot, dash, underscore. */
export const OWNER_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface KeyHeader {
  version: number;
  /** Calendar year, e.g. 2026. */
  year: number;
  /** The short string at offset 12 (meaning unknown; "1000" in known keys). */
  tag: string;
  owner: string;
  /** Pad length. */
  indexMax: number;
  /** Burn pointer in a key file; start offset in a letter layer. */
  indexCourant: number;
  /** Encryption counter ("MID"). */
  nbCrypt: number;
  crc: number;
}

export function encodeKeyHeader(h: KeyHeader, out: Uint8Array = new Uint8Array(HEADER_SIZE), at = 0): Uint8Array {
  if (h.tag.length > TAG_MAX || !/^[\x20-\x7e]*$/.test(h.tag)) throw new RangeError('tag: 32 printable ASCII characters at most');
  if (h.owner.length > OWNER_MAX || !OWNER_RE.test(h.owner)) throw new RangeError(`owner: invalid key name ${JSON.stringify(h.owner)}`);
  out.fill(0, at, at + HEADER_SIZE);
  const v = new DataView(out.buffer, out.byteOffset + at, HEADER_SIZE);
  v.setUint32(0, h.version >>> 0);
  v.setUint32(4, h.year >>> 0);
  v.setUint32(8, h.tag.length);
  for (let i = 0; i < h.tag.length; i++) out[at + 12 + i] = h.tag.charCodeAt(i);
  v.setUint32(44, h.owner.length);
  for (let i = 0; i < h.owner.length; i++) out[at + 48 + i] = h.owner.charCodeAt(i);
  v.setUint32(88, h.indexMax >>> 0);
  v.setUint32(92, h.indexCourant >>> 0);
  v.setUint32(96, h.nbCrypt >>> 0);
  v.setUint32(100, h.crc >>> 0);
  return out;
}

export type HeaderProblem = 'short' | 'tag_length' | 'owner_length' | 'owner_chars';

/** Reads the fields, or says what is wrong with their shape (the caller words the error). */
export function decodeKeyHeader(bytes: Uint8Array, at = 0): KeyHeader | HeaderProblem {
  if (bytes.length - at < HEADER_SIZE) return 'short';
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, HEADER_SIZE);
  const tagLen = v.getUint32(8);
  if (tagLen > TAG_MAX) return 'tag_length';
  const ownerLen = v.getUint32(44);
  if (ownerLen === 0 || ownerLen > OWNER_MAX) return 'owner_length';
  const owner = latin1(bytes, at + 48, ownerLen);
  if (!OWNER_RE.test(owner)) return 'owner_chars';
  const nb = v.getUint32(96);
  return {
    version: v.getUint32(0),
    year: v.getUint32(4),
    tag: latin1(bytes, at + 12, tagLen),
    owner,
    indexMax: v.getUint32(88),
    indexCourant: v.getUint32(92),
    // A signed counter below zero is treated as 0 (spec §2).
    nbCrypt: nb >= 0x80000000 ? 0 : nb,
    crc: v.getUint32(100),
  };
}

function latin1(b: Uint8Array, from: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[from + i]!);
  return s;
}
