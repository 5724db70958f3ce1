import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { isPliError } from '../../shared/errors';
import { CP1252_TO_MAC_ROMAN, CP1252_UNDEFINED, MAC_ROMAN_TO_CP1252, cp1252, decodeWithTable, macRoman } from './index';

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('charset tables', () => {
  it('Windows-1252 agrees with iconv-lite on every defined byte', () => {
    const mine = cp1252.decode(allBytes);
    const ref = iconv.decode(Buffer.from(allBytes), 'windows1252');
    for (let b = 0; b < 256; b++) {
      if (CP1252_UNDEFINED.includes(b)) expect(mine.charCodeAt(b)).toBe(b);
      else expect(mine.charCodeAt(b), `byte ${b.toString(16)}`).toBe(ref.charCodeAt(b));
    }
  });

  it('Mac OS Roman agrees with iconv-lite except where Apple’s current table differs (€ at 0xDB, Ω U+03A9 at 0xBD, Apple logo at 0xF0)', () => {
    const mine = macRoman.decode(allBytes);
    const ref = iconv.decode(Buffer.from(allBytes), 'macintosh');
    for (let b = 0; b < 256; b++) {
      if (b === 0xdb) expect(mine[b]).toBe('€');
      else if (b === 0xbd) expect(mine.charCodeAt(b)).toBe(0x03a9);
      else if (b === 0xf0) expect(mine.charCodeAt(b)).toBe(0xf8ff); // Apple logo, private use area
      else expect(mine.charCodeAt(b), `byte ${b.toString(16)}`).toBe(ref.charCodeAt(b));
    }
  });

  it('both codecs round-trip every byte', () => {
    expect(cp1252.encode(cp1252.decode(allBytes), 'error')).toEqual(allBytes);
    expect(macRoman.encode(macRoman.decode(allBytes), 'error')).toEqual(allBytes);
  });

  it('the Windows-1252 -> Mac OS Roman permutation is a bijection keeping shared characters', () => {
    expect(new Set(CP1252_TO_MAC_ROMAN).size).toBe(256);
    for (let b = 0; b < 256; b++) expect(MAC_ROMAN_TO_CP1252[CP1252_TO_MAC_ROMAN[b]!]).toBe(b);
    const e = cp1252.fromUnicode['é'.charCodeAt(0)]!;
    expect(CP1252_TO_MAC_ROMAN[e]).toBe(0x8e);
    expect(CP1252_TO_MAC_ROMAN[0x80]).toBe(0xdb); // €
    for (let b = 0; b < 0x80; b++) expect(CP1252_TO_MAC_ROMAN[b]).toBe(b);
  });

  it('transliterates what Windows-1252 lacks, and refuses what it cannot replace', () => {
    expect(cp1252.decode(cp1252.encode('a\u202fb ≤ 3 → Łódź'))).toBe('a b <= 3 -> Lódz');
    let err: unknown;
    try {
      cp1252.encode('ok 🙂');
    } catch (e) {
      err = e;
    }
    expect(isPliError(err) && err.code).toBe('charset_unencodable');
    expect(isPliError(err) && err.details?.['codePoint']).toBe(0x1f642);
    expect(() => cp1252.encode('≤', 'error')).toThrow(/U\+2264/);
  });

  it('decodes long texts whether every character fits in Latin-1 or one further on does not', () => {
    const accents = 'Hémoglobine à contrôler, créatinine élevée. '.repeat(2000);
    expect(macRoman.decode(macRoman.encode(accents, 'error'))).toBe(accents);
    // A character above U+00FF after 88,000 Latin-1 ones (œ, then € and ’ in Mac OS Roman).
    const late = `${accents}Cœur : 12 € — l’écho`;
    expect(macRoman.decode(macRoman.encode(late, 'error'))).toBe(late);
    expect(cp1252.decode(cp1252.encode(late, 'error'))).toBe(late);
  });
});

describe('decodeWithTable', () => {
  it('gives the same text two bytes at a time as one at a time, whatever the length and alignment', () => {
    const table = Uint16Array.from({ length: 256 }, (_, b) => (b * 131 + 7) % 0x2000 + 0x20);
    const one = (bytes: Uint8Array) => Array.from(bytes, (b) => String.fromCharCode(table[b]!)).join('');
    const all = Uint8Array.from({ length: 5000 }, (_, i) => (i * 37 + (i >> 8)) & 255);
    for (const length of [0, 1, 2, 511, 512, 513, 1024, 4097]) {
      for (const offset of [0, 1, 2, 3]) {
        const bytes = all.subarray(offset, offset + length);
        expect(decodeWithTable(bytes, table), `${length}@${offset}`).toBe(one(bytes));
      }
    }
  });
});
