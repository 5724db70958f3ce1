import type { MailAttachment, ParsedMail } from './mime';

/**
 * What a received message is (spec apicrypt-v1 §3-6, cps-card §5):
 * - 'apicrypt': an armored APICRYPT body (`$APICRYPT` / `#BINASCII1#`), possibly with `.apz` attachments;
 * - 'apz': only APICRYPT attachments (`*.apz`) beside a clear text;
 * - 'smime': S/MIME signed, in clear (multipart/signed or signed-data);
 * - 'dsn': a delivery-status notification (a letter that could not be delivered);
 * - 'plain': anything else.
 * A signature INSIDE an APICRYPT payload is found after decryption, not here.
 */
export type MailClass =
  | { kind: 'apicrypt'; armored: string | Uint8Array; apz: MailAttachment[]; others: MailAttachment[] }
  | { kind: 'apz'; apz: MailAttachment[]; others: MailAttachment[] }
  | { kind: 'smime' }
  | { kind: 'dsn' }
  | { kind: 'plain'; others: MailAttachment[] };

export const APICRYPT_MARKERS = ['#BINASCII1#', '$APICRYPT'] as const;

export function isApicryptText(text: string): boolean {
  return APICRYPT_MARKERS.some((m) => text.includes(m));
}

function isApicryptBytes(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return APICRYPT_MARKERS.some((m) => b.includes(m, 0, 'latin1'));
}

export function isApzAttachment(a: MailAttachment): boolean {
  return /\.apz$/i.test(a.filename.trim());
}

const SMIME_SIG = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);
const SMIME_MIME = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);

export function classifyMail(mail: ParsedMail): MailClass {
  const ct = mail.contentType;
  if (ct.type === 'multipart/report' && (ct.params['report-type'] ?? '').toLowerCase() === 'delivery-status') return { kind: 'dsn' };
  const apz = mail.attachments.filter(isApzAttachment);
  // postal-mime lists text parts that are attachments among the attachments: an armored body sent as
  // a .txt attachment still counts.
  const textAttachments = mail.attachments.filter((a) => !isApzAttachment(a) && a.mimeType.startsWith('text/'));
  const others = mail.attachments.filter((a) => !isApzAttachment(a));
  if (mail.bodyBytes ? isApicryptBytes(mail.bodyBytes) : isApicryptText(mail.text)) {
    return { kind: 'apicrypt', armored: mail.bodyBytes ?? mail.text, apz, others };
  }
  for (const a of textAttachments) {
    const t = Buffer.from(a.content).toString('latin1');
    if (isApicryptText(t)) return { kind: 'apicrypt', armored: t, apz, others: others.filter((o) => o !== a) };
  }
  if (apz.length > 0) return { kind: 'apz', apz, others };
  if (ct.type === 'multipart/signed' || (SMIME_MIME.has(ct.type) && (ct.params['smime-type'] ?? '').toLowerCase() === 'signed-data')) {
    return { kind: 'smime' };
  }
  if (mail.attachments.some((a) => SMIME_SIG.has(a.mimeType))) return { kind: 'smime' };
  return { kind: 'plain', others };
}
