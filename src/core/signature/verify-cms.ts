import { createHash, verify as cryptoVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type ParsedCertificate, parseCertificate } from './certificate';
import { describePath, validateChain } from './chain';
import { bytesEqual, sha256, toArrayBuffer, toBytes } from './der';
import { ensurePkijsEngine } from './engine';
import { identityFromParsed } from './identity';
import { DIGESTS, OID } from './oids';
import { invalid, REASON_FR, type SignatureVerification } from './result';

/** The certificates a verification may rely on. Roots are the only trust anchors. */
export interface TrustAnchors {
  roots: Uint8Array[];
  /** Bundled intermediate CAs, used to complete chains the message does not carry in full. */
  intermediates?: Uint8Array[];
  /** Certificates seen before (e.g. a remembered card), used to find a signer the message omits. */
  knownCertificates?: Uint8Array[];
}

const SIGNATURE_ALGS = new Set([
  OID.rsaEncryption,
  OID.sha256WithRSA,
  OID.sha384WithRSA,
  OID.sha512WithRSA,
  '1.2.840.10045.4.3.2',
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
]);

function parseAll(ders: Uint8Array[]): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const d of ders) {
    try {
      out.push(parseCertificate(d));
    } catch {
      // An unreadable extra certificate cannot help build a chain; ignore it.
    }
  }
  return out;
}

function matchesSid(c: ParsedCertificate, sid: unknown): boolean {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return c.pkijs.issuer.isEqual(sid.issuer) && c.pkijs.serialNumber.isEqual(sid.serialNumber);
  }
  if (sid instanceof asn1js.Constructed || sid instanceof asn1js.OctetString) {
    // [0] SubjectKeyIdentifier
    const ski = c.pkijs.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
    if (!ski) return false;
    const inner = asn1js.fromBER(toArrayBuffer(ski.extnValue.valueBlock.valueHexView));
    const want =
      sid instanceof asn1js.OctetString
        ? sid.valueBlock.valueHexView
        : ((sid.valueBlock.value[0] as asn1js.OctetString | undefined)?.valueBlock.valueHexView ??
          (sid as unknown as asn1js.OctetString).valueBlock.valueHexView);
    return inner.result instanceof asn1js.OctetString && bytesEqual(inner.result.valueBlock.valueHexView, toBytes(want));
  }
  return false;
}

function attribute(si: pkijs.SignerInfo, oid: string): asn1js.AsnType | undefined {
  return si.signedAttrs?.attributes.find((a) => a.type === oid)?.values[0];
}

function essCertHash(value: asn1js.AsnType | undefined): Uint8Array | null {
  // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, ... }; we read the first one.
  if (!(value instanceof asn1js.Sequence)) return null;
  const certs = value.valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence)) return null;
  const first = certs.valueBlock.value[0];
  if (!(first instanceof asn1js.Sequence)) return null;
  const fields = first.valueBlock.value;
  const hash = fields[0] instanceof asn1js.OctetString ? fields[0] : fields[1];
  if (!(hash instanceof asn1js.OctetString)) return null;
  // Only the default (SHA-256) hash algorithm is compared; others are left to the signature check.
  if (fields[0] instanceof asn1js.Sequence) {
    const alg = fields[0].valueBlock.value[0];
    if (!(alg instanceof asn1js.ObjectIdentifier) || alg.valueBlock.toString() !== OID.sha256) return null;
  }
  return toBytes(hash.valueBlock.valueHexView);
}

/**
 * Verifies a CMS SignedData (DER) over `content` (detached), or over its own encapsulated content when
 * `content` is null. Never throws: every failure becomes a status with a French reason.
 */
export function verifyCmsSignature(
  content: Uint8Array | null,
  cmsDer: Uint8Array,
  trust: TrustAnchors,
  opts: { now?: Date } = {},
): SignatureVerification {
  ensurePkijsEngine();
  let signedData: pkijs.SignedData;
  try {
    const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(cmsDer));
    if (ci.contentType !== OID.signedData) return invalid('malformed');
    signedData = new pkijs.SignedData({ schema: ci.content });
  } catch {
    return invalid('malformed');
  }
  const si = signedData.signerInfos[0];
  if (!si) return invalid('malformed');
  const data = content ?? (signedData.encapContentInfo.eContent ? toBytes(signedData.encapContentInfo.eContent.getValue()) : null);
  if (!data) return invalid('malformed');

  const messageCerts: ParsedCertificate[] = [];
  for (const c of signedData.certificates ?? []) {
    if (!(c instanceof pkijs.Certificate)) continue;
    try {
      messageCerts.push(parseCertificate(toBytes(c.toSchema().toBER()), c));
    } catch {}
  }
  const known = parseAll(trust.knownCertificates ?? []);
  const signerCert = [...messageCerts, ...known].find((c) => matchesSid(c, si.sid));
  if (!signerCert) {
    return { status: 'unknown_signer', reason_code: 'signer_certificate_missing', reason_fr: REASON_FR.signer_certificate_missing };
  }
  const signer = identityFromParsed(signerCert);

  const digestName = DIGESTS[si.digestAlgorithm.algorithmId];
  if (!digestName || !SIGNATURE_ALGS.has(si.signatureAlgorithm.algorithmId as never)) return invalid('unsupported_algorithm', { signer });

  let signed: Uint8Array;
  let signingTime: Date | undefined;
  if (si.signedAttrs) {
    const md = attribute(si, OID.messageDigest);
    if (!(md instanceof asn1js.OctetString)) return invalid('malformed', { signer });
    const st = attribute(si, OID.signingTime);
    if (st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime) signingTime = st.toDate();
    const extra = signingTime ? { signer, signingTime: signingTime.toISOString() } : { signer };
    const digest = new Uint8Array(createHash(digestName).update(data).digest());
    if (!bytesEqual(toBytes(md.valueBlock.valueHexView), digest)) return invalid('content_altered', extra);
    const essHash = essCertHash(attribute(si, OID.signingCertificateV2));
    if (essHash && !bytesEqual(essHash, sha256(signerCert.der))) return invalid('signer_certificate_substituted', extra);
    // Signed attributes are signed as a SET OF (tag 0x31), not with their [0] IMPLICIT tag.
    signed = new Uint8Array(si.signedAttrs.encodedValue.slice(0));
    signed[0] = 0x31;
  } else {
    signed = data;
  }
  const extra = signingTime ? { signer, signingTime: signingTime.toISOString() } : { signer };

  let ok = false;
  try {
    ok = cryptoVerify(digestName, signed, signerCert.x509.publicKey, toBytes(si.signature.valueBlock.valueHexView));
  } catch {
    ok = false;
  }
  if (!ok) return invalid('signature_mismatch', extra);

  const pool = [...messageCerts, ...parseAll(trust.intermediates ?? []), ...known];
  const roots = parseAll(trust.roots);
  const outcome = validateChain(signerCert, pool, roots, signingTime ?? opts.now ?? new Date());
  const chain = describePath(outcome.path);
  if (!outcome.ok) return invalid(outcome.reason, { ...extra, chain });
  return { status: 'valid', ...extra, chain };
}
