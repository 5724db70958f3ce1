import {
  buildMultipartSigned,
  createDetachedSignature,
  signableEntity,
  type SignatureVerification,
  type TrustAnchors,
  verifySignedMime,
} from '../../core/signature';
export { signedEntityOf } from '../../core/signature';
import type { CertIdentity } from '../../core/signature';
import type { SignerInfo } from '../store/types';
import type { Signer } from './signer';

/** The reader's signature details, from a certificate (never from what the letter claims). */
export function signerInfo(c: CertIdentity, signingTime?: string): SignerInfo {
  return {
    name: c.displayName,
    ...(c.rpps ? { rpps: c.rpps } : {}),
    ...(c.adeli ? { adeli: c.adeli } : {}),
    ...(c.profession ? { profession: c.profession } : {}),
    ...(c.issuerCommonName ? { issuer: c.issuerCommonName } : {}),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    ...(signingTime ? { signingTime } : {}),
  };
}

/**
 * Signs a letter's MIME entity (headers + body): the entity is made canonical and transfer-encoded,
 * signed (CMS detached, SHA-256, signed attributes, chain included), and wrapped as S/MIME
 * multipart/signed. For APICRYPT letters, this result is what gets encrypted.
 */
export async function signLetterMime(
  entity: Uint8Array | string,
  signer: Signer,
  opts: { signingTime?: Date; boundary?: string; extraHeaders?: string[] } = {},
): Promise<Uint8Array> {
  const first = signableEntity(entity);
  const cms = await createDetachedSignature(first, signer, opts.signingTime ?? new Date());
  return buildMultipartSigned(first, cms, {
    ...(opts.boundary ? { boundary: opts.boundary } : {}),
    ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
  });
}

/** Verifies a received (decrypted) letter; never throws. */
export function verifySignedLetter(mimeBytes: Uint8Array, trust: TrustAnchors, opts: { now?: Date } = {}): SignatureVerification {
  return verifySignedMime(mimeBytes, trust, opts);
}
