import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardSigner, Pkcs12Signer, signedEntityOf, signLetterMime, verifySignedLetter } from '../../src/host/signing';
import type { CardService } from '../../src/host/card';
import { isPliError } from '../../src/shared/errors';
import { testEnv } from '../env/current';
import { certDer, type CardCopy, copyCard, LETTER, openCard, openssl, testTrust } from './signing-support';

let dir: string;
let copy: CardCopy;
let card: CardService;
let cardSigned: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pli-sig-interop-'));
  copy = copyCard('jean.DUPONT');
  card = openCard(copy);
  card.login('1234');
  cardSigned = await signLetterMime(LETTER, CardSigner.open(card, { trust: testTrust() }));
});
afterAll(() => {
  card?.close();
  copy?.remove();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, data: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

function opensslVerify(message: Uint8Array): { ok: boolean; out: string } {
  const pki = testEnv().pki;
  const p = file(`v-${Math.random().toString(36).slice(2)}.eml`, message);
  return openssl(['cms', '-verify', '-in', p, '-CAfile', pki.rootCertPath, '-certfile', pki.intermediateCertPath, '-out', join(dir, 'content.out')]);
}

function opensslSign(user: 'jean.DUPONT', extra: string[] = [], signer?: { cert: string; key: string }): Uint8Array {
  const pki = testEnv().pki;
  const u = pki.users[user]!;
  const input = file('letter.txt', LETTER);
  const out = join(dir, `s-${Math.random().toString(36).slice(2)}.eml`);
  const r = openssl([
    'cms', '-sign', '-in', input, '-out', out, '-md', 'sha256',
    '-signer', signer?.cert ?? u.certPath, '-inkey', signer?.key ?? u.keyPath, ...extra,
  ]);
  if (!r.ok) throw new Error(r.out);
  return new Uint8Array(readFileSync(out));
}

/** Flips one byte of the decoded smime.p7s, at `fromEnd` bytes before its end (the RSA signature). */
function tamperSignature(message: Uint8Array, fromEnd = 8): Uint8Array {
  const s = Buffer.from(message).toString('latin1');
  const m = /(filename="?smime\.p7s"?[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n)([A-Za-z0-9+/=\r\n]+)/.exec(s);
  if (!m) throw new Error('no signature part');
  const der = Buffer.from(m[2]!.replace(/\s/g, ''), 'base64');
  der[der.length - fromEnd] = der[der.length - fromEnd]! ^ 0x5a;
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\r\n');
  return new Uint8Array(Buffer.from(s.replace(m[2]!, b64 + '\r\n'), 'latin1'));
}

describe('signatures interoperate with OpenSSL', () => {
  it('a letter signed by Pli with the card verifies with openssl cms -verify', () => {
    const r = opensslVerify(cardSigned);
    expect(r.out).toMatch(/Verification successful/);
    expect(r.ok).toBe(true);
    expect(readFileSync(join(dir, 'content.out'), 'latin1')).toContain('Content-Transfer-Encoding: base64');
  });

  it('openssl rejects a Pli signature whose text was changed', () => {
    const s = Buffer.from(cardSigned).toString('latin1');
    const b64 = Buffer.from('Cher confrère', 'utf8').toString('base64').slice(0, 8);
    expect(s).toContain(b64);
    const bad = new Uint8Array(Buffer.from(s.replace(b64, b64.slice(0, 7) + (b64[7] === 'A' ? 'B' : 'A')), 'latin1'));
    expect(opensslVerify(bad).ok).toBe(false);
    expect(verifySignedLetter(bad, testTrust())).toMatchObject({ status: 'invalid', reason_code: 'content_altered' });
  });

  it('letters signed by openssl cms -sign verify in Pli, detached and opaque', () => {
    const pki = testEnv().pki;
    const detached = opensslSign('jean.DUPONT', ['-certfile', pki.intermediateCertPath]);
    const r = verifySignedLetter(detached, testTrust());
    expect(r).toMatchObject({ status: 'valid', signer: { rpps: pki.users['jean.DUPONT']!.rpps } });
    expect(Math.abs(Date.parse(r.signingTime!) - Date.now())).toBeLessThan(120_000);
    // Without the intermediate in the message: completed from the trust store.
    expect(verifySignedLetter(opensslSign('jean.DUPONT'), testTrust()).status).toBe('valid');
    const opaque = opensslSign('jean.DUPONT', ['-nodetach']);
    expect(verifySignedLetter(opaque, testTrust()).status).toBe('valid');
    expect(Buffer.from(signedEntityOf(opaque)!).toString('utf8')).toContain('Cher confrère');
    expect(Buffer.from(signedEntityOf(detached)!).toString('utf8')).toContain('Cher confrère');
  });

  it('tampering gives "invalide" with the right reason', () => {
    const pki = testEnv().pki;
    const trust = testTrust();
    const signed = opensslSign('jean.DUPONT', ['-certfile', pki.intermediateCertPath]);
    // One byte of the text.
    const s = Buffer.from(signed).toString('latin1');
    const at = s.indexOf('Bien cordialement');
    const text = Buffer.from(signed);
    text[at] = 'b'.charCodeAt(0);
    expect(verifySignedLetter(text, trust)).toMatchObject({ status: 'invalid', reason_code: 'content_altered' });
    // One byte of the signature value, in an openssl signature and in a Pli (card) signature.
    expect(verifySignedLetter(tamperSignature(signed), trust)).toMatchObject({ status: 'invalid', reason_code: 'signature_mismatch' });
    expect(verifySignedLetter(tamperSignature(cardSigned), trust)).toMatchObject({ status: 'invalid', reason_code: 'signature_mismatch' });
    expect(opensslVerify(tamperSignature(cardSigned)).ok).toBe(false);
    // A certificate from another root, with that root in the message or not.
    const foreign = { cert: pki.foreignUserCertPath, key: pki.foreignUserKeyPath };
    const withRoot = opensslSign('jean.DUPONT', ['-certfile', pki.foreignRootCertPath], foreign);
    const r = verifySignedLetter(withRoot, trust);
    expect(r).toMatchObject({ status: 'invalid', reason_code: 'untrusted_root' });
    expect(r.reason_fr).toMatch(/IGC-Santé/);
    expect(verifySignedLetter(opensslSign('jean.DUPONT', [], foreign), trust)).toMatchObject({
      status: 'invalid',
      reason_code: 'issuer_not_found',
    });
    // The same letter is valid for a verifier that trusts the foreign root: the reason is the root only.
    expect(verifySignedLetter(withRoot, { roots: [certDer(pki.foreignRootCertPath)] }).status).toBe('valid');
  });

  it('an unsigned letter is "not_signed"', () => {
    expect(verifySignedLetter(new Uint8Array(Buffer.from(LETTER, 'latin1')), testTrust())).toEqual({ status: 'not_signed' });
  });
});

describe('PKCS#12 software certificate', () => {
  it('signs through the same Signer interface; Pli and openssl verify it', async () => {
    const pki = testEnv().pki;
    const signer = Pkcs12Signer.open(pki.p12Path, pki.p12Password, testTrust());
    expect(signer.identity().commonName).toMatch(/CABINET LES TILLEULS/);
    expect(signer.identity().rpps).toBeNull();
    const signed = await signLetterMime(LETTER, signer);
    expect(verifySignedLetter(signed, testTrust())).toMatchObject({ status: 'valid' });
    expect(opensslVerify(signed).ok).toBe(true);
  });

  it('reports a wrong password', () => {
    const pki = testEnv().pki;
    try {
      Pkcs12Signer.open(pki.p12Path, 'pas-le-bon', testTrust());
      expect.unreachable();
    } catch (e) {
      expect(isPliError(e) && e.code).toBe('p12_bad_password');
    }
  });

  it('reads a legacy 3DES/SHA-1 export too', async () => {
    const pki = testEnv().pki;
    const legacy = join(dir, 'legacy.p12');
    const r = openssl([
      'pkcs12', '-in', pki.p12Path, '-passin', `pass:${pki.p12Password}`, '-nodes', '-out', join(dir, 'org.pem'),
    ]);
    expect(r.ok).toBe(true);
    const exp = openssl([
      'pkcs12', '-export', '-in', join(dir, 'org.pem'), '-out', legacy, '-passout', 'pass:ancien',
      '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1',
    ]);
    expect(exp.ok).toBe(true);
    const signer = Pkcs12Signer.open(legacy, 'ancien', testTrust());
    expect(verifySignedLetter(await signLetterMime(LETTER, signer), testTrust()).status).toBe('valid');
  });
});
