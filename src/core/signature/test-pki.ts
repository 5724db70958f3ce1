import { KeyObject, sign as cryptoSign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { RawSigner } from './cms-build';
import { toBytes } from './der';
import { ensurePkijsEngine } from './engine';

/**
 * A throwaway PKI shaped like IGC-Santé's test PKI, built in memory for unit tests (RSA 1024 for speed; no files, no
 * openssl): root, intermediate, a doctor with a multi-valued first RDN, and a foreign root + user.
 */
export interface TestCert {
  der: Uint8Array;
  key: KeyObject;
}
export interface TestPki {
  root: TestCert;
  intermediate: TestCert;
  doctor: TestCert;
  foreignRoot: TestCert;
  foreignUser: TestCert;
}

type Rdn = Array<[string, string]>;
const A = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3', SN: '2.5.4.4', GN: '2.5.4.42', title: '2.5.4.12' };

function nameDer(rdns: Rdn[]): ArrayBuffer {
  const seq = new asn1js.Sequence({
    value: rdns.map(
      (rdn) =>
        new asn1js.Set({
          value: rdn.map(
            ([oid, v]) =>
              new asn1js.Sequence({
                value: [
                  new asn1js.ObjectIdentifier({ value: oid }),
                  oid === A.C ? new asn1js.PrintableString({ value: v }) : new asn1js.Utf8String({ value: v }),
                ],
              }),
          ),
        }),
    ),
  });
  return seq.toBER();
}

let serial = 1000;

async function makeCert(opts: {
  subject: Rdn[];
  issuer?: { subject: Rdn[]; key: CryptoKey };
  ca: boolean;
  keyUsage: number; // first byte of the KeyUsage bit string
  notBefore?: Date;
  notAfter?: Date;
}): Promise<TestCert & { subject: Rdn[]; cryptoKey: CryptoKey }> {
  ensurePkijsEngine();
  const keys = (await globalThis.crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: serial++ });
  cert.subject = pkijs.RelativeDistinguishedNames.fromBER(nameDer(opts.subject));
  cert.issuer = pkijs.RelativeDistinguishedNames.fromBER(nameDer(opts.issuer?.subject ?? opts.subject));
  cert.notBefore.value = opts.notBefore ?? new Date(Date.now() - 86_400_000);
  cert.notAfter.value = opts.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  const bc = new pkijs.BasicConstraints({ cA: opts.ca });
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: bc.toSchema().toBER(), parsedValue: bc }),
    new pkijs.Extension({
      extnID: '2.5.29.15',
      critical: true,
      extnValue: new asn1js.BitString({ valueHex: new Uint8Array([opts.keyUsage]).buffer, unusedBits: 1 }).toBER(),
    }),
  ];
  await cert.sign(opts.issuer?.key ?? keys.privateKey, 'SHA-256');
  return {
    der: toBytes(cert.toSchema(true).toBER()),
    key: KeyObject.from(keys.privateKey),
    subject: opts.subject,
    cryptoKey: keys.privateKey,
  };
}

const CA_KU = 0x06; // keyCertSign | cRLSign
const SIG_KU = 0xc0; // digitalSignature | nonRepudiation

export async function makeTestPki(opts: { doctorNotAfter?: Date; doctorKeyUsage?: number } = {}): Promise<TestPki> {
  const ou = [A.OU, 'IGC-SANTE TEST'] as [string, string];
  const root = await makeCert({
    subject: [[[A.C, 'FR']], [[A.O, 'ASIP-SANTE']], [ou], [[A.CN, 'TEST AC RACINE IGC-SANTE FORT']]],
    ca: true,
    keyUsage: CA_KU,
  });
  const intermediate = await makeCert({
    subject: [[[A.C, 'FR']], [[A.O, 'ASIP-SANTE']], [ou], [[A.CN, 'TEST AC IGC-SANTE FORT PERSONNES']]],
    issuer: { subject: root.subject, key: root.cryptoKey },
    ca: true,
    keyUsage: CA_KU,
  });
  const doctor = await makeCert({
    subject: [[[A.CN, '810002813839'], [A.SN, 'DUPONT'], [A.GN, 'JEAN']], [[A.title, 'Médecin']], [[A.C, 'FR']]],
    issuer: { subject: intermediate.subject, key: intermediate.cryptoKey },
    ca: false,
    keyUsage: opts.doctorKeyUsage ?? SIG_KU,
    ...(opts.doctorNotAfter ? { notAfter: opts.doctorNotAfter, notBefore: new Date(opts.doctorNotAfter.getTime() - 86_400_000) } : {}),
  });
  const foreignRoot = await makeCert({ subject: [[[A.C, 'FR']], [[A.CN, 'AUTRE RACINE']]], ca: true, keyUsage: CA_KU });
  const foreignUser = await makeCert({
    subject: [[[A.CN, '810009999999'], [A.SN, 'FAUX'], [A.GN, 'PAUL']], [[A.C, 'FR']]],
    issuer: { subject: foreignRoot.subject, key: foreignRoot.cryptoKey },
    ca: false,
    keyUsage: SIG_KU,
  });
  const strip = (c: TestCert): TestCert => ({ der: c.der, key: c.key });
  return {
    root: strip(root),
    intermediate: strip(intermediate),
    doctor: strip(doctor),
    foreignRoot: strip(foreignRoot),
    foreignUser: strip(foreignUser),
  };
}

/** A RawSigner over an in-memory key (tests and the PKCS#12 signer use the same shape). */
export function keySigner(key: KeyObject, chain: Uint8Array[]): RawSigner {
  return {
    certificateChain: () => chain,
    signData: async (data) => new Uint8Array(cryptoSign('sha256', data, key)),
  };
}

