import * as pkijs from 'pkijs';
import { toArrayBuffer, toBytes } from './der';
import { ensurePkijsEngine } from './engine';
import type { SignatureVerification } from './result';
import { invalid } from './result';
import { parseSignedMessage } from './smime';
import { type TrustAnchors, verifyCmsSignature } from './verify-cms';

/** Verifies an S/MIME message (multipart/signed or signed-data); unsigned messages are 'not_signed'. */
export function verifySignedMime(message: Uint8Array, trust: TrustAnchors, opts: { now?: Date } = {}): SignatureVerification {
  const parsed = parseSignedMessage(message);
  switch (parsed.kind) {
    case 'none':
      return { status: 'not_signed' };
    case 'malformed':
      return invalid('malformed');
    case 'opaque':
      return verifyCmsSignature(null, parsed.signature, trust, opts);
    case 'detached':
      return verifyCmsSignature(parsed.signedEntity, parsed.signature, trust, opts);
  }
}

/**
 * The entity a signed message carries (what to display once verified): the first part of a
 * multipart/signed, or the encapsulated content of a signed-data; null for unsigned or unreadable messages.
 */
export function signedEntityOf(message: Uint8Array): Uint8Array | null {
  const parsed = parseSignedMessage(message);
  if (parsed.kind === 'detached') return parsed.signedEntity;
  if (parsed.kind !== 'opaque') return null;
  try {
    ensurePkijsEngine();
    const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(parsed.signature));
    const econtent = new pkijs.SignedData({ schema: ci.content }).encapContentInfo.eContent;
    return econtent ? toBytes(econtent.getValue()) : null;
  } catch {
    return null;
  }
}
