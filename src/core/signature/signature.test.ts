import { beforeAll, describe, expect, it } from 'vitest';
import { createDetachedSignature } from './cms-build';
import { certificateIdentity } from './identity';
import { parseSignedMessage, buildMultipartSigned, signableEntity } from './smime';
import { keySigner, makeTestPki, type TestPki } from './test-pki';
import { verifyCmsSignature, type TrustAnchors } from './verify-cms';
import { verifySignedMime } from './verify-mime';

let pki: TestPki;
let trust: TrustAnchors;

beforeAll(async () => {
  pki = await makeTestPki();
  trust = { roots: [pki.root.der], intermediates: [] };
});

const LETTER = 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nBonjour,\nrésultats normaux.\n';

async function signedMessage(text = LETTER, chain?: Uint8Array[], key = pki.doctor.key): Promise<Uint8Array> {
  const entity = signableEntity(text);
  const cms = await createDetachedSignature(entity, keySigner(key, chain ?? [pki.doctor.der, pki.intermediate.der]));
  return buildMultipartSigned(entity, cms);
}

describe('certificate identity', () => {
  it('reads the multi-valued first RDN of a CPS subject', () => {
    const id = certificateIdentity(pki.doctor.der);
    expect(id).toMatchObject({
      nationalId: '810002813839',
      idKind: 'rpps',
      rpps: '10002813839',
      adeli: null,
      surname: 'DUPONT',
      givenName: 'JEAN',
      profession: 'Médecin',
      displayName: 'JEAN DUPONT',
      issuerCommonName: 'TEST AC IGC-SANTE FORT PERSONNES',
    });
    expect(id.subjectRdns[0]!.map((a) => a.name)).toEqual(['CN', 'SN', 'GN']);
    expect(id.subjectDn).toBe('CN=810002813839+SN=DUPONT+GN=JEAN, title=Médecin, C=FR');
    expect(id.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('S/MIME entity preparation', () => {
  it('puts the first part in canonical CRLF form and base64-encodes 8-bit text', () => {
    const s = Buffer.from(signableEntity(LETTER)).toString('latin1');
    expect(s).not.toMatch(/[^\r]\n/);
    expect(s).toMatch(/Content-Transfer-Encoding: base64\r\n\r\n/);
    expect(s).not.toMatch(/8bit/);
    const body = s.split('\r\n\r\n')[1]!;
    expect(Buffer.from(body, 'base64').toString('utf8')).toBe('Bonjour,\r\nrésultats normaux.\r\n');
  });

  it('re-encodes the leaves of a multipart entity and keeps its structure', () => {
    const mp =
      'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nété\n--b1\n' +
      'Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAEC\n--b1--\n';
    const s = Buffer.from(signableEntity(mp)).toString('latin1');
    expect(s.match(/--b1\r\n/g)).toHaveLength(2);
    expect(s).toContain('--b1--\r\n');
    expect(s).toContain('Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nw6l0w6k=');
    expect(s).toContain('AAEC\r\n');
  });
});

describe('CMS sign and verify', () => {
  it('verifies what it signs, with signer identity and signing time', async () => {
    const r = verifySignedMime(await signedMessage(), trust);
    expect(r.status).toBe('valid');
    expect(r.signer?.rpps).toBe('10002813839');
    expect(Math.abs(Date.parse(r.signingTime!) - Date.now())).toBeLessThan(60_000);
    expect(r.chain).toHaveLength(3);
  });

  it('still verifies after a relay rewrote CRLF to LF', async () => {
    const msg = Buffer.from(await signedMessage()).toString('latin1').replace(/\r\n/g, '\n');
    expect(verifySignedMime(new Uint8Array(Buffer.from(msg, 'latin1')), trust).status).toBe('valid');
  });

  it('finds the intermediate in the bundled trust when the message omits it', async () => {
    const msg = await signedMessage(LETTER, [pki.doctor.der]);
    expect(verifySignedMime(msg, trust).reason_code).toBe('issuer_not_found');
    expect(verifySignedMime(msg, { ...trust, intermediates: [pki.intermediate.der] }).status).toBe('valid');
  });

  it('says content_altered when one byte of the text changes', async () => {
    const msg = Buffer.from(await signedMessage());
    const s = msg.toString('latin1');
    const at = s.indexOf('Qm9uam91'); // base64 of "Bonjou"
    msg[at] = 'R'.charCodeAt(0);
    const r = verifySignedMime(msg, trust);
    expect(r).toMatchObject({ status: 'invalid', reason_code: 'content_altered' });
    expect(r.reason_fr).toMatch(/modifié/);
  });

  it('says signature_mismatch when one byte of the signature changes', async () => {
    const entity = signableEntity(LETTER);
    const cms = await createDetachedSignature(entity, keySigner(pki.doctor.key, [pki.doctor.der, pki.intermediate.der]));
    const bad = cms.slice();
    bad[bad.length - 10] = bad[bad.length - 10]! ^ 0x01; // inside the RSA signature value, the last field
    const r = verifyCmsSignature(entity, bad, trust);
    expect(r).toMatchObject({ status: 'invalid', reason_code: 'signature_mismatch' });
  });

  it('rejects a signer from another root, and a substituted certificate', async () => {
    const foreign = await signedMessage(LETTER, [pki.foreignUser.der, pki.foreignRoot.der], pki.foreignUser.key);
    expect(verifySignedMime(foreign, trust)).toMatchObject({ status: 'invalid', reason_code: 'untrusted_root' });
    expect(verifySignedMime(foreign, { roots: [pki.root.der, pki.foreignRoot.der] }).status).toBe('valid');
    // Signed by the doctor's key but carrying the foreign certificate only.
    const entity = signableEntity(LETTER);
    const swapped = await createDetachedSignature(entity, keySigner(pki.doctor.key, [pki.foreignUser.der]));
    expect(verifyCmsSignature(entity, swapped, trust).reason_code).toBe('signature_mismatch');
  });

  it('says unknown_signer when the signer certificate is absent, valid when known', async () => {
    const entity = signableEntity(LETTER);
    const full = await createDetachedSignature(entity, keySigner(pki.doctor.key, [pki.doctor.der, pki.intermediate.der]));
    // Rebuild without certificates by parsing and dropping them.
    const pkijs = await import('pkijs');
    const ci = pkijs.ContentInfo.fromBER(full.slice().buffer);
    const sd = new pkijs.SignedData({ schema: ci.content });
    sd.certificates = [];
    const stripped = new Uint8Array(new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema(true) }).toSchema().toBER());
    expect(verifyCmsSignature(entity, stripped, trust).status).toBe('unknown_signer');
    const known = { ...trust, intermediates: [pki.intermediate.der], knownCertificates: [pki.doctor.der] };
    expect(verifyCmsSignature(entity, stripped, known).status).toBe('valid');
  });

  it('checks validity at signing time and key usage', async () => {
    const expired = await makeTestPki({ doctorNotAfter: new Date(Date.now() - 3600_000) });
    const entity = signableEntity(LETTER);
    const chain = [expired.doctor.der, expired.intermediate.der];
    const late = await createDetachedSignature(entity, keySigner(expired.doctor.key, chain));
    expect(verifyCmsSignature(entity, late, { roots: [expired.root.der] }).reason_code).toBe('certificate_expired');
    const inTime = await createDetachedSignature(entity, keySigner(expired.doctor.key, chain), new Date(Date.now() - 7200_000));
    expect(verifyCmsSignature(entity, inTime, { roots: [expired.root.der] }).status).toBe('valid');
    const noSign = await makeTestPki({ doctorKeyUsage: 0x20 }); // keyEncipherment only
    const cms = await createDetachedSignature(entity, keySigner(noSign.doctor.key, [noSign.doctor.der, noSign.intermediate.der]));
    expect(verifyCmsSignature(entity, cms, { roots: [noSign.root.der] }).reason_code).toBe('key_usage');
  });

  it('reports unsigned and malformed messages', () => {
    const plain = new Uint8Array(Buffer.from('Content-Type: text/plain\r\n\r\nsalut\r\n'));
    expect(verifySignedMime(plain, trust).status).toBe('not_signed');
    const broken = new Uint8Array(Buffer.from('Content-Type: multipart/signed; boundary=x\r\n\r\n--x\r\nabc\r\n--x--\r\n'));
    expect(verifySignedMime(broken, trust).reason_code).toBe('malformed');
    expect(parseSignedMessage(broken).kind).toBe('malformed');
  });
});
