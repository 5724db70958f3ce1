import { createHash } from 'node:crypto';
import PostalMime, { addressParser, decodeWords, type Address } from 'postal-mime';

/**
 * MIME helpers shared by the receive and send pipelines: parse a message (postal-mime), read headers
 * byte-exactly, and compute the dedup hash of a received message.
 */

export interface MailAttachment {
  filename: string;
  mimeType: string;
  content: Uint8Array;
}

export interface ContentType {
  type: string;
  params: Record<string, string>;
}

export interface ParsedMail {
  subject: string;
  from?: string;
  to: string[];
  cc: string[];
  messageId?: string;
  /** Epoch ms of the Date header, when readable. */
  date?: number;
  contentType: ContentType;
  /** Value of each header (lower-case name), first occurrence. */
  header(name: string): string | undefined;
  /** Plain text of the message (text parts, decoded from their charset). */
  readonly text: string;
  /**
   * A message that is one text part in 7bit/8bit and an ASCII-compatible charset: that part's bytes as
   * received. An APICRYPT armor is found and read in them without decoding the body into a string.
   */
  bodyBytes?: Uint8Array;
  html?: string;
  attachments: MailAttachment[];
}

function addresses(list: Address[] | undefined): string[] {
  const out: string[] = [];
  for (const a of list ?? []) {
    if (a.group) for (const m of a.group) out.push(m.address);
    else if (a.address) out.push(a.address);
  }
  return out.filter((x) => x !== '');
}

export function parseContentType(value: string | undefined): ContentType {
  const v = value ?? 'text/plain';
  const [type, ...rest] = v.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const k = p.slice(0, eq).trim().toLowerCase();
    params[k] = p.slice(eq + 1).trim().replace(/^"(.*)"$/s, '$1');
  }
  return { type: (type ?? '').trim().toLowerCase() || 'text/plain', params };
}

function toBytes(c: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof c === 'string') return new Uint8Array(Buffer.from(c, 'utf8'));
  return c instanceof Uint8Array ? c : new Uint8Array(c);
}

/**
 * Parses a message (full RFC 5322 bytes or a MIME entity). A single text/plain part in 7bit/8bit (every
 * APICRYPT letter) is read directly, which is many times faster than a full MIME parse on large letters;
 * anything else goes through postal-mime. Never logs anything of the content.
 */
export async function parseMail(raw: Uint8Array | string): Promise<ParsedMail> {
  const bytes = typeof raw === 'string' ? new Uint8Array(Buffer.from(raw, 'latin1')) : raw;
  return parseSimple(bytes) ?? parseFull(raw);
}

async function parseFull(raw: Uint8Array | string): Promise<ParsedMail> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const headers = new Map<string, string>();
  for (const h of email.headers) if (!headers.has(h.key)) headers.set(h.key, h.value);
  const from = email.from && !email.from.group ? email.from.address : undefined;
  const date = email.date ? Date.parse(email.date) : Number.NaN;
  const mail: ParsedMail = {
    subject: email.subject ?? '',
    to: addresses(email.to),
    cc: addresses(email.cc),
    contentType: parseContentType(headers.get('content-type')),
    header: (name) => headers.get(name.toLowerCase()),
    text: email.text ?? '',
    attachments: email.attachments.map((a) => ({ filename: a.filename ?? '', mimeType: a.mimeType, content: toBytes(a.content) })),
  };
  if (from) mail.from = from;
  if (email.messageId) mail.messageId = email.messageId;
  if (Number.isFinite(date)) mail.date = date;
  if (email.html !== undefined) mail.html = email.html;
  return mail;
}

/** Unfolded header fields (lower-case names, first occurrence kept), raw values. */
export function readHeaders(raw: Uint8Array): { headers: Map<string, string>; bodyStart: number } {
  const { at, sep } = headerEnd(raw);
  const end = at < 0 ? raw.length : at;
  const text = Buffer.from(raw.buffer, raw.byteOffset, end).toString('latin1');
  const headers = new Map<string, string>();
  let name = '';
  let value = '';
  const flush = () => {
    if (name && !headers.has(name)) headers.set(name, value.trim());
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      value += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    value = colon > 0 ? line.slice(colon + 1) : '';
  }
  flush();
  return { headers, bodyStart: at < 0 ? raw.length : at + sep };
}

const PLAIN_ENCODINGS = new Set(['', '7bit', '8bit', 'binary']);
/** Charsets (TextDecoder's names) in which an ASCII character is its byte, and no other byte is one. */
const ASCII_COMPATIBLE = /^(utf-8|iso-8859-\d+|windows-125\d|macintosh)$/;

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function headerText(value: string | undefined): string {
  if (!value) return '';
  // Raw 8-bit header bytes are usually UTF-8; encoded words (RFC 2047) name their own charset.
  let v = value;
  if (/[\x80-\xff]/.test(v)) {
    try {
      v = utf8Strict.decode(Buffer.from(v, 'latin1'));
    } catch {
      // Not UTF-8: keep the latin1 reading.
    }
  }
  return decodeWords(v);
}

function headerAddresses(value: string | undefined): string[] {
  if (!value) return [];
  return addresses(addressParser(headerText(value)) as Address[]);
}

function parseSimple(raw: Uint8Array): ParsedMail | undefined {
  const { headers, bodyStart } = readHeaders(raw);
  if (headers.size === 0) return undefined;
  const ct = parseContentType(headers.get('content-type'));
  const cte = (headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
  if (ct.type !== 'text/plain' || !PLAIN_ENCODINGS.has(cte)) return undefined;
  const charset = (ct.params.charset ?? 'us-ascii').toLowerCase();
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset === 'us-ascii' ? 'windows-1252' : charset);
  } catch {
    return undefined;
  }
  const body = raw.subarray(bodyStart);
  // Decoded when asked for: an APICRYPT letter is read from `bodyBytes`, its text never is.
  let text: string | undefined;
  const from = headerAddresses(headers.get('from'))[0];
  const date = Date.parse(headers.get('date') ?? '');
  const messageId = headers.get('message-id')?.trim();
  const mail: ParsedMail = {
    subject: headerText(headers.get('subject')),
    to: headerAddresses(headers.get('to')),
    cc: headerAddresses(headers.get('cc')),
    contentType: ct,
    header: (name) => headers.get(name.toLowerCase()),
    get text() {
      return (text ??= decoder.decode(body).replace(/\r\n/g, '\n'));
    },
    attachments: [],
  };
  if (ASCII_COMPATIBLE.test(decoder.encoding)) mail.bodyBytes = body;
  if (from) mail.from = from;
  if (messageId) mail.messageId = messageId;
  if (Number.isFinite(date)) mail.date = date;
  return mail;
}

/** Index of the empty line ending the header block (-1 when there is none). */
export function headerEnd(raw: Uint8Array): { at: number; sep: number } {
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  const crlf = b.indexOf('\r\n\r\n');
  const lf = b.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, sep: 4 };
  if (lf >= 0) return { at: lf, sep: 2 };
  return { at: -1, sep: 0 };
}

/** Header lines added in transit (each hop, each delivery): not part of the letter's identity. */
const TRACE_HEADERS = new Set([
  'received', 'return-path', 'delivered-to', 'x-original-to', 'x-delivered-to', 'status', 'x-status', 'x-uid',
  'x-keywords', 'x-imapbase', 'content-length', 'lines', 'x-mozilla-status', 'x-mozilla-status2',
]);

/**
 * Dedup hash of a received message: SHA-256 of its headers without transit lines (Received,
 * Return-Path, Delivered-To...) and of its body. The same letter fetched twice (POP3 then IMAP, a
 * renumbered server, a copy delivered again) gives the same hash; two letters with the same Message-ID
 * but other content do not.
 */
export function receivedContentHash(raw: Uint8Array): Uint8Array {
  const h = createHash('sha256');
  const { at, sep } = headerEnd(raw);
  const head = at < 0 ? raw : raw.subarray(0, at);
  const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString('latin1');
  const lines = text.split(/\r?\n/);
  let keep = true;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (keep) h.update(line.trimEnd()).update('\n');
      continue;
    }
    const name = line.slice(0, line.indexOf(':')).trim().toLowerCase();
    keep = !TRACE_HEADERS.has(name);
    if (keep) h.update(line.trimEnd()).update('\n');
  }
  h.update('\0');
  // POP3 and IMAP both deliver CRLF line ends: the body is hashed as it comes.
  if (at >= 0) h.update(raw.subarray(at + sep));
  return new Uint8Array(h.digest());
}

/** True when a text starts like a MIME entity (a decrypted APICRYPT payload may carry one, e.g. signed). */
export function looksLikeMimeEntity(text: string): boolean {
  const head = text.slice(0, 2000);
  return /^(mime-version|content-type)\s*:/i.test(head.trimStart()) && /(^|\n)content-type\s*:/i.test(head);
}
