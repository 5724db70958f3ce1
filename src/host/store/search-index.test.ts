import { describe, expect, it } from 'vitest';
import { packOps, unpackOps, type IndexOp } from './search-index';

const text = (b: string | Uint8Array) => (typeof b === 'string' ? b : Buffer.from(b).toString('utf8'));

describe('index batches as bytes', () => {
  it('gives back every op in order: fields as UTF-8, drops as drops', () => {
    const fields: [string, string, string, string] = ['Résultats biologiques', 'Hémoglobine 11,2 g/dL — œdème', 'DUPONT Jeanne', 'labo@medical.apicrypt.org'];
    const ops: IndexOp[] = [
      { id: 7, fields },
      { id: 3, drop: true },
      { id: 2 ** 40, fields: ['', '', '', ''] },
    ];
    const back = unpackOps(packOps(ops));
    expect(back.map((o) => o.id)).toEqual([7, 3, 2 ** 40]);
    expect('drop' in back[1]!).toBe(true);
    const first = back[0]!;
    if ('drop' in first) throw new Error('expected fields');
    expect(first.fields.map(text)).toEqual(fields);
    const last = back[2]!;
    expect('fields' in last && last.fields.every((f) => text(f) === '')).toBe(true);
  });

  it('reuses a large enough buffer and allocates when it is too small', () => {
    const ops: IndexOp[] = [{ id: 1, fields: ['a', 'b'.repeat(100), 'c', 'd'] }];
    const big = new ArrayBuffer(1 << 16);
    expect(packOps(ops, big).bytes).toBe(big);
    const small = new ArrayBuffer(8);
    const packed = packOps(ops, small);
    expect(packed.bytes).not.toBe(small);
    const [op] = unpackOps(packed);
    expect(op && 'fields' in op ? text(op.fields[1]) : '').toBe('b'.repeat(100));
  });
});
