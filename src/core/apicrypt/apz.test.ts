import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliError } from '../../shared/errors';
import { decodeApzPayload, encodeApzPayload, openApz, sealApz } from './apz';
import { readLayerHeader, type PadUse } from './layers';

const pad = (seed: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 2654435761 + seed * 97) >>> 24);
const padM = pad(1, 300_000);
const padU = pad(2, 300_000);
const lookup = (o: string) => (o === 'Master' ? padM : o === 'jean.DUPONT' ? padU : undefined);
const use = (owner: string, p: Uint8Array, offset = 0): PadUse => ({ owner, year: 2026, tag: '1000', pad: p, offset, counter: 1 });
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof PliError) return e.code;
    throw e;
  }
  return undefined;
};

describe('.apz attachments (spec §6)', () => {
  it('writes the container layout: magic, format 1, sender field, recipients, info blocks, 4 zero bytes', () => {
    const p = encodeApzPayload({ sender: 'jean.DUPONT', recipients: ['paul.MARTIN@medical69.apicrypt.org'], files: [{ name: 'cr.pdf', data: Uint8Array.of(1, 2, 3) }] });
    const v = new DataView(p.buffer);
    expect(new TextDecoder().decode(p.subarray(0, 8))).toBe('APIC-200');
    expect(v.getUint32(8)).toBe(1);
    expect(new TextDecoder().decode(p.subarray(12, 23))).toBe('jean.DUPONT');
    expect(p[23]).toBe(0);
    expect(v.getUint32(76)).toBe('paul.MARTIN'.length);
    const afterR = 80 + 11;
    expect(v.getUint32(afterR)).toBe(1);
    expect(new TextDecoder().decode(p.subarray(afterR + 4, afterR + 12))).toBe('????????');
    expect(v.getUint32(afterR + 12)).toBe(3);
    expect(v.getUint32(afterR + 4 + 48)).toBe(6);
    expect([...p.subarray(-7)]).toEqual([1, 2, 3, 0, 0, 0, 0]);
  });

  it('round-trips random files through both layers (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.stringMatching(/^[A-Za-z0-9éèà _-]{1,20}\.[a-z]{3}$/), data: fc.uint8Array({ maxLength: 2000 }) }), { minLength: 1, maxLength: 5 }),
        (files) => {
          const payload = encodeApzPayload({ sender: 'jean.DUPONT', recipients: { to: ['paul.MARTIN'], cc: ['labo@example.fr'] }, files });
          const bin = sealApz(payload, use('Master', padM), use('jean.DUPONT', padU, 10));
          expect(readLayerHeader(bin).offset).toBe(10);
          const { content } = openApz(bin, lookup);
          expect(content.sender).toBe('jean.DUPONT');
          expect(content.recipients).toEqual(['paul.MARTIN', 'labo@example.fr']);
          expect(content.files.map((f) => f.name)).toEqual(files.map((f) => f.name));
          content.files.forEach((f, i) => expect(Buffer.compare(f.data, files[i]!.data)).toBe(0));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads UTF-8 names written by Linux tools', () => {
    const p = encodeApzPayload({ sender: 'a.B', recipients: ['c.D'], files: [{ name: 'x.txt', data: new Uint8Array(1) }] });
    const utf8Name = new TextEncoder().encode('é.txt'); // 6 bytes vs 5: rebuild with the longer name
    const q = new Uint8Array(p.length + 1);
    const nameAt = p.length - 4 - 1 - 5;
    q.set(p.subarray(0, nameAt - 4));
    new DataView(q.buffer).setUint32(nameAt - 4, 6);
    q.set(utf8Name, nameAt);
    q.set(p.subarray(nameAt + 5), nameAt + 6);
    expect(decodeApzPayload(q).files[0]!.name).toBe('é.txt');
  });

  it('refuses LZO, foreign and truncated containers with typed errors', () => {
    const p = encodeApzPayload({ sender: 'a.B', recipients: ['c.D'], files: [{ name: 'x.txt', data: new Uint8Array(50) }] });
    const lzo = p.slice();
    new DataView(lzo.buffer).setUint32(8, 2);
    expect(codeOf(() => decodeApzPayload(lzo))).toBe('apz_lzo_unsupported');
    expect(codeOf(() => decodeApzPayload(p.slice(0, p.length - 30)))).toBe('apz_truncated');
    expect(codeOf(() => decodeApzPayload(new TextEncoder().encode('PK\x03\x04 not an apz')))).toBe('apz_bad_magic');
    expect(codeOf(() => encodeApzPayload({ sender: 'a.B', recipients: [], files: [] }))).toBe('apz_bad_file_count');
  });
});
