import { createPrivateKey, type KeyObject, sign as cryptoSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { certificateIdentity, type CertIdentity, type TrustAnchors } from '../../core/signature';
import { parsePkcs12 } from './pkcs12';
import type { Signer } from './signer';
import { intermediatesFor } from './trust-store';

const DIGEST_INFO_SHA256 = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** A software certificate (IGC-Santé organisation certificate in a PKCS#12 file) behind the Signer interface. */
export class Pkcs12Signer implements Signer {
  readonly kind = 'pkcs12' as const;
  private readonly chain: Uint8Array[];
  private readonly id: CertIdentity;

  private constructor(
    private readonly key: KeyObject,
    certificate: Uint8Array,
    intermediates: Uint8Array[],
  ) {
    this.chain = [certificate, ...intermediates];
    this.id = certificateIdentity(certificate);
  }

  /** Opens a PKCS#12 file (path or bytes). Intermediates come from the file, else from the trust store. */
  static open(file: string | Uint8Array, password: string, trust?: TrustAnchors): Pkcs12Signer {
    const bytes = typeof file === 'string' ? new Uint8Array(readFileSync(file)) : file;
    const p12 = parsePkcs12(bytes, password);
    const anchors: TrustAnchors = trust ?? { roots: [] };
    const intermediates = intermediatesFor(p12.certificate, anchors, p12.others);
    return new Pkcs12Signer(p12.privateKey, p12.certificate, intermediates);
  }

  /** From a PEM/DER key already in memory (tests, tools). */
  static fromKey(keyPem: string | Uint8Array, certificate: Uint8Array, intermediates: Uint8Array[]): Pkcs12Signer {
    const key = typeof keyPem === 'string' ? createPrivateKey(keyPem) : createPrivateKey({ key: Buffer.from(keyPem), format: 'der', type: 'pkcs8' });
    return new Pkcs12Signer(key, certificate, intermediates);
  }

  identity(): CertIdentity {
    return this.id;
  }

  certificateChain(): Uint8Array[] {
    return [...this.chain];
  }

  async signData(data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(cryptoSign('sha256', data, this.key));
  }

  async signDigest(digest: Uint8Array): Promise<Uint8Array> {
    // RSA PKCS#1 v1.5 over a precomputed digest: sign its DigestInfo without hashing again.
    return new Uint8Array(cryptoSign(null, Buffer.concat([DIGEST_INFO_SHA256, digest]), this.key));
  }
}
