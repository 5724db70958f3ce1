import type { CertIdentity, RawSigner } from '../../core/signature';

/**
 * Anything that can sign a letter for its holder: the CPS card, or a PKCS#12 file for structures
 * without cards. Signatures are RSA PKCS#1 v1.5 with SHA-256.
 */
export interface Signer extends RawSigner {
  readonly kind: 'card' | 'pkcs12';
  identity(): CertIdentity;
  /** Signer certificate first, then its intermediates (DER); never the root. */
  certificateChain(): Uint8Array[];
  /** Signature over `data` (hashed with SHA-256 by the signer). */
  signData(data: Uint8Array): Promise<Uint8Array>;
  /** Signature over an already computed SHA-256 digest. */
  signDigest(digest: Uint8Array): Promise<Uint8Array>;
}
