/**
 * Windows-1252 <-> Unicode. Bytes 0x00-0x7F and 0xA0-0xFF equal their code points (as in Latin-1);
 * 0x80-0x9F carry the typographic characters below. The five bytes Windows leaves undefined map to
 * the C1 control of the same value, as WHATWG does, so that every byte survives a round trip.
 */
export const CP1252_HIGH: readonly number[] = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

/** Bytes that Windows-1252 leaves undefined (decoded as C1 controls). */
export const CP1252_UNDEFINED: readonly number[] = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

/** byte -> UTF-16 code unit (every byte maps to one BMP code point). */
export const CP1252_TO_UNICODE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let b = 0; b < 256; b++) t[b] = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b;
  return t;
})();
