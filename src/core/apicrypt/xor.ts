/**
 * out[o + i] = a[ao + i] ^ b[bo + i] ^ c[co + i] for i < n, 4 bytes at a time. Pad offsets are arbitrary,
 * so the operands are first copied (natively) to 4-aligned scratch space, chunk by chunk so that the
 * scratch stays small; `out` should be 4-aligned at o (else the byte loop runs).
 */
const CHUNK = 256 * 1024;
const scratch = new ArrayBuffer(3 * CHUNK);
const A = new Uint32Array(scratch, 0, CHUNK / 4);
const B = new Uint32Array(scratch, CHUNK, CHUNK / 4);
const C = new Uint32Array(scratch, 2 * CHUNK, CHUNK / 4);
const A8 = new Uint8Array(scratch, 0, CHUNK);
const B8 = new Uint8Array(scratch, CHUNK, CHUNK);
const C8 = new Uint8Array(scratch, 2 * CHUNK, CHUNK);

export function xor3(out: Uint8Array, o: number, a: Uint8Array, ao: number, b: Uint8Array, bo: number, c: Uint8Array, co: number, n: number): void {
  if (n < 64 || (out.byteOffset + o) % 4 !== 0) {
    for (let i = 0; i < n; i++) out[o + i] = a[ao + i]! ^ b[bo + i]! ^ c[co + i]!;
    return;
  }
  const words = n >>> 2;
  const out32 = new Uint32Array(out.buffer, out.byteOffset + o, words);
  for (let start = 0; start < words * 4; start += CHUNK) {
    const len = Math.min(CHUNK, words * 4 - start);
    A8.set(a.subarray(ao + start, ao + start + len));
    B8.set(b.subarray(bo + start, bo + start + len));
    C8.set(c.subarray(co + start, co + start + len));
    const w0 = start >>> 2;
    const wn = len >>> 2;
    for (let i = 0; i < wn; i++) out32[w0 + i] = A[i]! ^ B[i]! ^ C[i]!;
  }
  for (let i = words * 4; i < n; i++) out[o + i] = a[ao + i]! ^ b[bo + i]! ^ c[co + i]!;
}
