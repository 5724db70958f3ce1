import { formatName, issuedBy, type ParsedCertificate } from './certificate';
import type { SignatureReason } from './result';

export type ChainOutcome =
  | { ok: true; path: ParsedCertificate[] }
  | { ok: false; reason: SignatureReason; path: ParsedCertificate[] };

const MAX_DEPTH = 8;

/**
 * Builds a path from `leaf` to one of `roots` through `pool` (certificates from the message and bundled
 * intermediates), then checks each certificate's validity at `at` (the signing time), that issuers are
 * CAs allowed to sign certificates, and that the leaf may sign documents.
 */
export function validateChain(
  leaf: ParsedCertificate,
  pool: ParsedCertificate[],
  roots: ParsedCertificate[],
  at: Date,
): ChainOutcome {
  const path: ParsedCertificate[] = [leaf];
  const isRoot = (c: ParsedCertificate) => roots.some((r) => r.fingerprintSha256 === c.fingerprintSha256);
  let current = leaf;
  let anchored = isRoot(leaf);
  while (!anchored) {
    if (path.length > MAX_DEPTH) return { ok: false, reason: 'issuer_not_found', path };
    const root = roots.find((r) => issuedBy(current, r));
    if (root) {
      if (root.fingerprintSha256 !== current.fingerprintSha256) path.push(root);
      anchored = true;
      break;
    }
    if (current.selfIssued && issuedBy(current, current)) return { ok: false, reason: 'untrusted_root', path };
    const next = pool.find((c) => !path.includes(c) && c.fingerprintSha256 !== current.fingerprintSha256 && issuedBy(current, c));
    if (!next) return { ok: false, reason: 'issuer_not_found', path };
    path.push(next);
    current = next;
  }
  for (const c of path) {
    if (at.getTime() < c.notBefore.getTime()) return { ok: false, reason: 'certificate_not_yet_valid', path };
    if (at.getTime() > c.notAfter.getTime()) return { ok: false, reason: 'certificate_expired', path };
  }
  for (const issuer of path.slice(1)) {
    if (!issuer.isCa || (issuer.keyUsage !== null && !issuer.keyUsage.includes('keyCertSign'))) {
      return { ok: false, reason: 'issuer_not_ca', path };
    }
  }
  const ku = leaf.keyUsage;
  if (ku !== null && !ku.includes('digitalSignature') && !ku.includes('nonRepudiation')) {
    return { ok: false, reason: 'key_usage', path };
  }
  return { ok: true, path };
}

export function describePath(path: ParsedCertificate[]): string[] {
  return path.map((c) => formatName(c.subject));
}
