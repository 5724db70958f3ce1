import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliError } from '../../shared/errors';
import { armor, unarmor } from './armor';
import { decodeApzPayload, encodeApzPayload } from './apz';
import { parseKeyFile, writeKeyFile } from './key-file';
import { openLetter, sealLetter, type PadUse } from './layers';
import { decryptArmoredLetter } from './letter';
import { encodeLetterPayload } from './payload';

/** Decoders may refuse anything, but only with a PliError. Every input is small, so each case is bounded. */
function onlyTyped(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof PliError)) throw e;
  }
}

const padM = Uint8Array.from({ length: 8192 }, (_, i) => (i * 31 + 7) & 255);
const padU = Uint8Array.from({ length: 8192 }, (_, i) => (i * 17 + 3) & 255);
const lookup = (o: string, y: number) => (y !== 2026 ? undefined : o === 'Master' ? padM : o === 'jean.DUPONT' ? padU : undefined);
const use = (owner: string, pad: Uint8Array): PadUse => ({ owner, year: 2026, tag: '1000', pad, offset: 0, counter: 1 });
const letter = sealLetter(encodeLetterPayload({ text: 'Résultats normaux.\n', recipients: { to: ['paul.MARTIN'] }, mode: 'cp1252' }), use('Master', padM), use('jean.DUPONT', padU));
const armored = armor(letter);
const key = writeKeyFile({ owner: 'jean.DUPONT', year: 2026, pad: padU.subarray(0, 600) });

/** A mutation: replace, insert or delete a few positions of a string or byte array. */
const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 });
function mutate(bytes: Uint8Array, es: [number, number, number][]): Uint8Array {
  const a = [...bytes];
  for (const [pos, kind, val] of es) {
    const i = a.length === 0 ? 0 : pos % a.length;
    if (kind === 0) a[i] = val;
    else if (kind === 1) a.splice(i, 0, val);
    else a.splice(i, 1);
  }
  return Uint8Array.from(a);
}
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('fuzz: only typed errors, never a crash or a hang', () => {
  it('random text and mutated armor', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => onlyTyped(() => decryptArmoredLetter(`#BINASCII1#\n${s}\n#ENDBINASCII1#`, lookup))),
      { numRuns: 300 },
    );
    const src = Buffer.from(armored, 'latin1');
    fc.assert(
      fc.property(edits, (es) => onlyTyped(() => decryptArmoredLetter(latin1(mutate(src, es)), lookup))),
      { numRuns: 300 },
    );
  });

  it('mutated binaries (armor re-computed so the layers are reached)', () => {
    fc.assert(
      fc.property(edits, (es) => {
        const bin = mutate(letter, es);
        onlyTyped(() => openLetter(bin, lookup));
        onlyTyped(() => decryptArmoredLetter(armor(bin), lookup));
        expect(() => unarmor(armor(bin))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('random and mutated key files', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), (b) => onlyTyped(() => parseKeyFile(b, 'jean.DUPONT.126'))), { numRuns: 300 });
    fc.assert(
      fc.property(edits, fc.constantFrom(undefined, 'jean.DUPONT.126', 'x.aes', 'jean.DUPONT.12'), (es, name) => onlyTyped(() => parseKeyFile(mutate(key, es), name))),
      { numRuns: 400 },
    );
  });

  it('random and mutated .apz payloads', () => {
    const apz = encodeApzPayload({ sender: 'jean.DUPONT', recipients: ['paul.MARTIN'], files: [{ name: 'a.txt', data: new Uint8Array(40) }, { name: 'b.pdf', data: new Uint8Array(9) }] });
    fc.assert(fc.property(edits, (es) => onlyTyped(() => decodeApzPayload(mutate(apz, es)))), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyTyped(() => decodeApzPayload(b))), { numRuns: 200 });
  });
});
