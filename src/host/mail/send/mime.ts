/**
 * The outgoing RFC 5322 message of an APICRYPT letter: headers in clear (never patient identity), the
 * armored body as `text/plain; charset=ISO-8859-1` 7bit (apicrypt-v1 §4), attachments as encrypted
 * `.apz` parts. Also the MIME entity that gets signed (then encrypted) when the letter is signed.
 */
import { randomBytes } from 'node:crypto';

export interface OutgoingMessageInput {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  messageId: string;
  date: Date;
  /** The armored APICRYPT body (`$APICRYPT` comments + BINASCII1 block), ASCII. */
  armoredBody: string;
  /** Encrypted attachments, already named `<name>.apz`. */
  apz: { name: string; bytes: Uint8Array }[];
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** RFC 2047 encoded-word(s) for a header value that is not plain ASCII. */
export function encodeHeaderValue(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  // Whole characters per encoded word, each word at most ~75 characters once encoded.
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 42) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

function fileNameParams(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  if (ascii === name) return `name="${name}"`;
  return `name="${ascii}"; name*=UTF-8''${encodeURIComponent(name)}`;
}

function dispositionParams(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  if (ascii === name) return `filename="${name}"`;
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function base64Lines(bytes: Uint8Array): string {
  return (Buffer.from(bytes).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

export function newMessageId(sender: string): string {
  const domain = sender.slice(sender.lastIndexOf('@') + 1) || 'pli.localhost';
  return `<${Date.now().toString(36)}.${randomBytes(9).toString('hex')}.pli@${domain}>`;
}

/** RFC 5322 date, e.g. `Sun, 22 Nov 2026 03:10:00 +0000`. */
function mailDate(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

export function buildOutgoingMessage(m: OutgoingMessageInput): Buffer {
  const headers = [
    `From: <${m.from}>`,
    `To: ${m.to.map((a) => `<${a}>`).join(',\r\n ')}`,
    ...(m.cc.length ? [`Cc: ${m.cc.map((a) => `<${a}>`).join(',\r\n ')}`] : []),
    `Subject: ${encodeHeaderValue(m.subject)}`,
    `Date: ${mailDate(m.date)}`,
    `Message-ID: ${m.messageId}`,
    'MIME-Version: 1.0',
    'X-Mailer: Pli',
  ];
  const body = crlf(m.armoredBody.endsWith('\n') ? m.armoredBody : m.armoredBody + '\n');
  if (m.apz.length === 0) {
    headers.push('Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: 7bit');
    return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1');
  }
  const boundary = `----=_Pli_${randomBytes(12).toString('hex')}`;
  headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const parts = [
    `--${boundary}\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${body}`,
    ...m.apz.map(
      (a) =>
        `--${boundary}\r\nContent-Type: application/octet-stream; ${fileNameParams(a.name)}\r\nContent-Transfer-Encoding: base64\r\n` +
        `Content-Disposition: attachment; ${dispositionParams(a.name)}\r\n\r\n${base64Lines(a.bytes)}\r\n`,
    ),
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\nCeci est un courrier APICRYPT en plusieurs parties.\r\n\r\n${parts.join('')}--${boundary}--\r\n`, 'latin1');
}

/**
 * The MIME entity a signed letter signs: the HPRIM document as `text/plain; charset=windows-1252`.
 * signLetterMime makes it canonical and base64-encodes it, so what gets encrypted is plain ASCII and
 * survives the APICRYPT text filter (line ends become CR on the wire; verifiers canonicalise to CRLF).
 */
export function letterEntity(cp1252Bytes: Uint8Array): Uint8Array {
  const head = Buffer.from('Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1');
  const body = Buffer.from(crlf(Buffer.from(cp1252Bytes).toString('latin1')), 'latin1');
  return new Uint8Array(Buffer.concat([head, body]));
}
