import { describe, expect, it } from 'vitest';
import { PliError } from '../../shared/errors';
import { crc32 } from './crc32';
import { keyFileName, parseKeyFile, parseKeyFileName, setKeyPointer, writeKeyFile } from './key-file';

const pad = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 7919 + 13) & 255);
const good = () => writeKeyFile({ owner: 'jean.DUPONT', year: 2026, pad, indexCourant: 12, nbCrypt: 3 });
const u32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v);

function failure(bytes: Uint8Array, name?: string): PliError {
  try {
    parseKeyFile(bytes, name);
  } catch (e) {
    if (e instanceof PliError) return e;
    throw e;
  }
  throw new Error('accepted a bad key');
}

describe('key files', () => {
  it('CRC-32 is zlib’s', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('names: <owner>.<year - 1900>, .aes unsupported', () => {
    expect(keyFileName('jean.DUPONT', 2026)).toBe('jean.DUPONT.126');
    expect(parseKeyFileName('C:\\apicrypt\\Clefs\\Master.126')).toEqual({ owner: 'Master', year: 2026 });
    expect(parseKeyFileName('Clefs/jean.DUPONT.99')).toEqual({ owner: 'jean.DUPONT', year: 1999 });
    expect(parseKeyFileName('jean.DUPONT.aes')).toEqual({ unsupported: 'aes' });
    expect(parseKeyFileName('LISEZMOI.txt')).toBeUndefined();
  });

  it('writes and parses the 224-byte header + pad', () => {
    const bytes = good();
    expect(bytes.length).toBe(224 + 40_000);
    const k = parseKeyFile(bytes, 'jean.DUPONT.126');
    expect(k).toMatchObject({ version: 1, year: 2026, tag: '1000', owner: 'jean.DUPONT', indexMax: 40_000, indexCourant: 12, nbCrypt: 3, crc: crc32(pad) });
    expect(Buffer.compare(k.pad, pad)).toBe(0); // (toEqual walks 40 000 elements slowly)
    setKeyPointer(bytes, 500, 4);
    expect(parseKeyFile(bytes)).toMatchObject({ indexCourant: 500, nbCrypt: 4 });
    u32(bytes, 96, 0xffffffff); // a negative counter reads as 0
    expect(parseKeyFile(bytes).nbCrypt).toBe(0);
  });

  it('says how incomplete a key is, in French with thousands separated', () => {
    const e = failure(good().slice(0, 12_000), 'jean.DUPONT.126');
    expect(e.code).toBe('key_incomplete');
    expect(e.message_fr).toContain('La clef jean.DUPONT.126 est incomplète : 40 224 octets attendus, 12 000 trouvés');
    expect(e.details?.['legacyCode']).toBe(-2000);
  });

  it('gives each bad key its own code', () => {
    const cases: [string, () => Uint8Array, string | undefined, number][] = [
      ['key_bad_version', () => { const b = good(); u32(b, 0, 2); return b; }, 'jean.DUPONT.126', -6],
      ['key_year_mismatch', good, 'jean.DUPONT.125', -6],
      ['key_name_mismatch', good, 'paul.MARTIN.126', -6],
      ['key_incomplete', () => good().slice(0, 100), 'jean.DUPONT.126', -2000],
      ['key_too_long', () => { const b = new Uint8Array(good().length + 1); b.set(good()); return b; }, 'jean.DUPONT.126', -2000],
      ['key_crc_mismatch', () => { const b = good(); b[300]! ^= 1; return b; }, 'jean.DUPONT.126', -3000],
      ['key_bad_header', () => { const b = good(); u32(b, 44, 41); return b; }, 'jean.DUPONT.126', -6],
      ['key_bad_header', () => { const b = good(); u32(b, 8, 33); return b; }, undefined, -6],
      ['key_bad_header', () => { const b = good(); b[48] = 0x2f; return b; }, undefined, -6],
      ['key_bad_header', () => { const b = good(); u32(b, 4, 42); return b; }, undefined, -6],
      ['key_bad_pointer', () => { const b = good(); u32(b, 92, 40_001); return b; }, 'jean.DUPONT.126', -8],
    ];
    for (const [code, make, name, legacy] of cases) {
      const e = failure(make(), name);
      expect(e.code, code).toBe(code);
      expect(e.details?.['legacyCode'], code).toBe(legacy);
      expect(e.message_fr).toMatch(/clef/);
    }
    expect(failure(good(), 'jean.DUPONT.aes').code).toBe('key_unsupported_v2');
    expect(failure(good(), 'jean.DUPONT.txt').code).toBe('key_bad_file_name');
  });
});
