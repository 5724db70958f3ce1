import { headerEnd } from '../mail/mime';
import { processMessage, type LetterOpener } from '../mail/receive';
import type { FolderRole } from '../store/schema';
import type { LetterInput } from '../store/types';
import type { MigrationProblem } from './types';

/** Where a message comes from and what its source says about it. */
export interface MessageContext {
  folder: FolderRole | number;
  /** Read status given by the store (Maildir flag); undefined: taken from the headers, else read. */
  read?: boolean;
  /** Epoch ms used when the message has no usable Date header (mbox envelope, file time); 0: unknown. */
  fallbackDate: number;
  /** For problems: the source and the message's place in it. */
  where: string;
}

export type OutcomeTag = 'imported' | 'notDecryptable' | 'notReadable';

export type Outcome =
  | { type: 'letter'; letter: LetterInput; tag: OutcomeTag; problem?: MigrationProblem }
  | { type: 'unreadable'; problem: MigrationProblem };

/**
 * One stored message (RFC 822 bytes) -> a letter, through the receive pipeline's processMessage (same
 * classification, decryption, HPRIM reading and dedup hash as letters fetched from a server), then
 * what the old store knew: folder, read status, date. A letter that cannot be decrypted (missing key of
 * its year, damage) is kept in "À vérifier" with the reason; bytes that are no message are refused.
 */
export async function messageToLetter(bytes: Uint8Array, ctx: MessageContext, opener: LetterOpener): Promise<Outcome> {
  if (!looksLikeMessage(bytes)) {
    return { type: 'unreadable', problem: { where: ctx.where, code: 'message_unreadable', message_fr: 'Ce contenu n’est pas un message électronique (en-têtes absents) : il a été ignoré.' } };
  }
  const now = Date.now();
  const letter = await processMessage(bytes, { keys: opener, now: () => now });
  // processMessage dates a message without (valid) Date header "now": the old store knows better.
  if (letter.receivedAt === now && ctx.fallbackDate > 0) letter.receivedAt = ctx.fallbackDate;
  letter.read = ctx.read ?? readFromHeaders(bytes) ?? true;
  if (letter.folder === 'review') {
    const review = letter.review ?? { code: 'review', message_fr: 'Ce courrier est à vérifier.' };
    const tag: OutcomeTag = letter.kind === 'apicrypt' ? 'notDecryptable' : 'notReadable';
    return { type: 'letter', letter, tag, problem: { where: ctx.where, code: review.code, message_fr: review.message_fr } };
  }
  letter.folder = ctx.folder;
  if (ctx.folder === 'sent') letter.sentAt = letter.receivedAt;
  return { type: 'letter', letter, tag: 'imported' };
}

/** A header block first: "Name: value" on the first non-empty line. */
function looksLikeMessage(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length && (b[i] === 0x0a || b[i] === 0x0d)) i++;
  const end = Math.min(b.length, i + 200);
  for (let k = i; k < end; k++) {
    const c = b[k]!;
    if (c === 0x3a) return k > i;
    // Header names are printable ASCII without space or colon.
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return false;
}

/** Thunderbird's X-Mozilla-Status (bit 1: read), else the mbox Status header (R: read). */
export function readFromHeaders(raw: Uint8Array): boolean | undefined {
  const { at } = headerEnd(raw);
  const head = Buffer.from(raw.buffer, raw.byteOffset, at < 0 ? Math.min(raw.length, 65536) : at).toString('latin1');
  const moz = /^x-mozilla-status:\s*([0-9a-f]{1,4})\s*$/im.exec(head);
  if (moz) return (Number.parseInt(moz[1]!, 16) & 1) === 1;
  const st = /^status:\s*([A-Z]*)\s*$/im.exec(head);
  if (st) return st[1]!.includes('R');
  return undefined;
}
