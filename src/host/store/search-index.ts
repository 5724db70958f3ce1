import { rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { openCipherDatabase, type Db } from './db';

/**
 * The letters' search index lives in its own encrypted database beside the mailbox, written by its own
 * worker thread: tokenizing a letter's text and writing the index pages is a third of an insert's cost,
 * and on a separate database it runs in parallel with the store (SQLite allows one writer per database).
 * It holds nothing the mailbox does not: when it is missing, damaged or of an unknown version it is
 * rebuilt from the letters. The mailbox stays the source of truth; `indexed` says which letters the
 * index holds, so that a crash between the two commits is repaired when the mailbox next opens.
 */
const INDEX_VERSION = 1;
/** The index is written in appended segments: a small page cache does (the mailbox's keeps 32 MB). */
const INDEX_CACHE_KB = 2000;

const INDEX_SCHEMA = `
CREATE TABLE indexed (letter_id INTEGER PRIMARY KEY);
CREATE VIRTUAL TABLE letters_fts USING fts5 (
  subject, body, patient, sender,
  content = '', contentless_delete = 1, detail = none,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
`;

/**
 * What to do to one letter's entry: index these fields (replacing any older entry), or drop it. Fields
 * may be UTF-8 bytes: the worker receives them so (one transferred buffer a batch, off its heap), and
 * FTS5 tokenizes bytes bound as a blob like the same text.
 */
export type IndexFields = [subject: string | Uint8Array, body: string | Uint8Array, patient: string | Uint8Array, sender: string | Uint8Array];
export type IndexOp = { id: number; fields: IndexFields } | { id: number; drop: true };

/**
 * Batches travel in buffers that go back and forth between the two threads rather than being allocated
 * and freed per batch: freed by the other thread, such buffers left the store's allocator fragmented
 * (~15 MB more resident memory, measured at 20,000 letters).
 */
const PACK_MIN_BYTES = 4 << 20;

/** A batch of index operations as posted to the worker: ids, then the fields' UTF-8 bytes back to back. */
export interface PackedOps {
  ids: Float64Array;
  /** Byte length of each op's four fields; -1 in the first marks a drop. */
  lengths: Int32Array;
  bytes: ArrayBuffer;
}

/** `reuse`: a buffer given back by the worker, used when large enough (no allocation per batch). */
export function packOps(ops: readonly IndexOp[], reuse?: ArrayBuffer): PackedOps {
  const ids = new Float64Array(ops.length);
  const lengths = new Int32Array(ops.length * 4);
  let total = 0;
  ops.forEach((op, i) => {
    ids[i] = op.id;
    if ('drop' in op) {
      lengths[i * 4] = -1;
      return;
    }
    op.fields.forEach((f, k) => {
      const n = typeof f === 'string' ? Buffer.byteLength(f, 'utf8') : f.length;
      lengths[i * 4 + k] = n;
      total += n;
    });
  });
  const bytes = reuse && reuse.byteLength >= total ? Buffer.from(reuse) : Buffer.allocUnsafeSlow(Math.max(total, PACK_MIN_BYTES));
  let at = 0;
  for (const op of ops) {
    if ('drop' in op) continue;
    for (const f of op.fields) {
      if (typeof f === 'string') at += bytes.write(f, at, 'utf8');
      else {
        bytes.set(f, at);
        at += f.length;
      }
    }
  }
  return { ids, lengths, bytes: bytes.buffer as ArrayBuffer };
}

export function unpackOps(p: PackedOps): IndexOp[] {
  const bytes = new Uint8Array(p.bytes);
  let at = 0;
  const field = (n: number) => bytes.subarray(at, (at += n));
  return Array.from(p.ids, (id, i): IndexOp => {
    if (p.lengths[i * 4] === -1) return { id, drop: true };
    return { id, fields: [field(p.lengths[i * 4]!), field(p.lengths[i * 4 + 1]!), field(p.lengths[i * 4 + 2]!), field(p.lengths[i * 4 + 3]!)] };
  });
}

/** The file of the search index of the mailbox `mailboxFile` (mailbox.db -> mailbox.search.db). */
export function searchIndexFile(mailboxFile: string): string {
  return join(dirname(mailboxFile), `${basename(mailboxFile).replace(/\.db$/, '')}.search.db`);
}

/** Deletes a search index and its journal (restore, or an index that cannot be read). */
export function removeSearchIndex(file: string): void {
  for (const f of [file, `${file}-journal`]) rmSync(f, { force: true });
}

function unreadable(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === 'mailbox_key_wrong' || code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}

/** The index database, on one connection: the worker's (or, for tools and tests, the store's own thread). */
export class SearchIndexDb {
  private readonly has;
  private readonly addEntry;
  private readonly removeEntry;
  private readonly mark;
  private readonly unmark;

  private constructor(private readonly db: Db) {
    this.has = db.prepare('SELECT 1 FROM indexed WHERE letter_id = ?').pluck();
    this.addEntry = db.prepare('INSERT INTO letters_fts (rowid, subject, body, patient, sender) VALUES (?, ?, ?, ?, ?)');
    this.removeEntry = db.prepare('DELETE FROM letters_fts WHERE rowid = ?');
    this.mark = db.prepare('INSERT OR IGNORE INTO indexed (letter_id) VALUES (?)');
    this.unmark = db.prepare('DELETE FROM indexed WHERE letter_id = ?');
  }

  /** Opens the index, creating it, or rebuilding it empty when it cannot be used as it is. */
  static open(file: string, key: Uint8Array | null): SearchIndexDb {
    let db: Db | undefined;
    try {
      // An index in the legacy cipher is rebuilt rather than re-encrypted: derived data, and always AEGIS-256
      // whatever the mailbox's (the store attaches it so).
      db = openCipherDatabase(file, key, { create: true, cacheKb: INDEX_CACHE_KB, legacy: 'refuse' });
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version === INDEX_VERSION) return new SearchIndexDb(db);
      if (version === 0 && (db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() as number) === 0) return SearchIndexDb.created(db);
    } catch (e) {
      db?.close();
      // Undecryptable or damaged: derived data, rebuilt below. Anything else (busy, disk) is not a reason
      // to delete it.
      if (!unreadable(e)) throw e;
    }
    db?.close();
    removeSearchIndex(file);
    return SearchIndexDb.created(openCipherDatabase(file, key, { create: true, cacheKb: INDEX_CACHE_KB }));
  }

  private static created(db: Db): SearchIndexDb {
    db.transaction(() => {
      db.exec(INDEX_SCHEMA);
      db.pragma(`user_version = ${INDEX_VERSION}`);
    }).immediate();
    return new SearchIndexDb(db);
  }

  /** Applies a batch in one transaction, in order. */
  apply(ops: readonly IndexOp[]): void {
    this.db
      .transaction(() => {
        for (const op of ops) {
          if (this.has.get(op.id)) this.removeEntry.run(op.id);
          if ('drop' in op) {
            this.unmark.run(op.id);
            continue;
          }
          this.addEntry.run(op.id, ...op.fields);
          this.mark.run(op.id);
        }
      })
      .immediate();
  }

  close(): void {
    try {
      this.db.pragma('journal_mode = DELETE');
    } catch {}
    this.db.close();
  }
}
