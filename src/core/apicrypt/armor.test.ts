import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliError } from '../../shared/errors';
import { ALPHABET, armor, armorChecksum, armorString, unarmor } from './armor';

const str = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const dataLines = (text: string) => text.trim().split('\n').slice(1, -1);
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof PliError) return e.code;
    throw e;
  }
  return undefined;
}

describe('BINASCII1 armor: hand vectors of spec §4', () => {
  it('has the 64-character alphabet without O W g n o /', () => {
    expect(ALPHABET).toHaveLength(64);
    expect(new Set(ALPHABET).size).toBe(64);
    expect(ALPHABET).not.toMatch(/[OWgno/]/);
    expect(ALPHABET.slice(0, 16)).toBe('0123456789ABCDEF');
  });

  it('encodes known bytes, least significant 6 bits first', () => {
    expect(str(armorString(Uint8Array.of(0, 0, 0)))).toBe('00000003' + '0000' + 'FFFFFFFF');
    expect(str(armorString(Uint8Array.of(1, 2, 3)))).toBe('00000003' + '38G0' + 'FFFFFFFF');
    expect(str(armorString(new Uint8Array(0)))).toBe('00000000' + 'FFFFFFFF');
  });

  it('left-aligns a last group of 1 or 2 bytes', () => {
    // 0xFF -> v = 0xFF0000: 0, 0, 0x30 (r), 0x3F (!)
    expect(str(armorString(Uint8Array.of(0xff)))).toBe('00000001' + '00r!' + 'FFFFFF00');
    // 0xAB 0xCD -> v = 0xABCD00: 0, 52 (v), 60 (-), 42 (j)
    expect(str(armorString(Uint8Array.of(0xab, 0xcd)))).toBe('00000002' + '0v-j' + 'FFFFFF99');
  });

  it('checksum: 0xFFFFFFFF with every byte XORed in', () => {
    expect(armorChecksum(Uint8Array.of(0x12, 0x34))).toBe((0xffffffff ^ 0x26) >>> 0);
    expect(armorChecksum(new Uint8Array(0))).toBe(0xffffffff);
  });

  it('cuts lines 60 then 61 characters, between begin and end lines', () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 255);
    const text = armor(bytes);
    expect(text.startsWith('#BINASCII1#\n')).toBe(true);
    expect(text.endsWith('\n#ENDBINASCII1#\n')).toBe(true);
    const lines = dataLines(text);
    expect(lines.map((l) => l.length)).toEqual([60, 61, 152 - 121]);
    expect(lines.join('')).toBe(str(armorString(bytes)));
    expect(lines[0]!.slice(0, 8)).toBe('00000064');
  });

  it('round-trips any bytes, with CRLF and mail text around', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.string(), fc.string(), (bytes, before, after) => {
        const a = armor(bytes);
        expect(unarmor(a)).toEqual(bytes);
        const mail = `${before.replace(/#/g, '')}\r\n${a.replace(/\n/g, '\r\n')}\r\n${after}`;
        expect(unarmor(mail)).toEqual(bytes);
        // The same mail body as bytes (as received, Latin-1), read without making a string of it.
        expect(unarmor(new Uint8Array(Buffer.from(mail, 'latin1')))).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('reads the bytes of a mail body exactly as its text, damage included', () => {
    const a = armor(Uint8Array.from({ length: 90 }, (_, i) => i));
    const asBytes = (t: string) => new Uint8Array(Buffer.from(t, 'latin1'));
    const damaged = [
      'bonjour',
      a.replace('#ENDBINASCII1#', ''),
      a.replace('\n#END', 'zzzz\n#END'),
      a.replace('#BINASCII1#\n0', '#BINASCII1#\nO'),
      a.replace('#BINASCII1#\n0', '#BINASCII1#\nz'),
      a.replace('#BINASCII1#\n0', '#BINASCII1#\n\u00e9'),
    ];
    expect(damaged.map((t) => codeOf(() => unarmor(asBytes(t))))).toEqual(damaged.map((t) => codeOf(() => unarmor(t))));
    expect(codeOf(() => unarmor(asBytes(damaged[5]!)))).toBe('armor_bad_char');
    // A view into a larger buffer (a mail body after its headers) reads only its own bytes, not a
    // block before it in that buffer.
    const before = armor(Uint8Array.of(1, 2, 3));
    const mail = asBytes(`${before}\r\n\r\n${a}`);
    expect(unarmor(mail.subarray(before.length + 4))).toEqual(unarmor(a));
    expect(unarmor(mail)).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('reports each kind of damage with its own code and legacy code', () => {
    const a = armor(Uint8Array.from({ length: 90 }, (_, i) => i));
    expect(codeOf(() => unarmor('bonjour'))).toBe('armor_missing');
    expect(codeOf(() => unarmor(a.replace('#ENDBINASCII1#', '')))).toBe('armor_truncated');
    const lines = a.split('\n');
    expect(codeOf(() => unarmor([lines[0], lines[1], lines[3], lines[4]].join('\n')))).toBe('armor_too_short');
    expect(codeOf(() => unarmor(a.replace('\n#END', 'zzzz\n#END')))).toBe('armor_length_mismatch');
    // Change one data character to another valid one: the checksum catches it.
    const i = a.indexOf('\n', 12) - 5;
    const flipped = a.slice(0, i) + (a[i] === '0' ? '1' : '0') + a.slice(i + 1);
    let legacy: unknown;
    try {
      unarmor(flipped);
    } catch (e) {
      legacy = e instanceof PliError && [e.code, e.details?.['legacyCode']];
    }
    expect(legacy).toEqual(['armor_checksum', -3]);
    expect(codeOf(() => unarmor(a.replace('#BINASCII1#\n0', '#BINASCII1#\nO')))).toBe('armor_bad_char');
    expect(codeOf(() => unarmor(a.replace('#BINASCII1#\n0', '#BINASCII1#\nz')))).toBe('armor_bad_length');
  });
});
