import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { makeServerCert } from '../../../tests/support/trusted-server/certs';
import { MemoryPinStore, TlsTrust, fingerprintOfPem, isCertificateError } from './tls-trust';

describe('TlsTrust', () => {
  const a = makeServerCert('A');
  const b = makeServerCert('B');

  it('pins only a certificate whose fingerprint matches, per host and port', async () => {
    const pins = new MemoryPinStore();
    const trust = new TlsTrust({ pins });
    await expect(trust.accept('mail.test', 110, { fingerprint256: fingerprintOfPem(b.cert), certPem: a.cert, subject: 's', issuer: 'i' })).rejects.toMatchObject({ code: 'tls_pin_mismatch' });
    const pin = await trust.accept('Mail.Test', 110, { fingerprint256: fingerprintOfPem(a.cert), certPem: a.cert, subject: 's', issuer: 'i' });
    expect(pins.get('mail.test', 110)).toEqual(pin);
    expect(pins.get('mail.test', 995)).toBeUndefined();
  });

  it('checks the pinned fingerprint inside the handshake, and records a tls_changed refusal', async () => {
    const pins = new MemoryPinStore();
    const trust = new TlsTrust({ pins, useSystemCas: false });
    await trust.accept('127.0.0.1', 1, { fingerprint256: fingerprintOfPem(a.cert), certPem: a.cert, subject: 's', issuer: 'i' });
    const s = await trust.session('127.0.0.1', 1);
    expect(s.tls.allowPartialTrustChain).toBe(true);
    expect(s.tls.ca).toContain(a.cert);
    const check = s.tls.checkServerIdentity as (h: string, c: tls.PeerCertificate) => Error | undefined;
    const peer = (pem: string) => ({ fingerprint256: fingerprintOfPem(pem), raw: Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'), subject: {}, issuer: {} }) as unknown as tls.PeerCertificate;
    expect(check('127.0.0.1', peer(a.cert))).toBeUndefined();
    expect(s.rejection()).toBeUndefined();
    const err = check('127.0.0.1', peer(b.cert));
    expect(err).toBeInstanceOf(Error);
    expect(isCertificateError(err)).toBe(true);
    expect(s.rejection()).toMatchObject({ code: 'tls_changed', details: { pinnedFingerprint256: fingerprintOfPem(a.cert), fingerprint256: fingerprintOfPem(b.cert) } });
  });

  it('recognises certificate failures and leaves other errors alone', () => {
    expect(isCertificateError(Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }))).toBe(true);
    expect(isCertificateError(Object.assign(new Error('x'), { code: 'ESOCKET', cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } }))).toBe(true);
    expect(isCertificateError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
  });
});
