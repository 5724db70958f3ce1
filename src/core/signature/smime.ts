import { randomBytes } from 'node:crypto';
import {
  base64Lines,
  canonicalizeCrlf,
  header,
  latin1,
  parseContentType,
  prepareForSigning,
  splitEntity,
  splitMultipart,
} from './mime';

/**
 * S/MIME multipart/signed (RFC 8551 §3.5.3): the first part is the signed entity, byte for byte; the
 * second is the detached CMS signature, `smime.p7s`.
 */

/** The first part exactly as it will be signed and sent (canonical, transfer-encoded). */
export function signableEntity(entity: Uint8Array | string): Uint8Array {
  const text = typeof entity === 'string' ? latin1.decode(new TextEncoder().encode(entity)) : latin1.decode(entity);
  return latin1.encode(prepareForSigning(text));
}

export function newBoundary(): string {
  return `----=_Pli_Signed_${randomBytes(12).toString('hex')}`;
}

export function buildMultipartSigned(
  signedEntity: Uint8Array,
  cmsDer: Uint8Array,
  opts: { boundary?: string; extraHeaders?: string[] } = {},
): Uint8Array {
  const boundary = opts.boundary ?? newBoundary();
  const first = latin1.decode(signedEntity);
  if (first.includes('--' + boundary)) throw new Error('boundary occurs in the signed entity');
  const headers = [
    ...(opts.extraHeaders ?? ['MIME-Version: 1.0']),
    `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;\r\n boundary="${boundary}"`,
  ];
  const text =
    headers.join('\r\n') +
    '\r\n\r\nThis is an S/MIME signed message.\r\n\r\n' +
    `--${boundary}\r\n` +
    first +
    `\r\n--${boundary}\r\n` +
    'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\n' +
    'Content-Transfer-Encoding: base64\r\n' +
    'Content-Disposition: attachment; filename="smime.p7s"\r\n' +
    'Content-Description: S/MIME Cryptographic Signature\r\n\r\n' +
    base64Lines(cmsDer) +
    `\r\n\r\n--${boundary}--\r\n`;
  return latin1.encode(text);
}

export type ParsedSigned =
  | { kind: 'detached'; signedEntity: Uint8Array; signature: Uint8Array; micalg?: string }
  | { kind: 'opaque'; signature: Uint8Array }
  | { kind: 'none' }
  | { kind: 'malformed' };

const SIG_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);
const MIME_TYPES = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);

function decodeBody(body: string, cte: string | undefined): Uint8Array {
  if ((cte ?? '').toLowerCase() === 'base64') return new Uint8Array(Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
  return latin1.encode(body);
}

/** Finds the signed entity and its signature in a message (headers + body), in canonical CRLF form. */
export function parseSignedMessage(message: Uint8Array): ParsedSigned {
  const text = canonicalizeCrlf(latin1.decode(message));
  const top = splitEntity(text);
  const ct = parseContentType(header(top, 'content-type'));
  if (MIME_TYPES.has(ct.type)) {
    const smimeType = (ct.params['smime-type'] ?? '').toLowerCase();
    if (smimeType !== 'signed-data') return { kind: 'none' };
    return { kind: 'opaque', signature: decodeBody(top.body, header(top, 'content-transfer-encoding')) };
  }
  if (ct.type !== 'multipart/signed') return { kind: 'none' };
  const boundary = ct.params.boundary;
  if (!boundary) return { kind: 'malformed' };
  const mp = splitMultipart(top.body, boundary);
  if (!mp || mp.parts.length !== 2) return { kind: 'malformed' };
  const sigPart = splitEntity(mp.parts[1]!);
  if (!SIG_TYPES.has(parseContentType(header(sigPart, 'content-type')).type)) return { kind: 'malformed' };
  const signature = decodeBody(sigPart.body, header(sigPart, 'content-transfer-encoding'));
  return { kind: 'detached', signedEntity: latin1.encode(mp.parts[0]!), signature, micalg: ct.params.micalg };
}
