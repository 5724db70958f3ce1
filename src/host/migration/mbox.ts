import { createReadStream } from 'node:fs';

/** One message of an mbox file: its bytes (From_ line removed, >From unquoted) and where it lies. */
export interface MboxMessage {
  /** Byte offset of its From_ line. */
  start: number;
  /** Byte offset just past it (the next From_ line, or the end of file). */
  end: number;
  /** The From_ line without "From " (sender and date of delivery). */
  envelope: string;
  bytes: Buffer;
}

const FROM = Buffer.from('From ');
const NL_FROM = Buffer.from('\nFrom ');
const NL = 0x0a;

/**
 * Streams the messages of an mbox file from `startOffset` (which must be a message start: 0 or an `end`
 * given before). Memory holds one message and one read chunk, never the file. Every line beginning
 * with "From " starts a message (writers quote such lines in bodies); ">From ", ">>From "... lose one
 * ">" (mboxrd; for mboxo this only touches lines that were quoted anyway).
 */
export async function* readMbox(path: string, startOffset = 0, signal?: AbortSignal, chunkSize = 1 << 20): AsyncGenerator<MboxMessage> {
  const stream = createReadStream(path, { start: startOffset, highWaterMark: chunkSize });
  let buf: Buffer = Buffer.alloc(0);
  /** Absolute offset of buf[0]. */
  let base = startOffset;
  /** Offset inside buf of the current message's From_ line, or -1 before the first one. */
  let msgStart = -1;
  /** Where to search next for "\nFrom " inside buf. */
  let scan = 0;
  /** The very first line (file start or a resume point) is a line start without a LF before it. */
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) return;
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      // A native search for "\nFrom " (not a walk over every line); a From_ line must be complete (LF seen).
      for (;;) {
        let lineStart: number;
        if (first) {
          if (buf.length < 5) break;
          first = false;
          if (!startsWithFrom(buf, 0)) continue;
          lineStart = 0;
        } else {
          const i = buf.indexOf(NL_FROM, scan);
          if (i < 0) {
            scan = Math.max(scan, buf.length - NL_FROM.length);
            break;
          }
          lineStart = i + 1;
        }
        const lf = buf.indexOf(NL, lineStart);
        if (lf < 0) {
          // Wait for the rest of the From_ line; search again from here.
          if (lineStart === 0) first = true;
          else scan = lineStart - 1;
          break;
        }
        scan = lf;
        if (msgStart >= 0) {
          yield finish(buf, msgStart, lineStart, base);
          if (signal?.aborted) return;
        }
        msgStart = lineStart;
      }
      // Drop what is no longer needed: everything before the current message (or before the search point).
      const keep = msgStart >= 0 ? msgStart : first ? 0 : scan;
      if (keep > 0) {
        buf = buf.subarray(keep);
        base += keep;
        scan -= keep;
        if (msgStart >= 0) msgStart = 0;
      }
    }
    if (msgStart >= 0 && msgStart < buf.length) yield finish(buf, msgStart, buf.length, base);
  } finally {
    stream.destroy();
  }
}

function startsWithFrom(b: Buffer, at: number): boolean {
  if (b.length - at < 5) return false;
  for (let i = 0; i < 5; i++) if (b[at + i] !== FROM[i]) return false;
  return true;
}

function finish(buf: Buffer, from: number, to: number, base: number): MboxMessage {
  const lf = buf.indexOf(NL, from);
  const envelope = buf.toString('latin1', from + 5, lf < 0 ? to : lf).replace(/\r$/, '');
  let bodyStart = lf < 0 ? to : lf + 1;
  let bodyEnd = to;
  // The empty line that separates messages belongs to the mbox, not to the message.
  if (bodyEnd - bodyStart >= 1 && buf[bodyEnd - 1] === NL) {
    bodyEnd--;
    if (bodyEnd - bodyStart >= 1 && buf[bodyEnd - 1] === 0x0d) bodyEnd--;
  }
  if (bodyStart > bodyEnd) bodyStart = bodyEnd;
  return { start: base + from, end: base + to, envelope, bytes: unquoteFrom(buf.subarray(bodyStart, bodyEnd)) };
}

const QUOTED = /(^|\n)>(>*From )/g;

/** mboxrd: ">From " -> "From ", ">>From " -> ">From ". Copies the bytes (the chunk buffer is reused). */
export function unquoteFrom(b: Buffer): Buffer {
  if (b.indexOf('>From ') < 0 && b.indexOf('>>From ') < 0) return Buffer.from(b);
  return Buffer.from(b.toString('latin1').replace(QUOTED, '$1$2'), 'latin1');
}

/** The reverse, for writers (fixtures, exports): every line starting with >*From gains a ">". */
export function quoteFrom(text: string): string {
  return text.replace(/(^|\n)(>*From )/g, '$1>$2');
}
