import { createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, KeyObject, pbkdf2Sync, timingSafeEqual, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { PliError } from '../../shared/errors';

/**
 * PKCS#12 (RFC 7292) reading in pure Node: PBES2 (PBKDF2 + AES-CBC or 3DES, OpenSSL 3's default) and
 * the legacy pbeWithSHAAnd3-KeyTripleDES-CBC; the MAC is checked first so that a wrong password is
 * reported as such. RC2-40 (very old exports) is not available in Node's OpenSSL 3 build.
 */

const O = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeSha1TripleDes: '1.2.840.113549.1.12.1.3',
  pbeSha1Rc2_40: '1.2.840.113549.1.12.1.6',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};
const PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const CIPHERS: Record<string, { name: string; keyLen: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLen: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLen: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLen: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLen: 24 },
};
const HASHES: Record<string, { name: string; u: number; v: number }> = {
  [O.sha1]: { name: 'sha1', u: 20, v: 64 },
  [O.sha256]: { name: 'sha256', u: 32, v: 64 },
  [O.sha384]: { name: 'sha384', u: 48, v: 128 },
  [O.sha512]: { name: 'sha512', u: 64, v: 128 },
};

export interface Pkcs12Contents {
  privateKey: KeyObject;
  /** The certificate matching the key. */
  certificate: Uint8Array;
  /** Every other certificate in the file (intermediates, root). */
  others: Uint8Array[];
}

const malformed = () =>
  new PliError('p12_malformed', 'Le fichier de certificat (PKCS#12) est illisible ou endommagé. Exportez-le de nouveau.');
const unsupported = (what: string) =>
  new PliError(
    'p12_unsupported',
    'Le fichier de certificat (PKCS#12) utilise un chiffrement ancien que Pli ne lit pas. Exportez-le de nouveau avec un chiffrement AES.',
    { algorithm: what },
  );

function der(bytes: Uint8Array | ArrayBuffer): asn1js.AsnType {
  const buf = bytes instanceof Uint8Array ? new Uint8Array(bytes).buffer : bytes;
  const r = asn1js.fromBER(buf);
  if (r.offset === -1) throw malformed();
  return r.result;
}
function seq(x: asn1js.AsnType | undefined): asn1js.AsnType[] {
  if (!(x instanceof asn1js.Sequence) && !(x instanceof asn1js.Set) && !(x instanceof asn1js.Constructed)) throw malformed();
  return (x as asn1js.Sequence).valueBlock.value;
}
function oid(x: asn1js.AsnType | undefined): string {
  if (!(x instanceof asn1js.ObjectIdentifier)) throw malformed();
  return x.valueBlock.toString();
}
function octets(x: asn1js.AsnType | undefined): Buffer {
  if (x instanceof asn1js.OctetString) return Buffer.from(x.getValue());
  // [0] IMPLICIT OCTET STRING (EncryptedData.encryptedContent), primitive or constructed.
  if (x && x.idBlock.tagClass === 3) {
    if (x.idBlock.isConstructed) return Buffer.concat(seq(x).map((p) => octets(p)));
    return Buffer.from((x as asn1js.Primitive).valueBlock.valueHexView);
  }
  throw malformed();
}
function int(x: asn1js.AsnType | undefined): number {
  if (!(x instanceof asn1js.Integer)) throw malformed();
  return x.valueBlock.valueDec;
}
/** The inner value of an [n] EXPLICIT tag. */
function explicit(x: asn1js.AsnType | undefined): asn1js.AsnType {
  const inner = seq(x)[0];
  if (!inner) throw malformed();
  return inner;
}

function bmpPassword(password: string): Buffer {
  const b = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

/** RFC 7292 appendix B.2 key derivation (id 1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf(hashOid: string, password: Buffer, salt: Buffer, id: number, iterations: number, n: number): Buffer {
  const h = HASHES[hashOid];
  if (!h) throw unsupported(hashOid);
  const fill = (src: Buffer) => {
    if (src.length === 0) return Buffer.alloc(0);
    const len = h.v * Math.ceil(src.length / h.v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = Buffer.alloc(h.v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  for (let got = 0; got < n; got += h.u) {
    let A = createHash(h.name).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(h.name).update(A).digest();
    out.push(A);
    const B = fill(A).subarray(0, h.v);
    for (let j = 0; j < I.length; j += h.v) {
      let carry = 1;
      for (let k = h.v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

function decrypt(algorithm: asn1js.AsnType | undefined, data: Buffer, password: string): Buffer {
  const [algOid, params] = seq(algorithm);
  const alg = oid(algOid);
  try {
    if (alg === O.pbes2) {
      const [kdf, scheme] = seq(params);
      const [kdfOid, kdfParams] = seq(kdf);
      if (oid(kdfOid) !== O.pbkdf2) throw unsupported(oid(kdfOid));
      const p = seq(kdfParams);
      const salt = octets(p[0]);
      const iterations = int(p[1]);
      let prf = 'sha1';
      for (const extra of p.slice(2)) {
        if (extra instanceof asn1js.Sequence) prf = PRF[oid(seq(extra)[0])] ?? '';
      }
      if (!prf) throw unsupported('prf');
      const [cipherOid, iv] = seq(scheme);
      const cipher = CIPHERS[oid(cipherOid)];
      if (!cipher) throw unsupported(oid(cipherOid));
      // PBES2 takes the password's bytes as they are (UTF-8), unlike the PKCS#12 KDF.
      const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLen, prf);
      const d = createDecipheriv(cipher.name, key, octets(iv));
      return Buffer.concat([d.update(data), d.final()]);
    }
    if (alg === O.pbeSha1TripleDes) {
      const [saltX, iterX] = seq(params);
      const salt = octets(saltX);
      const iterations = int(iterX);
      const pw = bmpPassword(password);
      const key = pkcs12Kdf(O.sha1, pw, salt, 1, iterations, 24);
      const iv = pkcs12Kdf(O.sha1, pw, salt, 2, iterations, 8);
      const d = createDecipheriv('des-ede3-cbc', key, iv);
      return Buffer.concat([d.update(data), d.final()]);
    }
  } catch (e) {
    if (e instanceof PliError) throw e;
    throw badPassword();
  }
  throw unsupported(alg);
}

const badPassword = () =>
  new PliError('p12_bad_password', 'Le mot de passe du fichier de certificat (PKCS#12) est incorrect.');

function checkMac(macData: asn1js.AsnType, authSafe: Buffer, password: string): void {
  const [digestInfo, saltX, iterX] = seq(macData);
  const [alg, digest] = seq(digestInfo);
  const hashOid = oid(seq(alg)[0]);
  const h = HASHES[hashOid];
  if (!h) throw unsupported(hashOid);
  const iterations = iterX ? int(iterX) : 1;
  const expected = octets(digest);
  const check = (pw: Buffer) => {
    const key = pkcs12Kdf(hashOid, pw, octets(saltX), 3, iterations, h.u);
    const mac = createHmac(h.name, key).update(authSafe).digest();
    return mac.length === expected.length && timingSafeEqual(mac, expected);
  };
  // An empty password may be encoded with or without its terminator depending on the exporter.
  if (check(bmpPassword(password))) return;
  if (password === '' && check(Buffer.alloc(0))) return;
  throw badPassword();
}

export function parsePkcs12(file: Uint8Array, password: string): Pkcs12Contents {
  let pfx: asn1js.AsnType[];
  try {
    pfx = seq(der(file));
  } catch {
    throw malformed();
  }
  const [, authSafeCi, macData] = pfx;
  const [ctOid, ctContent] = seq(authSafeCi);
  if (oid(ctOid) !== O.data) throw unsupported('public-key integrity mode');
  const authSafe = octets(explicit(ctContent));
  if (macData) checkMac(macData, authSafe, password);

  const keys: KeyObject[] = [];
  const certs: Uint8Array[] = [];
  for (const ci of seq(der(authSafe))) {
    const [type, content] = seq(ci);
    let safeContents: Buffer;
    if (oid(type) === O.data) safeContents = octets(explicit(content));
    else if (oid(type) === O.encryptedData) {
      const [, eci] = seq(explicit(content));
      const [, algorithm, encrypted] = seq(eci);
      safeContents = decrypt(algorithm, octets(encrypted), password);
    } else continue;
    for (const bag of seq(der(safeContents))) {
      const [bagId, bagValue] = seq(bag);
      const value = explicit(bagValue);
      switch (oid(bagId)) {
        case O.keyBag:
          keys.push(createPrivateKey({ key: Buffer.from(value.toBER()), format: 'der', type: 'pkcs8' }));
          break;
        case O.shroudedKeyBag: {
          const [algorithm, enc] = seq(value);
          const pkcs8 = decrypt(algorithm, octets(enc), password);
          keys.push(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
          break;
        }
        case O.certBag: {
          const [certType, certValue] = seq(value);
          if (oid(certType) === O.x509Certificate) certs.push(new Uint8Array(octets(explicit(certValue))));
          break;
        }
      }
    }
  }
  const key = keys[0];
  if (!key) throw new PliError('p12_no_key', 'Le fichier de certificat (PKCS#12) ne contient pas de clé privée.');
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const mine = certs.find((c) => new X509Certificate(c).publicKey.export({ format: 'der', type: 'spki' }).equals(spki));
  if (!mine) throw new PliError('p12_no_certificate', 'Le fichier de certificat (PKCS#12) ne contient pas le certificat de sa clé.');
  return { privateKey: key, certificate: mine, others: certs.filter((c) => c !== mine) };
}
