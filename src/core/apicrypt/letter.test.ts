import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliError } from '../../shared/errors';
import { CP1252_TO_UNICODE, CP1252_UNDEFINED } from '../charset';
import { armor, unarmor } from './armor';
import { keyFileName } from './key-file';
import { openLetter, readLayerHeader, sealedLengths, sealLetter, type PadUse } from './layers';
import { armorLetter, decryptArmoredLetter, letterComments } from './letter';
import { decodeLetterPayload, encodeLetterPayload } from './payload';

function pseudoPad(seed: number, n: number): Uint8Array {
  const p = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    p[i] = x & 255;
  }
  return p;
}
const pads = new Map([
  [keyFileName('Master', 2026), pseudoPad(1, 64 * 1024)],
  [keyFileName('jean.DUPONT', 2026), pseudoPad(2, 64 * 1024)],
  [keyFileName('Master', 2025), pseudoPad(3, 4096)],
]);
const lookup = (owner: string, year: number) => pads.get(keyFileName(owner, year));
const use = (owner: string, offset: number, counter: number, year = 2026): PadUse => ({
  owner, year, tag: '1000', pad: pads.get(keyFileName(owner, year))!, offset, counter,
});
function codeOf(f: () => unknown): [string, unknown] | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof PliError) return [e.code, e.details?.['legacyCode']];
    throw e;
  }
  return undefined;
}

const printable: string[] = [];
for (let b = 0x20; b < 256; b++) if (b !== 0x7f && !CP1252_UNDEFINED.includes(b)) printable.push(String.fromCharCode(CP1252_TO_UNICODE[b]!));
const cp1252Text = fc.string({ unit: fc.constantFrom(...printable, '\n', '\n', '\t'), maxLength: 300 });
const localPart = fc.stringMatching(/^[a-z]{1,8}\.[A-Z]{1,8}$/);

describe('letter payload (spec §3.1-2)', () => {
  it('filters to Mac OS Roman with CR and writes the recipient trailer', () => {
    const p = encodeLetterPayload({
      text: 'Été\r\nl’œil',
      recipients: { to: ['paul.MARTIN@medical69.apicrypt.org', 'marie.CURIE'] },
      messageId: '<abc@pli>',
      mode: 'cp1252',
    });
    const expected = [0x83, 0x74, 0x8e, 0x0d, 0x6c, 0x27, 0xcf, 0x69, 0x6c];
    expect([...p.subarray(0, expected.length)]).toEqual(expected);
    expect(new TextDecoder('latin1').decode(p.subarray(expected.length))).toBe('#DESTBEGIN#paul.MARTIN,marie.CURIE,,#DESTEND##IDBEGIN#<abc@pli>#IDEND#');
    const back = decodeLetterPayload(p);
    expect(back).toMatchObject({ text: "Été\nl'œil", recipients: ['paul.MARTIN', 'marie.CURIE'], messageId: '<abc@pli>', mode: 'cp1252' });
  });

  it('keeps full addresses outside apicrypt.org, joins to/cc/bcc', () => {
    const p = encodeLetterPayload({ text: 'x', recipients: { to: ['a.B'], cc: ['labo@example.fr'], bcc: ['c.D@medical13.APICRYPT.org'] }, mode: 'cp1252' });
    expect(new TextDecoder('latin1').decode(p)).toBe('x#DESTBEGIN#a.B,labo@example.fr,c.D#DESTEND#');
  });

  it('refuses what it cannot carry instead of dropping it', () => {
    expect(codeOf(() => encodeLetterPayload({ text: 'ok 🙂', recipients: { to: ['a.B'] }, mode: 'cp1252' }))?.[0]).toBe('charset_unencodable');
    expect(codeOf(() => encodeLetterPayload({ text: 'x', recipients: { to: ['a,B'] }, mode: 'cp1252' }))?.[0]).toBe('letter_bad_recipient');
    expect(codeOf(() => encodeLetterPayload({ text: 'x', recipients: { to: ['a.B'] }, messageId: 'a#b', mode: 'cp1252' }))?.[0]).toBe('letter_bad_param');
  });

  it('UTF-8 mode carries any text and marks itself', () => {
    const text = 'Résultat 🙂 ≤ 5 µmol/L\nfin';
    const p = encodeLetterPayload({ text, recipients: { to: ['a.B'] }, params: { ACKSUIVI: 'oui' }, mode: 'utf8' });
    expect(decodeLetterPayload(p)).toMatchObject({ text, recipients: ['a.B'], params: { ACKSUIVI: 'oui', CHARSET: 'UTF-8' }, mode: 'utf8' });
  });
});

describe('letter layers and armor', () => {
  it('seals Master then user layer, total = payload + 448, headers as spec §3.3-4', () => {
    const payload = encodeLetterPayload({ text: 'Bonjour', recipients: { to: ['paul.MARTIN'] }, mode: 'cp1252' });
    const master = use('Master', 100, 8);
    const user = use('jean.DUPONT', 2000, 4);
    const bin = sealLetter(payload, master, user);
    expect(bin.length).toBe(sealedLengths(payload.length).total);
    expect(readLayerHeader(bin)).toMatchObject({ owner: 'jean.DUPONT', year: 2026, offset: 2000, counter: 4, tag: '1000' });
    // By hand: layer 2 = bytes 224.. XOR user pad from 2000; the Master header then reads in clear.
    const up = pads.get('jean.DUPONT.126')!;
    const inner = bin.slice(224).map((b, i) => b ^ up[2000 + i]!);
    expect(readLayerHeader(inner)).toMatchObject({ owner: 'Master', offset: 100, counter: 8 });
    const mp = pads.get('Master.126')!;
    expect([...inner.slice(224)].map((b, i) => b ^ mp[100 + i]!)).toEqual([...payload]);
    expect(master.offset).toBe(100); // pure: the caller advances pointers
    const opened = openLetter(bin, lookup);
    expect(opened.payload).toEqual(payload);
    expect(opened.inner.owner).toBe('Master');
  });

  it('writes the comment lines and reads the letter back without them', () => {
    const master = use('Master', 0, 8);
    const user = use('jean.DUPONT', 0, 4);
    const bin = sealLetter(encodeLetterPayload({ text: 'Cher confrère,\n', recipients: { to: ['paul.MARTIN'] }, messageId: 'm1', mode: 'cp1252' }), master, user);
    const body = armorLetter(bin, letterComments(master, user));
    expect(body.split('\n').slice(0, 4)).toEqual(['$APICRYPT initial, clef v1 Master.126 MID 8', '$APICRYPT initial, clef v1 jean.DUPONT.126 MID 4', '', '#BINASCII1#']);
    expect(armorLetter(bin).split('\n').slice(0, 3)).toEqual(['$APICRYPT initial, clef v1 jean.DUPONT.126 MID 4', '', '#BINASCII1#']);
    const bare = armor(bin).replace(/\n/g, '\r\n');
    for (const mail of [body, `Bonjour,\r\n\r\n${bare}\r\n-- \r\nsignature`]) {
      expect(decryptArmoredLetter(mail, lookup)).toMatchObject({ text: 'Cher confrère,\n', recipients: ['paul.MARTIN'], messageId: 'm1' });
    }
  });

  it('never wraps: refuses when a pad is too short', () => {
    const payload = new Uint8Array(1000);
    const small = use('Master', 0, 1, 2025);
    expect(codeOf(() => sealLetter(payload, { ...small, offset: 3097 }, use('jean.DUPONT', 0, 1)))?.[0]).toBe('pad_exhausted');
    expect(sealLetter(payload, { ...small, offset: 3096 }, use('jean.DUPONT', 0, 1)).length).toBe(1448);
    expect(codeOf(() => sealLetter(payload, use('Master', 0, 1), use('jean.DUPONT', 65536 - 1223, 1)))?.[0]).toBe('pad_exhausted');
  });

  it('names the missing key, with the legacy code', () => {
    const bin = sealLetter(new Uint8Array(10), use('Master', 0, 1), use('jean.DUPONT', 0, 1));
    let err: PliError | undefined;
    try {
      openLetter(bin, (o, y) => (o === 'Master' ? undefined : lookup(o, y)));
    } catch (e) {
      err = e as PliError;
    }
    expect(err?.code).toBe('key_not_found');
    expect(err?.details).toMatchObject({ owner: 'Master', year: 2026, legacyCode: -5 });
    expect(err?.message_fr).toContain('Master.126');
    expect(codeOf(() => openLetter(bin.slice(0, 300), lookup))).toEqual(['letter_too_short', -4]);
    const far = sealLetter(new Uint8Array(10), use('Master', 0, 1), use('jean.DUPONT', 0, 1));
    new DataView(far.buffer).setUint32(92, 65_400);
    expect(codeOf(() => openLetter(far, lookup))).toEqual(['letter_offset_out_of_range', -8]);
  });

  it('round-trips any Windows-1252 text with its recipients and id (property)', () => {
    let offset = 0;
    fc.assert(
      fc.property(cp1252Text, fc.array(localPart, { minLength: 1, maxLength: 4 }), fc.option(fc.stringMatching(/^[A-Za-z0-9<>@.-]{1,30}$/), { nil: undefined }), (text, to, id) => {
        const payload = encodeLetterPayload({ text, recipients: { to }, messageId: id, mode: 'cp1252' });
        if (offset + payload.length + 224 > 64 * 1024) offset = 0;
        const master = use('Master', offset, 2);
        const user = use('jean.DUPONT', offset, 2);
        offset += payload.length + 224;
        const out = decryptArmoredLetter(armorLetter(sealLetter(payload, master, user), letterComments(master, user)), lookup);
        expect(out.text).toBe(text.replace(/[‘’]/g, "'"));
        expect(out.recipients).toEqual(to);
        expect(out.messageId).toBe(id);
      }),
      { numRuns: 150 },
    );
  });

  it('unarmor(armor(x)) of a sealed letter is x', () => {
    const bin = sealLetter(new Uint8Array(5), use('Master', 0, 1), use('jean.DUPONT', 0, 1));
    expect(unarmor(armor(bin))).toEqual(bin);
  });
});
