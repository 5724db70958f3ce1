import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { compareBytes, sha256, toArrayBuffer, toBytes } from './der';
import { ensurePkijsEngine } from './engine';
import { OID } from './oids';

/**
 * What the CMS builder needs from whoever holds the key (card, PKCS#12, test key): the certificates
 * (signer first, then intermediates) and an RSA PKCS#1 v1.5 SHA-256 signature over given bytes.
 */
export interface RawSigner {
  certificateChain(): Uint8Array[];
  signData(data: Uint8Array): Promise<Uint8Array>;
}

/** The signed attributes, ready to be signed (`toBeSigned` is their DER SET OF) then assembled. */
export interface PreparedSignedAttributes {
  toBeSigned: Uint8Array;
  attributes: pkijs.Attribute[];
}

function timeValue(t: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  // RFC 5652 §11.3: UTCTime for 1950..2049, GeneralizedTime otherwise.
  const y = t.getUTCFullYear();
  const d = new Date(Math.floor(t.getTime() / 1000) * 1000);
  return y >= 1950 && y < 2050 ? new asn1js.UTCTime({ valueDate: d }) : new asn1js.GeneralizedTime({ valueDate: d });
}

/** SigningCertificateV2 (RFC 5035) binding the signature to the signer certificate's hash. */
function signingCertificateV2(cert: pkijs.Certificate, certDer: Uint8Array): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })],
      }),
      new asn1js.Integer({ valueHex: toArrayBuffer(cert.serialNumber.valueBlock.valueHexView) }),
    ],
  });
  // hashAlgorithm is omitted: its DEFAULT is SHA-256, and DER forbids encoding a default value.
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(certDer)) }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

export function prepareSignedAttributes(input: {
  content: Uint8Array;
  signerCertDer: Uint8Array;
  signingTime: Date;
}): PreparedSignedAttributes {
  ensurePkijsEngine();
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(input.signerCertDer));
  const attrs = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.signingTime, values: [timeValue(input.signingTime)] }),
    new pkijs.Attribute({
      type: OID.messageDigest,
      values: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(input.content)) })],
    }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(cert, input.signerCertDer)] }),
  ];
  // DER orders a SET OF by encoding; verifiers such as OpenSSL re-encode before checking, so the
  // order we sign must be the sorted one.
  const encoded = attrs.map((a) => ({ a, der: toBytes(a.toSchema().toBER()) }));
  encoded.sort((x, y) => compareBytes(x.der, y.der));
  const sorted = encoded.map((e) => e.a);
  const toBeSigned = toBytes(new asn1js.Set({ value: sorted.map((a) => a.toSchema()) }).toBER());
  return { toBeSigned, attributes: sorted };
}

export function assembleSignedData(input: {
  attributes: pkijs.Attribute[];
  signature: Uint8Array;
  certificates: Uint8Array[];
}): Uint8Array {
  ensurePkijsEngine();
  const certs = input.certificates.map((d) => pkijs.Certificate.fromBER(toArrayBuffer(d)));
  const signerCert = certs[0];
  if (!signerCert) throw new Error('no signer certificate');
  const sha256Alg = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 });
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signerCert.issuer, serialNumber: signerCert.serialNumber }),
    digestAlgorithm: sha256Alg(),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: input.attributes }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(input.signature) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256Alg()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: certs,
    signerInfos: [signerInfo],
  });
  const ci = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return toBytes(ci.toSchema().toBER());
}

/** A detached CMS SignedData (DER) over `content`. */
export async function createDetachedSignature(
  content: Uint8Array,
  signer: RawSigner,
  signingTime: Date = new Date(),
): Promise<Uint8Array> {
  const chain = signer.certificateChain();
  const signerCertDer = chain[0];
  if (!signerCertDer) throw new Error('signer has no certificate');
  const prepared = prepareSignedAttributes({ content, signerCertDer, signingTime });
  const signature = await signer.signData(prepared.toBeSigned);
  return assembleSignedData({ attributes: prepared.attributes, signature, certificates: chain });
}
