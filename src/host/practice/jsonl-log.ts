import { closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * An append-only JSON-lines file with group commit: appends made while a flush is under way share the
 * next write + fsync, so many concurrent callers cost one disk flush. A torn last line (crash mid-write)
 * is ignored on reading. For tests, the bench and tools: the application's journal is the mailbox.
 */
export class JsonLinesLog<T> {
  private handle: FileHandle | undefined;
  private pending: { lines: string[]; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } | undefined;
  private flushing: Promise<void> | undefined;

  private constructor(readonly path: string) {}

  /** Opens (creating if needed) and returns the log with the records already in it. */
  static async open<T>(path: string): Promise<{ log: JsonLinesLog<T>; records: T[] }> {
    const log = new JsonLinesLog<T>(path);
    const records: T[] = [];
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // Create it durably so that the first append does not race a missing directory entry.
      const fd = openSync(path, 'a');
      fsyncSync(fd);
      closeSync(fd);
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        records.push(JSON.parse(line) as T);
      } catch {
        // Torn tail of a crashed append: the caller had not been told it was durable.
      }
    }
    // A torn tail without newline would glue onto the next record: start on a fresh line.
    log.handle = await open(path, 'a');
    if (text !== '' && !text.endsWith('\n')) await log.handle.write('\n');
    return { log, records };
  }

  /** Resolves once the records are on disk (write + fsync). */
  append(records: readonly T[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const batch = (this.pending ??= { lines: [], waiters: [] });
    for (const r of records) batch.lines.push(JSON.stringify(r));
    const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    void this.kick();
    return done;
  }

  private async kick(): Promise<void> {
    if (this.flushing) return;
    while (this.pending) {
      const batch = this.pending;
      this.pending = undefined;
      this.flushing = (async () => {
        const h = this.handle;
        if (!h) throw new Error('journal fermé');
        await h.write(batch.lines.join('\n') + '\n');
        await h.sync();
      })();
      try {
        await this.flushing;
        for (const w of batch.waiters) w.resolve();
      } catch (e) {
        for (const w of batch.waiters) w.reject(e);
      } finally {
        this.flushing = undefined;
      }
    }
  }

  async close(): Promise<void> {
    while (this.flushing || this.pending) await (this.flushing ?? this.kick());
    await this.handle?.close();
    this.handle = undefined;
  }
}
