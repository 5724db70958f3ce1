import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  armorLetter,
  decryptArmoredLetter,
  encodeLetterPayload,
  keyFileName,
  letterComments,
  parseKeyFile,
  sealedLengths,
  sealLetter,
  type DecryptedLetter,
  type KeyFile,
  type PadLookup,
  type PadUse,
} from '../../../src/core/apicrypt/index';
import { crlf, findApicryptPart } from './mime';

/** Root of the synthetic key media (keys-fixtures/media/<login>/Clefs). */
export const KEYS_FIXTURES = join(import.meta.dirname, '..', '..', '..', 'keys-fixtures');
export const SERVER_KEYS_DIR = join(KEYS_FIXTURES, 'server');

function mediaKey(login: string, owner: string, year: number): KeyFile {
  const name = keyFileName(owner, year);
  return parseKeyFile(new Uint8Array(readFileSync(join(KEYS_FIXTURES, 'media', login, 'Clefs', name))), name);
}

/**
 * A sender's key medium with its own upward pointers (what Pli's pad ledger does for real), so that
 * consecutive letters in a test never reuse a byte either.
 */
export class MediaSender {
  private readonly next = new Map<string, { offset: number; counter: number }>();
  readonly used: Array<{ owner: string; year: number; offset: number; length: number }> = [];

  constructor(
    readonly login: string,
    readonly year = 2026,
  ) {}

  private use(owner: string, length: number): PadUse {
    const k = mediaKey(this.login, owner, this.year);
    const p = this.next.get(owner) ?? { offset: k.indexCourant, counter: k.nbCrypt };
    const use: PadUse = { owner: k.owner, year: k.year, tag: k.tag, pad: k.pad, offset: p.offset, counter: p.counter + 1 };
    this.next.set(owner, { offset: p.offset + length, counter: p.counter + 1 });
    this.used.push({ owner: k.owner, year: k.year, offset: p.offset, length });
    return use;
  }

  /** The armored mail body of a letter (pure core calls). */
  seal(text: string, to: string[], cc: string[] = []): string {
    const payload = encodeLetterPayload({ text, recipients: { to, cc }, mode: 'cp1252' });
    const lens = sealedLengths(payload.length);
    const master = this.use('Master', lens.master);
    const user = this.use(this.login, lens.user);
    return armorLetter(sealLetter(payload, master, user), letterComments(master, user));
  }
}

/** A complete RFC 5322 message carrying an APICRYPT body. */
export function apicryptMail(opts: { from: string; to: string[]; body: string; subject?: string; messageId: string }): Buffer {
  const head = [
    `From: <${opts.from}>`,
    `To: ${opts.to.map((a) => `<${a}>`).join(', ')}`,
    `Subject: ${opts.subject ?? 'Document concernant votre patient'}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${opts.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=ISO-8859-1',
    'Content-Transfer-Encoding: 7bit',
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${crlf(opts.body)}`, 'latin1');
}

/** The pads of a user's own key medium (Master and the user's key, every year on it). */
export function mediaPads(login: string): PadLookup {
  return (owner, year) => {
    try {
      return mediaKey(login, owner, year).pad;
    } catch {
      return undefined;
    }
  };
}

/** Decrypts a received mail with the recipient's own key medium. */
export function openWithMedia(login: string, raw: Buffer): DecryptedLetter {
  const part = findApicryptPart(raw.toString('latin1'));
  if (!part) throw new Error('no APICRYPT body in this mail');
  return decryptArmoredLetter(part.text, mediaPads(login));
}
