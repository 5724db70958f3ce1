/**
 * Single-byte charsets the APICRYPT V1 format needs, with tables written here (the core has no iconv):
 * Windows-1252 (what V1 letters carry) and Mac OS Roman (what travels inside the cipher).
 */
import { makeSingleByteCodec } from './codec';
import { CP1252_TO_UNICODE } from './cp1252';
import { MAC_ROMAN_TO_UNICODE } from './mac-roman';

export { type SingleByteCodec, type Unmappable, decodeWithTable, encodeWithTable, utf16Units } from './codec';
export { CP1252_TO_UNICODE, CP1252_UNDEFINED } from './cp1252';
export { MAC_ROMAN_TO_UNICODE } from './mac-roman';
export { transliterate } from './transliterate';

export const cp1252 = makeSingleByteCodec('Windows-1252', CP1252_TO_UNICODE);
export const macRoman = makeSingleByteCodec('Mac OS Roman', MAC_ROMAN_TO_UNICODE);

/**
 * A byte permutation Windows-1252 -> Mac OS Roman. Characters both charsets share keep their meaning;
 * the Windows-1252 bytes Mac OS Roman lacks (¦ ² ³ ¹ ¼ ½ ¾ Ð ð Ý ý Þ þ × Š š Ž ž ¤, soft hyphen and the five
 * undefined bytes) take the Mac OS Roman bytes Windows-1252 lacks (≠ ∞ ≤ ≥ ∂ ∑ ...), in ascending order of
 * both. Being a bijection, every Windows-1252 text survives encryption and decryption unchanged; the
 * price is that a Mac-only sign such as ∞ in a letter from an old Mac reads back as its partner.
 */
export const CP1252_TO_MAC_ROMAN: Uint8Array = (() => {
  const perm = new Uint8Array(256);
  const macUsed = new Set<number>();
  const loneCp: number[] = [];
  for (let b = 0; b < 256; b++) {
    const m = macRoman.fromUnicode[CP1252_TO_UNICODE[b]!]!;
    if (m >= 0) {
      perm[b] = m;
      macUsed.add(m);
    } else loneCp.push(b);
  }
  const loneMac: number[] = [];
  for (let m = 0x80; m < 256; m++) if (!macUsed.has(m)) loneMac.push(m);
  loneCp.forEach((b, i) => (perm[b] = loneMac[i]!));
  return perm;
})();

export const MAC_ROMAN_TO_CP1252: Uint8Array = (() => {
  const inv = new Uint8Array(256);
  for (let b = 0; b < 256; b++) inv[CP1252_TO_MAC_ROMAN[b]!] = b;
  return inv;
})();
