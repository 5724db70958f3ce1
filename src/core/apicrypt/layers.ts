import { crc32 } from './crc32';
import { apiError, frNumber, LEGACY } from './errors';
import { decodeKeyHeader, encodeKeyHeader, HEADER_SIZE as IMPORTED_HEADER_SIZE } from './key-header';
import { keyFileName } from './key-file';
import { xor3 } from './xor';

/**
 * One use of a pad: which key, from which offset, with which counter. Sealing is pure: it never changes
 * the pad nor any pointer; the caller reserves [offset, offset + length) first (see sealedLengths) and
 * advances its pointer itself.
 */
export interface PadUse {
  owner: string;
  year: number;
  /** The string at header offset 12 of the key file (e.g. "1000"), copied into the layer header. */
  tag: string;
  pad: Uint8Array;
  /** First pad byte this layer uses (the key's indexCourant before this letter). */
  offset: number;
  /** Counter written in the layer header and shown as MID (the key's nbCrypt + 1). */
  counter: number;
  /** CRC-32 of the pad, if known (else computed once per pad and cached). */
  crc?: number;
}

/** What a layer header says, read in clear. */
export interface LayerHeader {
  owner: string;
  year: number;
  tag: string;
  offset: number;
  counter: number;
  indexMax: number;
}

/** Pad bytes each layer consumes for a payload of n bytes, and the size of the sealed binary. */
export function sealedLengths(payloadLength: number): { master: number; user: number; total: number } {
  return { master: payloadLength, user: payloadLength + HEADER_SIZE, total: payloadLength + 2 * HEADER_SIZE };
}

/** A module-local copy: an imported binding can cost a getter call per use in hot loops under some loaders. */
const HEADER_SIZE = IMPORTED_HEADER_SIZE;

const crcCache = new WeakMap<Uint8Array, number>();
function padCrc(p: PadUse): number {
  if (p.crc !== undefined) return p.crc;
  let c = crcCache.get(p.pad);
  if (c === undefined) {
    c = crc32(p.pad);
    crcCache.set(p.pad, c);
  }
  return c;
}

function checkRange(p: PadUse, need: number): void {
  if (!Number.isSafeInteger(p.offset) || p.offset < 0 || !Number.isSafeInteger(p.counter) || p.counter < 0) {
    throw new RangeError('PadUse: offset and counter must be non-negative integers');
  }
  const remaining = Math.max(0, p.pad.length - p.offset);
  if (need > remaining) {
    // Never wrap to 0 like the legacy tools: reusing pad bytes would break the cipher.
    const name = keyFileName(p.owner, p.year);
    throw apiError(
      'pad_exhausted',
      `La clef ${name} est épuisée : ${frNumber(need)} octets nécessaires, ${frNumber(remaining)} restants. Installez votre nouvelle clef ou raccourcissez le message.`,
      undefined,
      { owner: p.owner, year: p.year, needed: need, remaining },
    );
  }
}

function headerOf(p: PadUse, out: Uint8Array, at: number): void {
  encodeKeyHeader(
    { version: 1, year: p.year, tag: p.tag, owner: p.owner, indexMax: p.pad.length, indexCourant: p.offset, nbCrypt: p.counter, crc: padCrc(p) },
    out,
    at,
  );
}

/**
 * Both layers of spec §3.3-4 in one pass: user header | (Master header | payload ^ Master pad) ^ user pad.
 * Refuses (pad_exhausted) when either pad is too short from its offset.
 */
export function sealLetter(payload: Uint8Array, master: PadUse, user: PadUse): Uint8Array {
  const len = sealedLengths(payload.length);
  checkRange(master, len.master);
  checkRange(user, len.user);
  const out = new Uint8Array(len.total);
  headerOf(user, out, 0);
  headerOf(master, out, HEADER_SIZE);
  const up = user.pad;
  const mp = master.pad;
  const uo = user.offset;
  const mo = master.offset;
  for (let i = 0; i < HEADER_SIZE; i++) out[HEADER_SIZE + i]! ^= up[uo + i]!;
  const uo2 = uo + HEADER_SIZE;
  xor3(out, 2 * HEADER_SIZE, payload, 0, mp, mo, up, uo2, payload.length);
  return out;
}

/** Reads a layer header (the outer one in clear, or the inner one once the outer layer is removed). */
export function readLayerHeader(bytes: Uint8Array, at = 0): LayerHeader {
  if (bytes.length - at < HEADER_SIZE) {
    throw apiError('letter_too_short', 'Le message chiffré est trop court pour contenir un en-tête de clef.', LEGACY.frameTooShort, { length: bytes.length - at });
  }
  const h = decodeKeyHeader(bytes, at);
  if (typeof h === 'string' || h.version !== 1) {
    throw apiError('letter_bad_header', 'L’en-tête de clef du message chiffré est illisible : le message est endommagé, ou il n’a pas été chiffré avec la clef attendue.', LEGACY.badKeyHeader, { problem: typeof h === 'string' ? h : 'version' });
  }
  return { owner: h.owner, year: h.year, tag: h.tag, offset: h.indexCourant, counter: h.nbCrypt, indexMax: h.indexMax };
}

export type PadLookup = (owner: string, year: number) => Uint8Array | undefined;

function findPad(lookupPad: PadLookup, h: LayerHeader, len: number): Uint8Array {
  const pad = lookupPad(h.owner, h.year);
  const name = keyFileName(h.owner, h.year);
  if (pad === undefined) {
    throw apiError(
      'key_not_found',
      `La clef ${name} nécessaire pour lire ce message est introuvable. Importez le fichier Clefs/${name} depuis votre support de clefs (les clefs des années passées doivent être gardées).`,
      LEGACY.keyNotFound,
      { owner: h.owner, year: h.year, file: name },
    );
  }
  if (h.offset + len > pad.length) {
    throw apiError(
      'letter_offset_out_of_range',
      `Le message désigne une partie de la clef ${name} qui n’existe pas (position ${frNumber(h.offset)}, ${frNumber(len)} octets, clef de ${frNumber(pad.length)} octets). Le message est endommagé ou la clef n’est pas la bonne.`,
      LEGACY.offsetOutOfRange,
      { owner: h.owner, year: h.year, offset: h.offset, length: len, padLength: pad.length },
    );
  }
  return pad;
}

/** Removes both layers (spec §5). Decryption never moves a pointer. */
export function openLetter(binary: Uint8Array, lookupPad: PadLookup): { payload: Uint8Array; outer: LayerHeader; inner: LayerHeader } {
  const outer = readLayerHeader(binary);
  if (binary.length < 2 * HEADER_SIZE) {
    throw apiError('letter_too_short', 'Le message chiffré est trop court pour contenir ses deux en-têtes de clef.', LEGACY.frameTooShort, { length: binary.length });
  }
  const up = findPad(lookupPad, outer, binary.length - HEADER_SIZE);
  const uo = outer.offset;
  const innerHeader = new Uint8Array(HEADER_SIZE);
  for (let i = 0; i < HEADER_SIZE; i++) innerHeader[i] = binary[HEADER_SIZE + i]! ^ up[uo + i]!;
  const inner = readLayerHeader(innerHeader);
  const n = binary.length - 2 * HEADER_SIZE;
  const mp = findPad(lookupPad, inner, n);
  const mo = inner.offset;
  const uo2 = uo + HEADER_SIZE;
  const payload = new Uint8Array(n);
  xor3(payload, 0, binary, 2 * HEADER_SIZE, up, uo2, mp, mo, n);
  return { payload, outer, inner };
}
