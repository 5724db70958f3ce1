import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateIdentity, toPem } from '../../core/signature';
import { makeTestPki, type TestPki } from '../../core/signature/test-pki';
import { compareCardIdentity, describeCardChange, rememberCard, rememberedCertificates } from './card-identity';
import { signLetterMime, verifySignedLetter } from './letters';
import { Pkcs12Signer } from './pkcs12-signer';
import { intermediatesFor, loadTrustStore } from './trust-store';

let pki: TestPki;
let dir: string;
beforeAll(async () => {
  pki = await makeTestPki();
  dir = mkdtempSync(join(tmpdir(), 'pli-trust-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trust store', () => {
  it('sorts roots from intermediates and completes a chain', async () => {
    writeFileSync(join(dir, 'bundle.pem'), toPem(pki.root.der) + toPem(pki.intermediate.der));
    writeFileSync(join(dir, 'ignored.txt'), 'x');
    const trust = loadTrustStore({ dir });
    expect(trust.roots).toHaveLength(1);
    expect(trust.intermediates).toHaveLength(1);
    expect(intermediatesFor(pki.doctor.der, trust)).toEqual([pki.intermediate.der]);
    const signer = Pkcs12Signer.fromKey(pki.doctor.key.export({ format: 'pem', type: 'pkcs8' }) as string, pki.doctor.der, intermediatesFor(pki.doctor.der, trust));
    const signed = await signLetterMime('Content-Type: text/plain\r\n\r\nTest\r\n', signer);
    expect(verifySignedLetter(signed, trust).status).toBe('valid');
    expect(verifySignedLetter(signed, loadTrustStore({ dir: join(dir, 'absent') })).reason_code).toBe('issuer_not_found');
  });
});

describe('remembered card', () => {
  it('tells the same card, a renewed card and another person apart', async () => {
    const remembered = rememberCard(pki.doctor.der, new Date('2026-01-01T00:00:00Z'));
    expect(remembered).toMatchObject({ nationalId: '810002813839', displayName: 'JEAN DUPONT', rememberedAt: '2026-01-01T00:00:00.000Z' });
    expect(rememberedCertificates([remembered])[0]).toEqual(pki.doctor.der);
    expect(compareCardIdentity(remembered, certificateIdentity(pki.doctor.der))).toBe('same');
    expect(compareCardIdentity(null, certificateIdentity(pki.doctor.der))).toBe('new_card');
    const renewed = await makeTestPki(); // same subject, new key and certificate
    expect(compareCardIdentity(remembered, certificateIdentity(renewed.doctor.der))).toBe('new_card');
    expect(describeCardChange(remembered, certificateIdentity(renewed.doctor.der)).change).toBe('renewed');
    const other = describeCardChange(remembered, certificateIdentity(pki.foreignUser.der));
    expect(other.change).toBe('other_person');
    expect(other.message_fr).toMatch(/PAUL FAUX.*JEAN DUPONT/);
  });
});
