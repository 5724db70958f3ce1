import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xor3 } from './xor';

function mk(len: number, s: number): Uint8Array {
  const a = new Uint8Array(len);
  for (let i = 0; i < len; i++) a[i] = (i * 131 + s * 17 + (i >>> 9)) & 255;
  return a;
}

function check(n: number, ao: number, bo: number, co: number, o: number): void {
  const a = mk(n + ao, 1);
  const b = mk(n + bo, 2);
  const c = mk(n + co, 3);
  const out = new Uint8Array(n + o + 3);
  xor3(out, o, a, ao, b, bo, c, co, n);
  const want = new Uint8Array(n + o + 3);
  for (let i = 0; i < n; i++) want[o + i] = a[ao + i]! ^ b[bo + i]! ^ c[co + i]!;
  expect(Buffer.compare(out, want)).toBe(0);
}

describe('xor3', () => {
  it('equals the byte-by-byte XOR for any offsets and lengths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), fc.nat(7), fc.nat(7), fc.nat(7), fc.nat(2), (n, ao, bo, co, oq) => check(n, ao, bo, co, 4 * oq)),
      { numRuns: 200 },
    );
  });

  it('across its internal chunks (256 KiB)', () => {
    check(262_144, 1, 2, 3, 0);
    check(262_147, 3, 0, 1, 4);
    check(600_001, 2, 5, 7, 448);
  });
});
