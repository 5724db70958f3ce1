import type { FileNameTokens } from './file-name';
import { JsonLinesLog } from './jsonl-log';

export type ExportState = 'pending' | 'staged' | 'done' | 'failed';

/** One document of one letter for one practice profile: a row of the mailbox's export_log. */
export interface ExportEntry {
  letterId: string;
  docIndex: number;
  profileId: string;
  state: ExportState;
  /** Key of the files in `<folder>/.pli-staging/` (`<key>.doc`, `<key>.a<i>`). */
  stagedName?: string;
  /** Name chosen in the folder for the document; attachments and `.ok` share its base name. */
  finalName?: string;
  attachmentNames?: string[];
  okName?: string;
  /** SHA-256 (hex) of the document bytes: recovery recognises our file by it. */
  sha256: string;
  attempts: number;
  lastError?: string;
}

export interface ExportAttachment {
  name: string;
  bytes: Uint8Array;
}

/** What enqueue hands over; the journal keeps it until the document is done. */
export interface ExportContent {
  bytes: Uint8Array;
  tokens: FileNameTokens;
  attachments: ExportAttachment[];
}

/**
 * Durable record of drop-folder exports (the mailbox implements it over its export_log table). Every
 * method resolves only once the change is durable: the exporter's exactly-once guarantee rests on it.
 */
export interface ExportJournal {
  /** Records new 'pending' entries with their content, all or nothing. */
  addPending(jobs: readonly { entry: ExportEntry; content: ExportContent }[]): Promise<void>;
  /** Records the new state of entries (one transaction for the batch). */
  record(entries: readonly ExportEntry[]): Promise<void>;
  /** Entries of this profile not yet 'done' (pending, staged, failed), in enqueue order. */
  unfinished(profileId: string): Promise<ExportEntry[]>;
  /** Content of a not yet done entry; undefined when unknown. */
  content(letterId: string, docIndex: number, profileId: string): Promise<ExportContent | undefined>;
  /** Every entry of a letter (all profiles when profileId is omitted). */
  entriesFor(letterId: string, profileId?: string): Promise<ExportEntry[]>;
}

export const entryKey = (letterId: string, docIndex: number, profileId: string): string =>
  JSON.stringify([profileId, letterId, docIndex]);

type ExportLine =
  | { t: 'e'; e: ExportEntry }
  | { t: 'c'; k: string; b: string; tok: FileNameTokens; a: { n: string; b: string }[] };

/** ExportJournal over a JSON-lines file with fsync (tests, bench, command-line tools). */
export class FileExportJournal implements ExportJournal {
  private readonly entries = new Map<string, ExportEntry>();
  private readonly contents = new Map<string, ExportContent>();
  private readonly byLetter = new Map<string, Set<string>>();

  private constructor(private readonly log: JsonLinesLog<ExportLine>) {}

  private put(e: ExportEntry): string {
    const k = entryKey(e.letterId, e.docIndex, e.profileId);
    this.entries.set(k, { ...e });
    let keys = this.byLetter.get(e.letterId);
    if (!keys) this.byLetter.set(e.letterId, (keys = new Set()));
    keys.add(k);
    return k;
  }

  static async open(path: string): Promise<FileExportJournal> {
    const { log, records } = await JsonLinesLog.open<ExportLine>(path);
    const j = new FileExportJournal(log);
    for (const r of records) {
      if (r.t === 'e') j.put(r.e);
      else
        j.contents.set(r.k, {
          bytes: Buffer.from(r.b, 'base64'),
          tokens: r.tok,
          attachments: r.a.map((a) => ({ name: a.n, bytes: Buffer.from(a.b, 'base64') })),
        });
    }
    for (const [k, e] of j.entries) if (e.state === 'done') j.contents.delete(k);
    return j;
  }

  async addPending(jobs: readonly { entry: ExportEntry; content: ExportContent }[]): Promise<void> {
    const lines: ExportLine[] = [];
    for (const { entry, content } of jobs) {
      const k = entryKey(entry.letterId, entry.docIndex, entry.profileId);
      lines.push({
        t: 'c',
        k,
        b: Buffer.from(content.bytes).toString('base64'),
        tok: content.tokens,
        a: content.attachments.map((a) => ({ n: a.name, b: Buffer.from(a.bytes).toString('base64') })),
      });
      lines.push({ t: 'e', e: { ...entry } });
    }
    await this.log.append(lines);
    for (const { entry, content } of jobs) this.contents.set(this.put(entry), content);
  }

  async record(entries: readonly ExportEntry[]): Promise<void> {
    await this.log.append(entries.map((e) => ({ t: 'e' as const, e: { ...e } })));
    for (const e of entries) {
      const k = this.put(e);
      if (e.state === 'done') this.contents.delete(k);
    }
  }

  async unfinished(profileId: string): Promise<ExportEntry[]> {
    return [...this.entries.values()].filter((e) => e.profileId === profileId && e.state !== 'done').map((e) => ({ ...e }));
  }

  async content(letterId: string, docIndex: number, profileId: string): Promise<ExportContent | undefined> {
    return this.contents.get(entryKey(letterId, docIndex, profileId));
  }

  async entriesFor(letterId: string, profileId?: string): Promise<ExportEntry[]> {
    return [...(this.byLetter.get(letterId) ?? [])]
      .map((k) => this.entries.get(k)!)
      .filter((e) => profileId === undefined || e.profileId === profileId)
      .map((e) => ({ ...e }));
  }

  close(): Promise<void> {
    return this.log.close();
  }
}

export type PickupState = 'started' | 'queued' | 'draft' | 'failed';

/** One outgoing file taken from the practice software's export folder, keyed by its content hash. */
export interface PickupRecord {
  hash: string;
  fileName: string;
  state: PickupState;
  reason?: string;
  archivedAs?: string;
}

/**
 * Durable memory of picked-up files (the mailbox implements it). 'started' is written before the letter
 * is handed over, so that a crash during the hand-over never leads to a second send.
 */
export interface PickupJournal {
  find(hash: string): Promise<PickupRecord | undefined>;
  put(record: PickupRecord): Promise<void>;
}

export class FilePickupJournal implements PickupJournal {
  private readonly byHash = new Map<string, PickupRecord>();
  private constructor(private readonly log: JsonLinesLog<PickupRecord>) {}

  static async open(path: string): Promise<FilePickupJournal> {
    const { log, records } = await JsonLinesLog.open<PickupRecord>(path);
    const j = new FilePickupJournal(log);
    for (const r of records) j.byHash.set(r.hash, r);
    return j;
  }

  async find(hash: string): Promise<PickupRecord | undefined> {
    const r = this.byHash.get(hash);
    return r && { ...r };
  }

  async put(record: PickupRecord): Promise<void> {
    await this.log.append([record]);
    this.byHash.set(record.hash, { ...record });
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
