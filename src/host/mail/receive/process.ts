import { createHash } from 'node:crypto';
import { signedEntityOf, verifySignedMime, type TrustAnchors } from '../../../core/signature';
import { signerInfo } from '../../signing/letters';
import { isPliError } from '../../../shared/errors';
import type { AttachmentInput, LetterInput } from '../../store/types';
import { classifyMail } from '../classify';
import { looksLikeMimeEntity, parseMail, receivedContentHash, type MailAttachment, type ParsedMail } from '../mime';
import { hprimFields } from './hprim-fields';
import type { KeySnapshot } from './keys';

/** The decryption the pipeline needs (KeyService of src/host/keys implements it). */
export interface LetterOpener {
  /** The armored body as text, or as the mail body's bytes (ASCII-compatible charset). */
  openLetterBody(armored: string | Uint8Array): Promise<{ text: string; recipients: string[]; messageId?: string }>;
  openApzFile(bytes: Uint8Array): Promise<{ content: { files: { name: string; data: Uint8Array }[] } }>;
  /** Keys may have changed (import): read them again. Called at the start of each run. */
  refresh?(): void;
  /** The keys and pads, for reading letters in a worker thread (ReceiveKeys). */
  snapshot?(): Promise<KeySnapshot>;
}

export interface ProcessDeps {
  /** In the pipeline, `new ReceiveKeys(mailbox)` (KeyService reading the key list once per run). */
  keys: LetterOpener;
  /** Roots and intermediates for signatures (IGC-Santé; plus the test root in test builds only). */
  signatureTrust?: TrustAnchors;
  now?: () => number;
  /** Give the letter's text as its UTF-8 bytes (LetterInput.text): for a letter read in another thread. */
  textAsUtf8?: boolean;
}

const utf8 = new TextEncoder();

type Review = { code: string; message_fr: string };

/** Failures of Pli itself (closed mailbox, internal error): the message is not to be stored as "À vérifier". */
const INFRASTRUCTURE = new Set(['mailbox_closed', 'internal']);

function reviewOf(e: unknown, fallbackCode: string, fallbackFr: string): Review {
  if (isPliError(e)) {
    if (INFRASTRUCTURE.has(e.code)) throw e;
    return { code: e.code, message_fr: e.message_fr };
  }
  return { code: fallbackCode, message_fr: fallbackFr };
}

function attachmentsOf(list: MailAttachment[]): AttachmentInput[] {
  return list.map((a) => ({ name: a.filename || 'piece-jointe', mime: a.mimeType, bytes: a.content }));
}

interface Content {
  text: string;
  attachments: AttachmentInput[];
  signature?: NonNullable<LetterInput['signature']>;
  /** The HTML version, when the entity had one. */
  html?: string;
  /** The decrypted MIME entity, when the payload was one (kept to verify again later). */
  payload?: Uint8Array;
}

/** A signed (or plain) MIME entity: signature verdict, then the text and attachments it carries. */
async function readMimeEntity(bytes: Uint8Array, trust: TrustAnchors): Promise<Content> {
  const verdict = verifySignedMime(bytes, trust);
  const inner = verdict.status === 'not_signed' ? bytes : (signedEntityOf(bytes) ?? bytes);
  const mail = await parseMail(inner);
  const attachments = attachmentsOf(mail.attachments.filter((a) => !/pkcs7-signature/i.test(a.mimeType)));
  const out: Content = { text: mail.text || stripHtml(mail.html), attachments, payload: bytes };
  if (mail.html) out.html = mail.html;
  if (verdict.status !== 'not_signed') {
    out.signature = { status: verdict.status };
    if (verdict.reason_fr) out.signature.reason = verdict.reason_fr;
    if (verdict.signer) out.signature.signer = signerInfo(verdict.signer, verdict.signingTime);
  }
  return out;
}



function stripHtml(html: string | undefined): string {
  if (!html) return '';
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * One received message -> the letter to store. Never throws for a message that cannot be read: it
 * comes back in folder 'review' ("À vérifier") with a French reason and its original bytes, to be
 * retried (e.g. after a key import). Only failures of Pli itself (mailbox closed) are thrown.
 */
export async function processMessage(raw: Uint8Array, deps: ProcessDeps): Promise<LetterInput> {
  const letter = await readMessage(raw, deps);
  // The message's own hash, unless the letter has its content's (APICRYPT): computed once, when needed.
  letter.contentHash ??= receivedContentHash(raw);
  if (deps.textAsUtf8 && typeof letter.text === 'string') letter.text = utf8.encode(letter.text);
  return letter;
}

async function readMessage(raw: Uint8Array, deps: ProcessDeps): Promise<LetterInput> {
  const now = deps.now?.() ?? Date.now();
  const trust: TrustAnchors = deps.signatureTrust ?? { roots: [] };
  const base: LetterInput = { kind: 'plain', folder: 'reception', raw, receivedAt: now };
  let mail: ParsedMail;
  try {
    mail = await parseMail(raw);
  } catch {
    return { ...base, kind: 'unknown', folder: 'review', review: { code: 'mail_unreadable', message_fr: 'Ce message est illisible (structure MIME endommagée). Son contenu original est conservé.' } };
  }
  base.subject = mail.subject;
  if (mail.from) base.sender = mail.from;
  base.recipients = [...mail.to, ...mail.cc];
  if (mail.messageId) base.messageId = mail.messageId;
  // The Date header orders an old backlog fetched at once; a date in the future is the sender's clock.
  if (mail.date !== undefined && mail.date <= now) base.receivedAt = mail.date;

  const cls = classifyMail(mail);
  let content: Content;
  let review: Review | undefined;
  switch (cls.kind) {
    case 'dsn':
      return { ...base, kind: 'dsn', text: mail.text, attachments: attachmentsOf(mail.attachments) };
    case 'smime':
      content = await readMimeEntity(raw, trust);
      base.kind = 'smime';
      break;
    case 'plain':
      content = { text: mail.text || stripHtml(mail.html), attachments: attachmentsOf(cls.others), ...(mail.html ? { html: mail.html } : {}) };
      break;
    case 'apicrypt':
    case 'apz': {
      base.kind = 'apicrypt';
      // An armored body's own text is never shown (its letter is, once decrypted): not decoded.
      content = { text: cls.kind === 'apz' ? mail.text : '', attachments: attachmentsOf(cls.others) };
      if (cls.kind === 'apicrypt') {
        try {
          const opened = await deps.keys.openLetterBody(cls.armored);
          if (opened.recipients.length > 0) base.recipients = opened.recipients;
          if (opened.messageId) base.apicryptId = opened.messageId;
          // A signed letter: the S/MIME entity was encrypted as a whole; verify it once decrypted.
          if (looksLikeMimeEntity(opened.text)) {
            const entity = await readMimeEntity(new Uint8Array(Buffer.from(opened.text, 'latin1')), trust);
            content = { ...entity, attachments: [...content.attachments, ...entity.attachments] };
          } else content = { ...content, text: opened.text };
        } catch (e) {
          review = reviewOf(e, 'decrypt_failed', 'Ce courrier APICRYPT n’a pas pu être déchiffré. Son contenu chiffré est conservé : il sera relu après l’import de vos clefs.');
          content = { text: '', attachments: [] };
        }
      }
      if (!review) {
        for (const a of cls.apz) {
          try {
            const opened = await deps.keys.openApzFile(a.content);
            for (const f of opened.content.files) content.attachments.push({ name: f.name, bytes: f.data });
          } catch (e) {
            review = reviewOf(e, 'apz_failed', `La pièce jointe APICRYPT « ${a.filename} » n’a pas pu être déchiffrée. Elle est conservée chiffrée.`);
            content.attachments.push({ name: a.filename, mime: 'application/octet-stream', bytes: a.content });
          }
        }
      }
      break;
    }
  }
  if (review) return { ...base, folder: 'review', review, text: content.text, attachments: content.attachments };
  // Encoded once, here: the content hash below reads the same bytes.
  const letter: LetterInput = { ...base, text: deps.textAsUtf8 ? utf8.encode(content.text) : content.text, attachments: content.attachments };
  if (content.signature) letter.signature = content.signature;
  if (content.html) letter.html = content.html;
  if (content.payload) letter.payload = content.payload;
  // The same APICRYPT letter reaches each recipient re-encrypted with another pad: once read, it is
  // recognised by its Message-ID and content (e.g. delivered to a doctor's and to the practice's box).
  if (base.kind === 'apicrypt' && letter.messageId) letter.contentHash = letterHash(letter);
  const fields = hprimFields(content.text);
  if (fields.patient) letter.patient = fields.patient;
  if (fields.documentDate) letter.documentDate = fields.documentDate;
  if (fields.labs) letter.labs = fields.labs;
  if (fields.review) {
    letter.folder = 'review';
    letter.review = fields.review;
  }
  return letter;
}

function letterHash(l: LetterInput): Uint8Array {
  const h = createHash('sha256').update('apicrypt-letter\0').update(l.messageId ?? '').update('\0').update((l.sender ?? '').toLowerCase());
  h.update('\0').update(l.text ?? '');
  for (const a of l.attachments ?? []) h.update('\0').update(a.name).update('\0').update(a.bytes);
  return new Uint8Array(h.digest());
}
