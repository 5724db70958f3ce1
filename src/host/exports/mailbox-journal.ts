import type { ExportContent, ExportEntry, ExportJournal } from '../practice';
import type { Mailbox } from '../store/mailbox';

/**
 * The drop-folder exporter's journal kept in the encrypted mailbox (table drop_exports): the mailbox is
 * the truth for "exported exactly once", and the bytes waiting to be written never sit in clear on disk.
 */
export class MailboxExportJournal implements ExportJournal {
  constructor(private readonly mailbox: Mailbox) {}

  async addPending(jobs: readonly { entry: ExportEntry; content: ExportContent }[]): Promise<void> {
    await this.mailbox.exportAddPending(jobs.map((j) => ({ entry: { ...j.entry }, content: packContent(j.content) })));
  }

  async record(entries: readonly ExportEntry[]): Promise<void> {
    await this.mailbox.exportRecord(entries.map((e) => ({ ...e })));
  }

  async unfinished(profileId: string): Promise<ExportEntry[]> {
    return (await this.mailbox.exportUnfinished(profileId)) as unknown as ExportEntry[];
  }

  async content(letterId: string, docIndex: number, profileId: string): Promise<ExportContent | undefined> {
    const packed = await this.mailbox.exportContent(letterId, docIndex, profileId);
    return packed ? unpackContent(packed) : undefined;
  }

  async entriesFor(letterId: string, profileId?: string): Promise<ExportEntry[]> {
    return (await this.mailbox.exportEntriesFor(letterId, profileId)) as unknown as ExportEntry[];
  }
}

/** One blob: a length-prefixed JSON head (tokens, attachment names and sizes), the document, the attachments. */
export function packContent(c: ExportContent): Uint8Array {
  const head = Buffer.from(
    JSON.stringify({ tokens: c.tokens, size: c.bytes.length, attachments: c.attachments.map((a) => ({ name: a.name, size: a.bytes.length })) }),
  );
  const len = Buffer.alloc(4);
  len.writeUInt32BE(head.length);
  return Buffer.concat([len, head, c.bytes, ...c.attachments.map((a) => a.bytes)]);
}

export function unpackContent(packed: Uint8Array): ExportContent {
  const buf = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const headLen = buf.readUInt32BE(0);
  const head = JSON.parse(buf.subarray(4, 4 + headLen).toString()) as {
    tokens: ExportContent['tokens'];
    size: number;
    attachments: { name: string; size: number }[];
  };
  let at = 4 + headLen;
  const take = (n: number) => {
    const out = new Uint8Array(buf.subarray(at, at + n));
    at += n;
    return out;
  };
  const bytes = take(head.size);
  return { tokens: head.tokens, bytes, attachments: head.attachments.map((a) => ({ name: a.name, bytes: take(a.size) })) };
}
