import { apiError, LEGACY } from './errors';

/** BINASCII1 alphabet (spec §4): 64 characters, no O W g n o /. */
export const ALPHABET = '0123456789ABCDEFGHIJKLMNPQRSTUVXYZabcdefhijklmpqrstuvwxyz$*+-()!';
export const ARMOR_BEGIN = '#BINASCII1#';
export const ARMOR_END = '#ENDBINASCII1#';
const FIRST_LINE = 60;
const NEXT_LINES = 61;

const ENC = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** char code -> 6-bit value, or -1 (not in the alphabet), -2 (white space, skipped). */
const DEC = (() => {
  const t = new Int8Array(256).fill(-1);
  ENC.forEach((c, i) => (t[c] = i));
  for (const ws of [9, 10, 13, 32]) t[ws] = -2;
  return t;
})();
/** 12 bits -> the two characters they give, as one little-endian 16-bit store (halves the stores). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const ENC2 = (() => {
  const t = new Uint16Array(4096);
  for (let x = 0; x < 4096; x++) t[x] = LITTLE_ENDIAN ? ENC[x & 63]! | (ENC[x >> 6]! << 8) : (ENC[x & 63]! << 8) | ENC[x >> 6]!;
  return t;
})();

/** Checksum of spec §4: 0xFFFFFFFF with every byte XORed into it. */
export function armorChecksum(bytes: Uint8Array): number {
  let x = 0;
  for (let i = 0; i < bytes.length; i++) x ^= bytes[i]!;
  return (0xffffffff ^ x) >>> 0;
}

function putHex(out: Uint8Array, at: number, v: number): void {
  for (let i = 7; i >= 0; i--) {
    out[at + i] = ENC[v & 15]!;
    v >>>= 4;
  }
}

/** The armored string without line breaks: 8 hex digits of length, data characters, 8 hex digits of checksum. */
export function armorString(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(armoredLength(bytes.length));
  armorInto(bytes, out, 0);
  return out;
}

function armoredLength(n: number): number {
  return 16 + 4 * Math.ceil(n / 3);
}

function armorInto(bytes: Uint8Array, out: Uint8Array, at: number): void {
  const n = bytes.length;
  const full = Math.floor(n / 3);
  putHex(out, at, n);
  let x = 0;
  let o = at + 8;
  let i = 0;
  if (LITTLE_ENDIAN && (out.byteOffset + o) % 2 === 0) {
    const out16 = new Uint16Array(out.buffer, out.byteOffset + o, 2 * full);
    let o16 = 0;
    for (let g = 0; g < full; g++, i += 3) {
      const b0 = bytes[i]!;
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      x ^= b0 ^ b1 ^ b2;
      const v = (b0 << 16) | (b1 << 8) | b2;
      out16[o16++] = ENC2[v & 4095]!;
      out16[o16++] = ENC2[v >>> 12]!;
    }
    o += 4 * full;
  } else {
    for (let g = 0; g < full; g++, i += 3) {
      const b0 = bytes[i]!;
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      x ^= b0 ^ b1 ^ b2;
      const v = (b0 << 16) | (b1 << 8) | b2;
      out[o++] = ENC[v & 63]!;
      out[o++] = ENC[(v >> 6) & 63]!;
      out[o++] = ENC[(v >> 12) & 63]!;
      out[o++] = ENC[v >> 18]!;
    }
  }
  const rest = n - i;
  if (rest > 0) {
    // A last group of 1 or 2 bytes is left-aligned and still gives 4 characters.
    const b0 = bytes[i]!;
    const b1 = rest === 2 ? bytes[i + 1]! : 0;
    x ^= b0 ^ b1;
    const v = (b0 << 16) | (b1 << 8);
    out[o++] = ENC[v & 63]!;
    out[o++] = ENC[(v >> 6) & 63]!;
    out[o++] = ENC[(v >> 12) & 63]!;
    out[o++] = ENC[v >> 18]!;
  }
  putHex(out, o, (0xffffffff ^ x) >>> 0);
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** The BINASCII1 block: begin line, lines of 60 then 61 characters, end line (LF line ends). */
export function armor(bytes: Uint8Array): string {
  const len = armoredLength(bytes.length);
  const lines = len <= FIRST_LINE ? 1 : 1 + Math.ceil((len - FIRST_LINE) / NEXT_LINES);
  const head = ARMOR_BEGIN.length + 1;
  const total = head + len + lines + ARMOR_END.length + 1;
  const out = new Uint8Array(total);
  // Encode once into the tail of the output (at an even offset, for 16-bit stores), then slide each
  // line left into place: no intermediate buffer, no per-line objects.
  const src = (total - len) & ~1;
  armorInto(bytes, out, src);
  for (let k = 0; k < ARMOR_BEGIN.length; k++) out[k] = ARMOR_BEGIN.charCodeAt(k);
  out[head - 1] = 10;
  let o = head;
  let from = 0;
  let width = FIRST_LINE;
  while (from < len) {
    const to = Math.min(len, from + width);
    out.copyWithin(o, src + from, src + to);
    o += to - from;
    out[o++] = 10;
    from = to;
    width = NEXT_LINES;
  }
  for (let k = 0; k < ARMOR_END.length; k++) out[o++] = ARMOR_END.charCodeAt(k);
  out[o++] = 10;
  return latin1(out.subarray(0, o));
}

/**
 * Finds the first BINASCII1 block in a text (mail text around it, CRLF or LF, spaces at line ends are
 * all tolerated) and returns its bytes after checking length and checksum. The text may be given as
 * the bytes of a mail body in an ASCII-compatible charset: the block is read from them as they are,
 * without making a string of the whole body first.
 */
export function unarmor(text: string | Uint8Array): Uint8Array {
  return decodeBlock(typeof text === 'string' ? blockOfText(text) : blockOfBytes(text));
}

function blockOfText(text: string): Uint8Array {
  const start = text.indexOf(ARMOR_BEGIN);
  if (start < 0) throw armorMissing();
  const end = text.indexOf(ARMOR_END, start + ARMOR_BEGIN.length);
  if (end < 0) throw armorTruncated();
  const body = text.slice(start + ARMOR_BEGIN.length, end);
  // The block is ASCII: its UTF-8 length equals its length (a native scan), so Latin-1 bytes are exact.
  if (Buffer.byteLength(body, 'utf8') !== body.length) throw badChar();
  return Buffer.from(body, 'latin1');
}

function blockOfBytes(bytes: Uint8Array): Uint8Array {
  // A native search; a byte outside ASCII inside the block is not in the alphabet (badChar below).
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = b.indexOf(ARMOR_BEGIN, 0, 'latin1');
  if (start < 0) throw armorMissing();
  const end = b.indexOf(ARMOR_END, start + ARMOR_BEGIN.length, 'latin1');
  if (end < 0) throw armorTruncated();
  return bytes.subarray(start + ARMOR_BEGIN.length, end);
}

/** The characters between the block's begin and end lines -> its bytes (length and checksum checked). */
function decodeBlock(units: Uint8Array): Uint8Array {
  // One pass: hex length, data groups, hex checksum; white space is skipped anywhere.
  const total = units.length;
  const cur: Cursor = { units, p: 0 };
  const len = readHex(cur);
  // Bound the allocation by what the text can hold before trusting the declared length.
  if (4 * Math.ceil(len / 3) + 8 > total) throw tooShort();
  const out = new Uint8Array(len);
  const full = Math.floor(len / 3);
  // XOR of the 24-bit groups: folding its 3 bytes at the end gives the XOR of every byte (the checksum).
  let x = 0;
  let o = 0;
  let p = cur.p;
  let g = 0;
  while (g < full) {
    // Runs of groups that fit in the text, without a bound check each, until one holds white space (a
    // line end: about one group in 15) that the character-by-character path then reads.
    const fit = Math.min(full, g + ((total - p) >> 2));
    for (; g < fit; g++, p += 4, o += 3) {
      const d0 = DEC[units[p]!]!;
      const d1 = DEC[units[p + 1]!]!;
      const d2 = DEC[units[p + 2]!]!;
      const d3 = DEC[units[p + 3]!]!;
      if ((d0 | d1 | d2 | d3) < 0) break;
      const v = d0 | (d1 << 6) | (d2 << 12) | (d3 << 18);
      out[o] = v >>> 16;
      out[o + 1] = v >>> 8;
      out[o + 2] = v;
      x ^= v;
    }
    if (g >= full) break;
    cur.p = p;
    const v = slowGroup(cur);
    p = cur.p;
    out[o] = v >>> 16;
    out[o + 1] = v >>> 8;
    out[o + 2] = v;
    o += 3;
    x ^= v;
    g++;
  }
  x = ((x >>> 16) ^ (x >>> 8) ^ x) & 255;
  cur.p = p;
  const rest = len - o;
  if (rest > 0) {
    const a = nextValue(cur);
    const b = nextValue(cur);
    const c = nextValue(cur);
    const d = nextValue(cur);
    if ((a | b | c | d) < 0) throw tooShort();
    const v = a | (b << 6) | (c << 12) | (d << 18);
    out[o++] = v >>> 16;
    x ^= v >>> 16;
    if (rest === 2) {
      out[o++] = (v >>> 8) & 255;
      x ^= (v >>> 8) & 255;
    }
  }
  const sum = readHex(cur);
  if (nextValue(cur) !== -1) {
    throw apiError('armor_length_mismatch', 'Le message APICRYPT est plus long que sa longueur annoncée : il a été modifié en route.', LEGACY.frameTooShort, { declared: len });
  }
  const expected = (0xffffffff ^ x) >>> 0;
  if (sum !== expected) {
    throw apiError('armor_checksum', 'Le message APICRYPT est altéré (somme de contrôle incorrecte). Demandez à l’expéditeur de le renvoyer.', LEGACY.checksum, { expected: sum, actual: expected });
  }
  return out;
}

interface Cursor {
  units: Uint8Array;
  p: number;
}

/** Next alphabet value, skipping white space; -1 at the end. */
function nextValue(cur: Cursor): number {
  const { units } = cur;
  while (cur.p < units.length) {
    const d = DEC[units[cur.p++]!]!;
    if (d >= 0) return d;
    if (d === -1) throw badChar();
  }
  return -1;
}

/** A group of 4 values with white space in between (line ends), or too short. */
function slowGroup(cur: Cursor): number {
  const a = nextValue(cur);
  const b = nextValue(cur);
  const c = nextValue(cur);
  const d = nextValue(cur);
  if ((a | b | c | d) < 0) throw tooShort();
  return a | (b << 6) | (c << 12) | (d << 18);
}

function readHex(cur: Cursor): number {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const d = nextValue(cur);
    if (d < 0) throw tooShort();
    if (d > 15) throw apiError('armor_bad_length', 'Le message APICRYPT est illisible (longueur ou somme de contrôle mal écrite).', LEGACY.frameTooShort);
    v = v * 16 + d;
  }
  return v;
}

function tooShort() {
  return apiError('armor_too_short', 'Le message APICRYPT est incomplet ou trop court : des lignes manquent. Demandez à l’expéditeur de le renvoyer.', LEGACY.frameTooShort);
}

function armorMissing() {
  return apiError('armor_missing', 'Ce texte ne contient pas de message APICRYPT (bloc #BINASCII1# absent).', LEGACY.frameTooShort);
}

function armorTruncated() {
  return apiError('armor_truncated', 'Le message APICRYPT est tronqué : la ligne #ENDBINASCII1# manque. Demandez à l’expéditeur de le renvoyer.', LEGACY.frameTooShort);
}

function badChar() {
  return apiError('armor_bad_char', 'Le message APICRYPT contient des caractères étrangers à son alphabet : il a été modifié en route.', LEGACY.checksum);
}
