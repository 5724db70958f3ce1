import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sha256, toArrayBuffer, toHex } from './der';
import { NAME_ATTRS, OID } from './oids';

/** One attribute of a distinguished name, inside its RDN set. */
export interface NameAttribute {
  oid: string;
  /** Short name (CN, SN, GN, title...) or the OID when unknown. */
  name: string;
  value: string;
}
/** A distinguished name as RDN sets, in encoded order: multi-valued RDNs stay grouped. */
export type RdnSequence = NameAttribute[][];

/** A parsed X.509 certificate with what the chain and identity code need. */
export interface ParsedCertificate {
  der: Uint8Array;
  pkijs: pkijs.Certificate;
  x509: X509Certificate;
  subject: RdnSequence;
  issuer: RdnSequence;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
  /** Named key usage bits, or null when the extension is absent. */
  keyUsage: KeyUsageName[] | null;
  isCa: boolean;
  selfIssued: boolean;
}

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';
const KU_BITS: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

function stringValue(v: unknown): string {
  // Every directory string type of asn1js keeps its decoded text in valueBlock.value.
  const block = (v as { valueBlock?: { value?: unknown } }).valueBlock;
  if (block && typeof block.value === 'string') return block.value;
  return '';
}

/** Decodes a Name (SEQUENCE OF SET OF AttributeTypeAndValue) keeping the RDN sets. */
export function parseName(nameDer: Uint8Array | ArrayBuffer): RdnSequence {
  const buf = nameDer instanceof Uint8Array ? toArrayBuffer(nameDer) : nameDer;
  const asn = asn1js.fromBER(buf);
  if (asn.offset === -1 || !(asn.result instanceof asn1js.Sequence)) throw new Error('bad Name');
  const out: RdnSequence = [];
  for (const set of asn.result.valueBlock.value) {
    if (!(set instanceof asn1js.Set)) throw new Error('bad RDN');
    const rdn: NameAttribute[] = [];
    for (const atv of set.valueBlock.value) {
      if (!(atv instanceof asn1js.Sequence)) throw new Error('bad AttributeTypeAndValue');
      const [type, value] = atv.valueBlock.value;
      if (!(type instanceof asn1js.ObjectIdentifier)) throw new Error('bad attribute type');
      const oid = type.valueBlock.toString();
      rdn.push({ oid, name: NAME_ATTRS[oid] ?? oid, value: stringValue(value) });
    }
    out.push(rdn);
  }
  return out;
}

/** RFC 4514-like text, most significant RDN first as OpenSSL prints it (`C=FR, ..., CN=...`). */
export function formatName(name: RdnSequence): string {
  return name.map((rdn) => rdn.map((a) => `${a.name}=${a.value}`).join('+')).join(', ');
}

export function nameValues(name: RdnSequence, short: string): string[] {
  return name.flat().filter((a) => a.name === short).map((a) => a.value);
}

function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

function parseKeyUsage(cert: pkijs.Certificate): KeyUsageName[] | null {
  const ext = extension(cert, OID.keyUsage);
  if (!ext) return null;
  const asn = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView.slice().buffer);
  if (!(asn.result instanceof asn1js.BitString)) return [];
  const bytes = asn.result.valueBlock.valueHexView;
  const names: KeyUsageName[] = [];
  KU_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3] ?? 0;
    if (byte & (0x80 >> (bit & 7))) names.push(name);
  });
  return names;
}

// Parsing with pkijs costs milliseconds; the same few CA and sender certificates come back on every
// verification, so parsed certificates are kept (immutable use only), keyed by their hash.
const cache = new Map<string, ParsedCertificate>();
const CACHE_MAX = 256;

export function parseCertificate(der: Uint8Array, parsed?: pkijs.Certificate): ParsedCertificate {
  const key = toHex(sha256(der));
  const hit = cache.get(key);
  if (hit) return hit;
  const p = parseUncached(der, parsed);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, p);
  return p;
}

function parseUncached(der: Uint8Array, parsed?: pkijs.Certificate): ParsedCertificate {
  const cert = parsed ?? pkijs.Certificate.fromBER(toArrayBuffer(der));
  const x509 = new X509Certificate(der);
  const subject = parseName(cert.subject.toSchema().toBER());
  const issuer = parseName(cert.issuer.toSchema().toBER());
  return {
    der,
    pkijs: cert,
    x509,
    subject,
    issuer,
    serialHex: toHex(cert.serialNumber.valueBlock.valueHexView).replace(/^(00)+(?=.)/, ''),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    fingerprintSha256: toHex(sha256(der)),
    keyUsage: parseKeyUsage(cert),
    isCa: x509.ca,
    selfIssued: formatName(subject) === formatName(issuer),
  };
}

/** Whether `parent` issued `child`: names chain and the signature verifies with parent's key. */
export function issuedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  try {
    return child.x509.checkIssued(parent.x509) && child.x509.verify(parent.x509.publicKey);
  } catch {
    return false;
  }
}
