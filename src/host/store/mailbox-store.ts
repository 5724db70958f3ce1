import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { PliError } from '../../shared/errors';
import { openDatabase, type Db } from './db';
import { selectPageCipher } from './page-cipher';
import { SearchIndexDb, searchIndexFile, type IndexOp } from './search-index';
import { InlineIndexWriter, WorkerIndexWriter, type SearchIndexWriter } from './search-index-writer';
import { foldName, nameKey, normalizeNir } from './identity';
import { SYSTEM_FOLDERS, type FolderRole } from './schema';
import { checkAddress } from '../../core/address';
import { CORRESPONDENTS, fold, scoreEntry, sortKey, updateCorrespondent, type BlockedSender, type CorrespondentInput, type DirectoryEntry } from '../../core/directory';
import { entryFieldTokens, WEIGHTS } from '../../core/directory/rank';
import type {
  Folder,
  InsertResult,
  KeyInfo,
  KeyInput,
  KeyPad,
  LabInput,
  LabResult,
  Letter,
  LetterInput,
  LetterSummary,
  Page,
  PageResult,
  PadReservation,
  PadWarning,
  Patient,
  PatientInput,
  ReserveResult,
  SearchFilters,
  SignerInfo,
} from './types';

type Row = Record<string, unknown>;

/** The sender as written, kept only when it differs from its lower-case key. */
function displaySender(sender: string | undefined): string | null {
  return sender && sender !== sender.toLowerCase() ? sender : null;
}

const SUMMARY_COLUMNS = `l.id, l.folder_id, l.kind, l.subject, coalesce(l.sender_display, l.sender) AS sender, l.patient_id, l.patient_surname,
  l.patient_first_name, l.document_date, l.received_at, l.is_read, l.is_flagged, l.is_exported, l.has_abnormal,
  l.attachment_count, l.signature_status, l.review_code, l.trashed_from`;

/** A search waits at most this long for the index to catch up with the letters stored before it. */
const SEARCH_WAIT_MS = 10_000;
const INDEX_CLOSE_WAIT_MS = 120_000;
const CATCH_UP_CHUNK = 500;
const MAX_INDEX_RESTARTS = 3;

export interface SearchIndexOptions {
  /** The index database (searchIndexFile of the mailbox's). */
  file: string;
  key: Uint8Array | null;
  /** Written by a worker of its own (the store worker's choice); otherwise in this thread. */
  inWorker?: boolean;
  /** Events worth a line in the log (never a letter's words). */
  warn?: (event: string, fields?: Record<string, unknown>) => void;
}

const SESSION = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/** Columns of `letters` that a letter's content sets: at its insert and again when read from « À vérifier ». */
const CONTENT_COLUMNS = [
  'folder_id', 'kind', 'subject', 'sender', 'recipients', 'message_id', 'apicrypt_id', 'patient_id',
  'patient_surname', 'patient_first_name', 'patient_birth_date', 'patient_nir', 'document_date',
  'signature_status', 'signature_reason', 'review_code', 'review_message', 'has_abnormal',
  'attachment_count', 'size', 'signature_signer', 'sender_display',
] as const;
/** The insert also sets the letter's identity, dates and flags, which a re-read keeps. */
const INSERT_COLUMNS = [...CONTENT_COLUMNS, 'content_hash', 'received_at', 'sent_at', 'is_read', 'is_flagged', 'is_exported', 'created_at'];

/**
 * The mailbox's queries, synchronous, on one connection. It runs inside the store worker (the single
 * writer of a process); the main thread talks to it through `Mailbox` (mailbox.ts). Child processes of
 * tests may use it directly.
 */
export class MailboxStore {
  private readonly folderByRole = new Map<string, number>();
  readonly session = SESSION;
  private index!: SearchIndexWriter;
  /** Index work of the write transaction under way, handed over once it commits. */
  private indexQueue: IndexOp[] = [];
  private indexQueuePending: number | undefined;
  /** Letters still to index after opening (newest first), posted a chunk at a time. */
  private catchUp: number[] = [];
  private catchUpSeq = 0;
  private pumping = false;
  /** [index batch, last search_pending row it covers]: rows cleared once the batch is applied. */
  private pendingClears: [number, number][] = [];
  private indexRestarts = 0;

  /** Opens (and migrates) the mailbox database `file` and its search index. */
  static open(file: string, key: Uint8Array | null, opts: { create?: boolean } & Omit<SearchIndexOptions, 'file' | 'key'> = {}): MailboxStore {
    const db = openDatabase(file, key, { create: opts.create, ...(opts.warn ? { warn: opts.warn } : {}) });
    try {
      return new MailboxStore(db, { file: searchIndexFile(file), key, inWorker: opts.inWorker, warn: opts.warn });
    } catch (e) {
      db.close();
      throw e;
    }
  }

  constructor(
    readonly db: Db,
    private readonly indexOptions: SearchIndexOptions,
  ) {
    for (const r of db.prepare('SELECT id, role FROM folders WHERE role IS NOT NULL').all() as Row[]) {
      this.folderByRole.set(r.role as string, r.id as number);
    }
    // The search index is always AEGIS-256: what this connection attaches with a key from now on, whatever
    // the mailbox's own cipher (a legacy one whose upgrade failed).
    if (indexOptions.key) selectPageCipher(db, 'aegis256');
    this.startIndex();
  }

  close(): void {
    if (!this.index.drain(INDEX_CLOSE_WAIT_MS)) this.indexOptions.warn?.('search index not drained at close');
    this.index.close();
    try {
      // One file at rest: the kept journal (encrypted, header zeroed) is deleted; the next open keeps it again.
      if (!this.db.readonly) this.db.pragma('journal_mode = DELETE');
    } catch {}
    this.db.close();
  }

  // ---------------------------------------------------------------- search index

  /**
   * Brings the search index up to the letters before handing it to its writer: letters it lacks (a crash
   * between the two commits, or the first open after the index moved out of the mailbox) are queued,
   * entries of deleted letters dropped, and letters re-read from "À vérifier" re-indexed.
   */
  private startIndex(): void {
    const { file, key } = this.indexOptions;
    // Opened first: created (or rebuilt) before it is attached for the diff.
    const indexDb = SearchIndexDb.open(file, key);
    const { missing, stale, pending } = this.withIndex(() => ({
      missing: this.db.prepare('SELECT id FROM letters WHERE id NOT IN (SELECT letter_id FROM search.indexed) ORDER BY id DESC').pluck().all() as number[],
      stale: this.db.prepare('SELECT letter_id FROM search.indexed WHERE letter_id NOT IN (SELECT id FROM main.letters)').pluck().all() as number[],
      pending: this.db.prepare('SELECT seq, letter_id FROM search_pending ORDER BY seq').all() as { seq: number; letter_id: number }[],
    }), false);
    if (this.indexOptions.inWorker) {
      indexDb.close();
      this.index = new WorkerIndexWriter(file, key, { applied: (seq) => this.indexApplied(seq), failed: (reason) => this.indexFailed(reason) });
    } else this.index = new InlineIndexWriter(indexDb);
    this.pendingClears = [];
    if (stale.length > 0) this.postIndex(stale.map((id) => ({ id, drop: true })));
    if (pending.length > 0) {
      this.postIndex(this.indexOpsFor([...new Set(pending.map((p) => p.letter_id))]), pending[pending.length - 1]!.seq);
    }
    this.catchUp = missing;
    this.pumpCatchUp();
  }

  /**
   * Runs `fn` with the index attached as `search` (read-only use). Attached only for the query: a
   * permanently attached database would be locked by every write transaction of the store. Searches
   * first wait for the letters already stored to be indexed (`wait`).
   */
  private withIndex<T>(fn: () => T, wait = true): T {
    if (wait && !this.index.drain(SEARCH_WAIT_MS)) this.indexOptions.warn?.('search index behind');
    const { file, key } = this.indexOptions;
    if (key) this.db.prepare('ATTACH DATABASE ? AS search KEY ?').run(file, `x'${Buffer.from(key).toString('hex')}'`);
    else this.db.prepare('ATTACH DATABASE ? AS search').run(file);
    try {
      return fn();
    } finally {
      this.db.exec('DETACH DATABASE search');
    }
  }

  /** Queues a letter's entry (its words as `indexOpsFor` reads them back from the store). */
  private queueIndex(id: number, l: LetterInput, text: string | Uint8Array): void {
    const patient = l.patient ? `${l.patient.surname} ${l.patient.firstName}` : '';
    this.indexQueue.push({ id, fields: [l.subject ?? '', text, patient, l.sender ?? ''] });
  }

  /** Runs a write transaction; the index work it queued is handed over once it has committed. */
  private writeLetters<T>(fn: () => T): T {
    let result: T;
    try {
      result = this.db.transaction(fn).immediate();
    } catch (e) {
      this.indexQueue = [];
      this.indexQueuePending = undefined;
      throw e;
    }
    const ops = this.indexQueue;
    const pending = this.indexQueuePending;
    this.indexQueue = [];
    this.indexQueuePending = undefined;
    if (ops.length > 0) this.postIndex(ops, pending);
    return result;
  }

  private postIndex(ops: IndexOp[], pendingSeq?: number): number {
    const seq = this.index.post(ops);
    if (pendingSeq !== undefined) this.pendingClears.push([seq, pendingSeq]);
    if (this.index.synchronous) this.clearPending(seq);
    return seq;
  }

  private pumpCatchUp(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.catchUp.length > 0) {
        this.catchUpSeq = this.postIndex(this.indexOpsFor(this.catchUp.splice(0, CATCH_UP_CHUNK)));
        if (!this.index.synchronous) break; // the next chunk when this one is in
      }
    } finally {
      this.pumping = false;
    }
  }

  private indexApplied(seq: number): void {
    if (!this.db.open) return; // a late message after close
    this.clearPending(seq);
    if (this.catchUp.length > 0 && seq >= this.catchUpSeq) this.pumpCatchUp();
  }

  private indexFailed(reason: string): void {
    if (!this.db.open) return;
    this.indexOptions.warn?.('search index failed', { reason, restarts: this.indexRestarts });
    this.index.close();
    // What the failed worker had not committed is found again by the diff of startIndex.
    if (this.indexRestarts++ < MAX_INDEX_RESTARTS) this.startIndex();
  }

  private clearPending(seq: number): void {
    let upTo = -1;
    this.pendingClears = this.pendingClears.filter(([batch, pending]) => {
      if (batch > seq) return true;
      upTo = Math.max(upTo, pending);
      return false;
    });
    if (upTo >= 0 && this.db.open) this.db.prepare('DELETE FROM search_pending WHERE seq <= ?').run(upTo);
  }

  /** Index entries of letters as stored (a letter gone since is dropped). */
  private indexOpsFor(ids: number[]): IndexOp[] {
    const rows = this.db
      .prepare(
        `SELECT l.id, l.subject, coalesce(b.body, '') AS body,
           CASE WHEN l.patient_surname IS NULL THEN '' ELSE l.patient_surname || ' ' || coalesce(l.patient_first_name, '') END AS patient,
           l.sender
         FROM letters l LEFT JOIN letter_bodies b ON b.letter_id = l.id WHERE l.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as { id: number; subject: string | null; body: string; patient: string; sender: string | null }[];
    const found = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id): IndexOp => {
      const r = found.get(id);
      return r ? { id, fields: [r.subject ?? '', r.body, r.patient, r.sender ?? ''] } : { id, drop: true };
    });
  }

  /** Waits until the letters stored so far are in the search index (benchmarks, tests); false on timeout. */
  flushSearchIndex(): boolean {
    return this.index.drain(INDEX_CLOSE_WAIT_MS);
  }

  // ---------------------------------------------------------------- folders

  folderId(folder: FolderRole | number): number {
    if (typeof folder === 'number') return folder;
    const id = this.folderByRole.get(folder);
    if (id === undefined) throw new PliError('folder_unknown', `Dossier inconnu : ${folder}.`);
    return id;
  }

  listFolders(): Folder[] {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.kind, f.role, f.name, f.parent_id, f.owner,
           (SELECT count(*) FROM letters l WHERE l.folder_id = f.id) AS total,
           (SELECT count(*) FROM letters l WHERE l.folder_id = f.id AND l.is_read = 0) AS unread
         FROM folders f ORDER BY f.kind = 'system' DESC, f.position, f.name`,
      )
      .all() as Row[];
    return rows.map((r) => ({
      id: r.id as number,
      kind: r.kind as Folder['kind'],
      role: (r.role as FolderRole | null) ?? null,
      name: r.name as string,
      parentId: (r.parent_id as number | null) ?? null,
      owner: (r.owner as string | null) ?? null,
      total: r.total as number,
      unread: r.unread as number,
    }));
  }

  /** A user folder, or a per-doctor folder when `owner` (the doctor's address) is given. */
  createFolder(name: string, opts: { parentId?: number; owner?: string } = {}): number {
    const clean = name.trim();
    if (!clean) throw new PliError('folder_name_empty', 'Donnez un nom au dossier.');
    try {
      const r = this.db
        .prepare('INSERT INTO folders (kind, name, parent_id, owner, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(opts.owner ? 'doctor' : 'user', clean, opts.parentId ?? null, opts.owner ?? null, Date.now());
      return Number(r.lastInsertRowid);
    } catch (e) {
      if (String(e).includes('UNIQUE')) {
        throw new PliError('folder_exists', `Un dossier « ${clean} » existe déjà à cet endroit.`);
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- letters

  /** Inserts a batch in one transaction (all or none); duplicates (same content hash) are skipped. */
  insertLetters(batch: LetterInput[]): InsertResult {
    const s = this.insertStatements();
    const patientCache = new Map<string, number>();
    return this.writeLetters(() => {
      const ids: (number | null)[] = [];
      let inserted = 0;
      for (const l of batch) {
        const id = this.insertOne(l, s, patientCache);
        ids.push(id);
        if (id !== null) inserted++;
      }
      return { ids, inserted, duplicates: batch.length - inserted };
    });
  }

  private stmts?: ReturnType<MailboxStore['prepareInsert']>;
  private insertStatements() {
    return (this.stmts ??= this.prepareInsert());
  }
  private prepareInsert() {
    const db = this.db;
    return {
      letter: db.prepare(
        `INSERT INTO letters (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})
         ON CONFLICT (content_hash) DO NOTHING`,
      ),
      // The text may come as its UTF-8 bytes (LetterInput.text): cast, they are stored as the same text.
      body: db.prepare('INSERT INTO letter_bodies (letter_id, body, payload, raw, html, payload_encoding) VALUES (?, CAST(? AS TEXT), ?, ?, ?, ?)'),
      lab: db.prepare(
        `INSERT INTO lab_results (letter_id, patient_id, analyte_code, analyte_label, date, value, numeric_value,
           unit, low, high, flag, abnormal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      attachment: db.prepare(
        'INSERT INTO attachments (letter_id, idx, name, mime, size, bytes) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      patientByNir: db.prepare('SELECT id FROM patients WHERE nir = ?'),
      patientByName: db.prepare('SELECT id, nir FROM patients WHERE name_key = @key AND (nir IS NULL OR @nir IS NULL OR nir = @nir) LIMIT 1'),
      patientSetNir: db.prepare('UPDATE patients SET nir = ? WHERE id = ?'),
      patientInsert: db.prepare(
        'INSERT INTO patients (nir, surname, first_name, birth_date, name_key, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  /**
   * The values of a letter's `CONTENT_COLUMNS`, in that order, as its insert and its re-read from
   * « À vérifier » set them.
   */
  private contentValues(
    l: LetterInput,
    c: { patientId: number | null; nir: string | undefined; labs: { abnormal: boolean }[]; rawSize: number },
  ): unknown[] {
    const attachments = l.attachments ?? [];
    const v: Record<(typeof CONTENT_COLUMNS)[number], unknown> = {
      folder_id: this.folderId(l.folder),
      kind: l.kind,
      subject: l.subject ?? '',
      sender: (l.sender ?? '').toLowerCase(),
      recipients: JSON.stringify(l.recipients ?? []),
      message_id: l.messageId ?? null,
      apicrypt_id: l.apicryptId ?? null,
      patient_id: c.patientId,
      patient_surname: l.patient?.surname ?? null,
      patient_first_name: l.patient?.firstName ?? null,
      patient_birth_date: l.patient?.birthDate ?? null,
      patient_nir: c.nir ?? null,
      document_date: l.documentDate ?? null,
      signature_status: l.signature?.status ?? null,
      signature_reason: l.signature?.reason ?? null,
      review_code: l.review?.code ?? null,
      review_message: l.review?.message_fr ?? null,
      has_abnormal: c.labs.some((x) => x.abnormal) ? 1 : 0,
      attachment_count: attachments.length,
      size: c.rawSize + (l.payload?.length ?? 0) + attachments.reduce((n, a) => n + a.bytes.length, 0),
      signature_signer: l.signature?.signer ? JSON.stringify(l.signature.signer) : null,
      sender_display: displaySender(l.sender),
    };
    return CONTENT_COLUMNS.map((k) => v[k]);
  }

  private insertOne(
    l: LetterInput,
    s: ReturnType<MailboxStore['prepareInsert']>,
    patientCache: Map<string, number>,
  ): number | null {
    const text = l.text ?? '';
    const nir = normalizeNir(l.patient?.nir);
    const labs = (l.labs ?? []).map((x) => normalizeLab(x, l.documentDate));
    const patientId = l.patient ? this.patientId(l.patient, nir, s, patientCache) : null;
    // Positional, in INSERT_COLUMNS order: named parameters measured ~20 % slower on this hot path.
    const r = s.letter.run(
      ...this.contentValues(l, { patientId, nir, labs, rawSize: l.raw?.length ?? 0 }),
      l.contentHash ?? contentHash(l),
      l.receivedAt,
      l.sentAt ?? null,
      l.read ? 1 : 0,
      l.flagged ? 1 : 0,
      l.exported ? 1 : 0,
      Date.now(),
    );
    if (r.changes === 0) return null;
    const id = Number(r.lastInsertRowid);
    const kept = keptPayload(l.payload, text);
    s.body.run(id, text, kept.payload, l.raw ?? null, l.html ?? null, kept.encoding);
    this.queueIndex(id, l, text);
    for (const x of labs) {
      s.lab.run(id, patientId, x.code, x.label, x.date, x.value, x.numericValue, x.unit, x.low, x.high, x.flag, x.abnormal ? 1 : 0);
    }
    (l.attachments ?? []).forEach((a, i) => s.attachment.run(id, i, a.name, a.mime ?? 'application/octet-stream', a.bytes.length, a.bytes));
    return id;
  }

  private patientId(
    p: PatientInput,
    nir: string | undefined,
    s: ReturnType<MailboxStore['prepareInsert']>,
    cache: Map<string, number>,
  ): number {
    const key = nameKey(p.surname, p.firstName, p.birthDate);
    const cacheKey = `${nir ?? ''}#${key}`;
    const hit = cache.get(cacheKey);
    if (hit !== undefined) return hit;
    let id: number | undefined;
    if (nir) id = (s.patientByNir.get(nir) as Row | undefined)?.id as number | undefined;
    if (id === undefined) {
      const byName = s.patientByName.get({ key, nir: nir ?? null }) as Row | undefined;
      if (byName) {
        id = byName.id as number;
        if (nir && byName.nir === null) s.patientSetNir.run(nir, id);
      }
    }
    if (id === undefined) {
      id = Number(s.patientInsert.run(nir ?? null, p.surname, p.firstName, p.birthDate ?? null, key, Date.now()).lastInsertRowid);
    }
    cache.set(cacheKey, id);
    return id;
  }

  getLetter(id: number): Letter | undefined {
    const r = this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS}, l.recipients, l.message_id, l.apicrypt_id, l.patient_birth_date, l.patient_nir,
           l.sent_at, l.signature_reason, l.signature_signer, l.review_message, b.body, b.raw, b.payload, b.payload_encoding, b.html
         FROM letters l LEFT JOIN letter_bodies b ON b.letter_id = l.id WHERE l.id = ?`,
      )
      .get(id) as Row | undefined;
    if (!r) return undefined;
    const labs = (this.db.prepare('SELECT * FROM lab_results WHERE letter_id = ? ORDER BY id').all(id) as Row[]).map(toLab);
    const attachments = (
      this.db.prepare('SELECT id, idx, name, mime, size FROM attachments WHERE letter_id = ? ORDER BY idx').all(id) as Row[]
    ).map((a) => ({ id: a.id as number, index: a.idx as number, name: a.name as string, mime: a.mime as string, size: a.size as number }));
    return {
      ...toSummary(r),
      text: (r.body as string | null) ?? '',
      raw: toBytes(r.raw),
      payload: storedPayload(r),
      recipients: JSON.parse(r.recipients as string) as string[],
      messageId: (r.message_id as string | null) ?? null,
      apicryptId: (r.apicrypt_id as string | null) ?? null,
      patient: {
        surname: (r.patient_surname as string | null) ?? null,
        firstName: (r.patient_first_name as string | null) ?? null,
        birthDate: (r.patient_birth_date as string | null) ?? null,
        nir: (r.patient_nir as string | null) ?? null,
      },
      sentAt: (r.sent_at as number | null) ?? null,
      signatureReason: (r.signature_reason as string | null) ?? null,
      signer: r.signature_signer ? (JSON.parse(r.signature_signer as string) as SignerInfo) : null,
      html: (r.html as string | null) ?? null,
      reviewMessage: (r.review_message as string | null) ?? null,
      labs,
      attachments,
    };
  }

  getAttachment(id: number): { name: string; mime: string; bytes: Uint8Array } | undefined {
    const r = this.db.prepare('SELECT name, mime, bytes FROM attachments WHERE id = ?').get(id) as Row | undefined;
    return r ? { name: r.name as string, mime: r.mime as string, bytes: toBytes(r.bytes)! } : undefined;
  }

  countLetters(folder?: FolderRole | number): number {
    const r = (
      folder === undefined
        ? this.db.prepare('SELECT count(*) AS n FROM letters').get()
        : this.db.prepare('SELECT count(*) AS n FROM letters WHERE folder_id = ?').get(this.folderId(folder))
    ) as Row;
    return r.n as number;
  }

  /** Newest first, keyset-paged. */
  listFolder(folder: FolderRole | number, page: Page = {}): PageResult<LetterSummary> {
    return this.pagedLetters(['l.folder_id = ?'], [this.folderId(folder)], page);
  }

  /**
   * Full-text search (prefix match on every word, accents and case ignored) with filters. Results come
   * most recently received first by arrival in the mailbox (letter id), which lets a common word stream
   * from the index instead of sorting every hit. An empty query lists by the filters alone. Letters in
   * the trash are left out unless their folder is asked for.
   */
  search(query: string, filters: SearchFilters = {}, page: Page = {}): PageResult<LetterSummary> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filters.folderId !== undefined) {
      where.push('l.folder_id = ?');
      args.push(filters.folderId);
    } else {
      where.push('l.folder_id <> ?');
      args.push(this.folderId('trash'));
    }
    if (filters.patientId !== undefined) {
      where.push('l.patient_id = ?');
      args.push(filters.patientId);
    }
    if (filters.sender !== undefined) {
      where.push('l.sender = ?');
      args.push(filters.sender.toLowerCase());
    }
    if (filters.from !== undefined) {
      where.push('l.received_at >= ?');
      args.push(filters.from);
    }
    if (filters.to !== undefined) {
      where.push('l.received_at <= ?');
      args.push(filters.to);
    }
    if (filters.abnormal) where.push('l.has_abnormal = 1');
    const limit = pageLimit(page);
    if (page.after !== undefined) {
      if (!/^\d+$/.test(page.after)) throw new PliError('invalid_request', 'Curseur de page invalide.');
      where.push('l.id < ?');
      args.push(Number(page.after));
    }
    const match = ftsQuery(query);
    const selective = filters.patientId !== undefined || filters.sender !== undefined || filters.from !== undefined || filters.to !== undefined;
    let sql: string;
    if (match && !selective) {
      // Stream the hits newest first straight from the full-text index; stop at the page size.
      sql = `SELECT ${SUMMARY_COLUMNS} FROM search.letters_fts f JOIN letters l ON l.id = f.rowid
        WHERE letters_fts MATCH ? AND ${where.join(' AND ')} ORDER BY f.rowid DESC LIMIT ?`;
      args.unshift(match);
    } else {
      // A selective filter (patient, sender, dates) narrows first; the text, if any, is checked against it.
      if (match) {
        where.push('l.id IN (SELECT rowid FROM search.letters_fts WHERE letters_fts MATCH ?)');
        args.push(match);
      }
      sql = `SELECT ${SUMMARY_COLUMNS} FROM letters l WHERE ${where.join(' AND ')} ORDER BY l.id DESC LIMIT ?`;
    }
    const run = () => this.db.prepare(sql).all(...args, limit + 1) as Row[];
    const rows = match ? this.withIndex(run) : run();
    const items = rows.slice(0, limit).map(toSummary);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, next: String(last.id) } : { items };
  }

  private pagedLetters(where: string[], args: unknown[], page: Page): PageResult<LetterSummary> {
    const limit = pageLimit(page);
    const w = [...where];
    const a = [...args];
    if (page.after) {
      const c = parseCursor(page.after);
      w.push('(l.received_at, l.id) < (?, ?)');
      a.push(c.at, c.id);
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM letters l ${w.length ? 'WHERE ' + w.join(' AND ') : ''}
      ORDER BY l.received_at DESC, l.id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...a, limit + 1) as Row[];
    const items = rows.slice(0, limit).map(toSummary);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, next: `${last.receivedAt}:${last.id}` } : { items };
  }

  moveLetters(ids: number[], folder: FolderRole | number): number {
    const to = this.folderId(folder);
    const st = this.db.prepare('UPDATE letters SET folder_id = ?, trashed_from = NULL WHERE id = ?');
    return this.db.transaction(() => ids.reduce((n, id) => n + st.run(to, id).changes, 0)).immediate();
  }

  setFlags(ids: number[], flags: { read?: boolean; flagged?: boolean; exported?: boolean }): number {
    const sets: string[] = [];
    const vals: number[] = [];
    for (const [flag, column] of [['read', 'is_read'], ['flagged', 'is_flagged'], ['exported', 'is_exported']] as const) {
      const v = flags[flag];
      if (v === undefined) continue;
      sets.push(`${column} = ?`);
      vals.push(v ? 1 : 0);
    }
    if (sets.length === 0) return 0;
    const st = this.db.prepare(`UPDATE letters SET ${sets.join(', ')} WHERE id = ?`);
    return this.db.transaction(() => ids.reduce((n, id) => n + st.run(...vals, id).changes, 0)).immediate();
  }

  /** Moves to the Corbeille, remembering where each letter came from. */
  trashLetters(ids: number[]): number {
    const trash = this.folderId('trash');
    const st = this.db.prepare('UPDATE letters SET trashed_from = folder_id, folder_id = ? WHERE id = ? AND folder_id <> ?');
    return this.db.transaction(() => ids.reduce((n, id) => n + st.run(trash, id, trash).changes, 0)).immediate();
  }

  restoreFromTrash(ids: number[]): number {
    const st = this.db.prepare(
      'UPDATE letters SET folder_id = coalesce(trashed_from, ?), trashed_from = NULL WHERE id = ? AND folder_id = ?',
    );
    const reception = this.folderId('reception');
    const trash = this.folderId('trash');
    return this.db.transaction(() => ids.reduce((n, id) => n + st.run(reception, id, trash).changes, 0)).immediate();
  }

  /** Deletes for good every letter in the Corbeille (with bodies, labs, attachments, index entries). */
  emptyTrash(): number {
    const trash = this.folderId('trash');
    return this.writeLetters(() => {
      for (const id of this.db.prepare('SELECT id FROM letters WHERE folder_id = ?').pluck().all(trash) as number[]) {
        this.indexQueue.push({ id, drop: true });
      }
      return this.db.prepare('DELETE FROM letters WHERE folder_id = ?').run(trash).changes;
    });
  }

  // ---------------------------------------------------------------- patients

  findPatients(text: string, limit = 20): Patient[] {
    const prefix = foldName(text);
    const rows = this.db
      .prepare(
        `SELECT p.*, (SELECT count(*) FROM letters l WHERE l.patient_id = p.id) AS n FROM patients p
         WHERE (p.name_key >= ? AND p.name_key < ?)
            OR (? AND replace(p.name_key, '|', ' ') LIKE ? ESCAPE '\\')
         ORDER BY p.name_key LIMIT ?`,
      )
      // "DUPONT JEAN" also matches surname then first name (a scan, but the patient table is small).
      .all(prefix, prefix + '\uffff', prefix.includes(' ') ? 1 : 0, prefix.replace(/[\\%_]/g, '\\$&') + '%', limit) as Row[];
    return rows.map(toPatient);
  }

  getPatient(id: number): Patient | undefined {
    const r = this.db
      .prepare('SELECT p.*, (SELECT count(*) FROM letters l WHERE l.patient_id = p.id) AS n FROM patients p WHERE id = ?')
      .get(id) as Row | undefined;
    return r ? toPatient(r) : undefined;
  }

  patientLetters(patientId: number, page: Page = {}): PageResult<LetterSummary> {
    return this.pagedLetters(['l.patient_id = ?'], [patientId], page);
  }

  /** Lab values of a patient for charts, by analyte then date (oldest first); trash excluded. */
  patientHistory(patientId: number, analyte?: string): LabResult[] {
    const rows = this.db
      .prepare(
        // Through the patient's letters (few) to their results, both read from indexes kept in insert order.
        `SELECT r.* FROM letters l JOIN lab_results r ON r.letter_id = l.id
         WHERE l.patient_id = @patient AND r.patient_id = @patient ${analyte ? 'AND r.analyte_code = @analyte' : ''} AND l.folder_id <> @trash
         ORDER BY r.analyte_code, r.date, r.id`,
      )
      .all({ patient: patientId, trash: this.folderId('trash'), ...(analyte ? { analyte } : {}) }) as Row[];
    return rows.map(toLab);
  }

  // ---------------------------------------------------------------- settings and audit

  getSetting<T = unknown>(key: string): T | undefined {
    const r = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as Row | undefined;
    return r ? (JSON.parse(r.value as string) as T) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value));
  }

  /** Who did what, when: actor is a user or component name, never a patient identity. */
  audit(actor: string, action: string, target?: string, details?: Record<string, unknown>): void {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)')
      .run(Date.now(), actor, action, target ?? null, details ? JSON.stringify(details) : null);
  }

  listAudit(limit = 100): { at: number; actor: string; action: string; target: string | null; details: unknown }[] {
    return (this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map((r) => ({
      at: r.at as number,
      actor: r.actor as string,
      action: r.action as string,
      target: (r.target as string | null) ?? null,
      details: r.details ? (JSON.parse(r.details as string) as unknown) : null,
    }));
  }

  // ---------------------------------------------------------------- key store

  /** Idempotent: the same key (owner, year, CRC) imported twice is stored once. */
  importKey(k: KeyInput): { id: number; created: boolean } {
    if (k.pad.length !== k.indexMax) {
      throw new PliError('key_incomplete', `La clef ${k.owner}.${k.year} est incomplète : ${k.indexMax} octets attendus, ${k.pad.length} trouvés.`);
    }
    return this.db
      .transaction(() => {
        const r = this.db
          .prepare(
            `INSERT INTO keys (owner, year, tag, index_max, crc, pad, start_offset, kind, source, imported_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner, year, crc) DO NOTHING`,
          )
          .run(k.owner, k.year, k.tag ?? '', k.indexMax, k.crc, k.pad, k.startOffset ?? 0, k.kind, k.source ?? '', Date.now());
        if (r.changes > 0) return { id: Number(r.lastInsertRowid), created: true };
        const row = this.db.prepare('SELECT id FROM keys WHERE owner = ? AND year = ? AND crc = ?').get(k.owner, k.year, k.crc) as Row;
        return { id: row.id as number, created: false };
      })
      .immediate();
  }

  listKeys(): KeyInfo[] {
    return (this.db.prepare(`SELECT ${KEY_INFO_COLUMNS} FROM keys k ORDER BY k.owner, k.year DESC, k.id`).all() as Row[]).map(toKeyInfo);
  }

  /** The newest imported key of this owner and year, with its pad. */
  getPad(owner: string, year: number): KeyPad | undefined {
    const r = this.db
      .prepare(`SELECT ${KEY_INFO_COLUMNS}, k.pad FROM keys k WHERE k.owner = ? AND k.year = ? ORDER BY k.id DESC LIMIT 1`)
      .get(owner, year) as Row | undefined;
    return r ? { ...toKeyInfo(r), pad: toBytes(r.pad)! } : undefined;
  }

  getKeyPad(keyId: number): KeyPad | undefined {
    const r = this.db.prepare(`SELECT ${KEY_INFO_COLUMNS}, k.pad FROM keys k WHERE k.id = ?`).get(keyId) as Row | undefined;
    return r ? { ...toKeyInfo(r), pad: toBytes(r.pad)! } : undefined;
  }

  // ---------------------------------------------------------------- pad ledger

  /**
   * Reserves the next `length` pad bytes of a key, durably (BEGIN IMMEDIATE takes SQLite's write lock,
   * so two processes serialize here; synchronous=FULL makes the commit survive power loss) before any
   * ciphertext exists. Ranges only move forward: never reused, never wrapped to 0.
   */
  reservePadRange(keyId: number, length: number, letterRef: string): ReserveResult {
    if (!Number.isInteger(length) || length <= 0) {
      throw new PliError('pad_length_invalid', 'Longueur de masque invalide.', { length });
    }
    return this.db
      .transaction(() => {
        const k = this.db.prepare('SELECT owner, year, index_max, start_offset FROM keys WHERE id = ?').get(keyId) as Row | undefined;
        if (!k) throw new PliError('key_missing', 'Clef introuvable dans le profil : importez-la depuis son support.');
        const end = this.ledgerEnd(keyId, k.start_offset as number);
        const indexMax = k.index_max as number;
        const remaining = Math.max(0, indexMax - end);
        if (length > remaining) {
          throw new PliError(
            'pad_exhausted',
            `La clef ${k.owner as string}.${k.year as number} est épuisée : il reste ${remaining.toLocaleString('fr-FR')} octets, ` +
              `ce courrier en demande ${length.toLocaleString('fr-FR')}. Importez une nouvelle clef pour continuer à envoyer.`,
            { remaining, needed: length, keyId },
          );
        }
        const now = Date.now();
        const r = this.db
          .prepare(
            `INSERT INTO pad_reservations (key_id, start, length, letter_ref, state, session, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'reserved', ?, ?, ?)`,
          )
          .run(keyId, end, length, letterRef, this.session, now, now);
        const usedRatio = (end + length) / indexMax;
        const warning: PadWarning = usedRatio >= 0.95 ? 'warn_95' : usedRatio >= 0.8 ? 'warn_80' : 'none';
        return { reservationId: Number(r.lastInsertRowid), start: end, length, usedRatio, warning, remaining: remaining - length };
      })
      .immediate();
  }

  private ledgerEnd(keyId: number, startOffset: number): number {
    const r = this.db
      .prepare('SELECT max(start + length) AS e FROM pad_reservations WHERE key_id = ?')
      .get(keyId) as Row;
    return Math.max(startOffset, (r.e as number | null) ?? 0);
  }

  /** The ciphertext exists and belongs to `letterRef`: the range is now spent for good. */
  markPadUsed(reservationId: number, letterRef?: string): void {
    this.db
      .transaction(() => {
        const r = this.db.prepare('SELECT state FROM pad_reservations WHERE id = ?').get(reservationId) as Row | undefined;
        if (!r) throw new PliError('pad_reservation_missing', 'Réservation de masque introuvable.');
        if (r.state === 'used') return;
        if (r.state === 'abandoned') {
          throw new PliError(
            'pad_reservation_abandoned',
            'Cette réservation de masque a été abandonnée après une interruption : chiffrez de nouveau le courrier.',
          );
        }
        this.db
          .prepare(`UPDATE pad_reservations SET state = 'used', letter_ref = coalesce(?, letter_ref), updated_at = ? WHERE id = ?`)
          .run(letterRef ?? null, Date.now(), reservationId);
      })
      .immediate();
  }

  /**
   * Reservations still 'reserved' by a process that no longer runs (kill -9, crash, power loss) are
   * marked abandoned: skipped forever, since the ledger end never moves back. Run at every open.
   */
  abandonStaleReservations(): number {
    return this.db
      .transaction(() => {
        const sessions = this.db
          .prepare(`SELECT DISTINCT session FROM pad_reservations WHERE state = 'reserved'`)
          .all() as Row[];
        let n = 0;
        const st = this.db.prepare(
          `UPDATE pad_reservations SET state = 'abandoned', updated_at = ? WHERE state = 'reserved' AND session = ?`,
        );
        for (const { session } of sessions) {
          if (session === this.session || sessionAlive(session as string)) continue;
          n += st.run(Date.now(), session).changes;
        }
        return n;
      })
      .immediate();
  }

  listReservations(keyId?: number): PadReservation[] {
    const rows = (
      keyId === undefined
        ? this.db.prepare('SELECT * FROM pad_reservations ORDER BY key_id, start').all()
        : this.db.prepare('SELECT * FROM pad_reservations WHERE key_id = ? ORDER BY start').all(keyId)
    ) as Row[];
    return rows.map((r) => ({
      id: r.id as number,
      keyId: r.key_id as number,
      start: r.start as number,
      length: r.length as number,
      letterRef: r.letter_ref as string,
      state: r.state as PadReservation['state'],
      session: r.session as string,
      createdAt: r.created_at as number,
    }));
  }

  // ---------------------------------------------------------------- maintenance

  integrityCheck(): string[] {
    return (this.db.prepare('PRAGMA integrity_check').all() as Row[]).map((r) => String(r.integrity_check));
  }

  /** A consistent encrypted copy (same key) of the whole database, for backups. */
  vacuumInto(file: string): void {
    this.db.prepare('VACUUM INTO ?').run(file);
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  // ------ receive pipeline

  /** Server message ids (IMAP uid / POP3 UIDL) of one account's mailbox already fetched, in any state. */
  receivedUids(account: string, mailbox: string): string[] {
    return (this.db.prepare('SELECT uid FROM received_messages WHERE account = ? AND mailbox = ?').all(account, mailbox) as Row[]).map(
      (r) => r.uid as string,
    );
  }

  /**
   * Stores fetched server messages in ONE transaction: each letter (skipped when its content hash is
   * already in the mailbox) and the record of its server message, state 'stored'. A message already
   * recorded (another process got there first) is left alone. Per item: the letter id (the existing one
   * for a duplicate) and whether a new letter was inserted. The server copy may be touched only after.
   */
  storeReceived(
    items: { account: string; mailbox: string; uid: string; size: number; letter: LetterInput }[],
  ): { letterId: number | null; inserted: boolean }[] {
    const s = this.insertStatements();
    const known = this.db.prepare('SELECT letter_id FROM received_messages WHERE account = ? AND mailbox = ? AND uid = ?');
    const byHash = this.db.prepare('SELECT id FROM letters WHERE content_hash = ?');
    const record = this.db.prepare(
      `INSERT INTO received_messages (account, mailbox, uid, content_hash, state, letter_id, size, fetched_at, updated_at)
       VALUES (?, ?, ?, ?, 'stored', ?, ?, ?, ?)`,
    );
    return this.writeLetters(() => {
      const patientCache = new Map<string, number>();
      return items.map((it) => {
        const prior = known.get(it.account, it.mailbox, it.uid) as Row | undefined;
        if (prior) return { letterId: (prior.letter_id as number | null) ?? null, inserted: false };
        const hash = it.letter.contentHash ?? contentHash(it.letter);
        const letter = { ...it.letter, contentHash: hash };
        let id = this.insertOne(letter, s, patientCache);
        const inserted = id !== null;
        if (id === null) id = ((byHash.get(hash) as Row | undefined)?.id as number | undefined) ?? null;
        const now = Date.now();
        record.run(it.account, it.mailbox, it.uid, hash, id, it.size, now, now);
        return { letterId: id, inserted };
      });
    });
  }

  /** The server copies were marked seen (IMAP) or deleted (POP3, after QUIT): remember it. */
  markReceived(account: string, mailbox: string, uids: string[], state: 'seen' | 'deleted'): number {
    const st = this.db.prepare('UPDATE received_messages SET state = ?, updated_at = ? WHERE account = ? AND mailbox = ? AND uid = ?');
    return this.db
      .transaction(() => uids.reduce((n, uid) => n + st.run(state, Date.now(), account, mailbox, uid).changes, 0))
      .immediate();
  }

  /**
   * Server messages of a mailbox in one of `states`, recorded at or before `before` (epoch ms): the stored
   * ones not yet marked seen (IMAP, after a crash), or those due for deletion (POP3, after N days).
   */
  receivedInState(account: string, mailbox: string, states: ('stored' | 'seen' | 'deleted')[], before = Number.MAX_SAFE_INTEGER): string[] {
    if (states.length === 0) return [];
    return (
      this.db
        .prepare(
          `SELECT uid FROM received_messages WHERE account = ? AND mailbox = ? AND state IN (${states.map(() => '?').join(', ')}) AND fetched_at <= ?`,
        )
        .all(account, mailbox, ...states, before) as Row[]
    ).map((r) => r.uid as string);
  }

  /** Letters waiting in "À vérifier" with their original bytes, oldest first, for a new attempt. */
  reviewLetters(limit = 500): { id: number; raw: Uint8Array; receivedAt: number; reviewCode: string | null }[] {
    return (
      this.db
        .prepare(
          `SELECT l.id, l.received_at, l.review_code, b.raw FROM letters l JOIN letter_bodies b ON b.letter_id = l.id
           WHERE l.folder_id = ? AND b.raw IS NOT NULL ORDER BY l.id LIMIT ?`,
        )
        .all(this.folderId('review'), limit) as Row[]
    ).map((r) => ({ id: r.id as number, raw: toBytes(r.raw)!, receivedAt: r.received_at as number, reviewCode: (r.review_code as string | null) ?? null }));
  }

  /**
   * Replaces, in place, what a letter of "À vérifier" says once it could be read (text, patient, labs,
   * signature, attachments), moves it to `letter.folder` and clears the review reason. The original bytes
   * and the content hash stay. False when the letter is no longer in "À vérifier".
   */
  resolveReview(id: number, letter: LetterInput): boolean {
    const review = this.folderId('review');
    return this.writeLetters(() => {
      const cur = this.db.prepare('SELECT folder_id FROM letters WHERE id = ?').get(id) as Row | undefined;
      if (!cur || cur.folder_id !== review) return false;
      const s = this.insertStatements();
      const nir = normalizeNir(letter.patient?.nir);
      const labs = (letter.labs ?? []).map((x) => normalizeLab(x, letter.documentDate));
      const patientId = letter.patient ? this.patientId(letter.patient, nir, s, new Map()) : null;
      const rawSize = (this.db.prepare('SELECT length(raw) AS n FROM letter_bodies WHERE letter_id = ?').get(id) as Row | undefined)?.n as number | null | undefined;
      this.db
        .prepare(`UPDATE letters SET ${CONTENT_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`)
        .run(...this.contentValues(letter, { patientId, nir, labs, rawSize: rawSize ?? 0 }), id);
      const text = letter.text ?? '';
      const kept = keptPayload(letter.payload, text);
      this.db
        .prepare('UPDATE letter_bodies SET body = CAST(? AS TEXT), payload = ?, payload_encoding = ?, html = ? WHERE letter_id = ?')
        .run(text, kept.payload, kept.encoding, letter.html ?? null, id);
      // The index entry is replaced after the commit; the queue row repairs it if Pli stops before.
      this.indexQueuePending = Number(this.db.prepare('INSERT INTO search_pending (letter_id) VALUES (?)').run(id).lastInsertRowid);
      this.queueIndex(id, letter, text);
      this.db.prepare('DELETE FROM lab_results WHERE letter_id = ?').run(id);
      for (const x of labs) {
        s.lab.run(id, patientId, x.code, x.label, x.date, x.value, x.numericValue, x.unit, x.low, x.high, x.flag, x.abnormal ? 1 : 0);
      }
      this.db.prepare('DELETE FROM attachments WHERE letter_id = ?').run(id);
      (letter.attachments ?? []).forEach((a, i) => s.attachment.run(id, i, a.name, a.mime ?? 'application/octet-stream', a.bytes.length, a.bytes));
      return true;
    });
  }

  /** A mail account's settings with its password (kept in the encrypted mailbox), for the transport. */
  receiveAccount(id: number):
    | { id: number; name: string; protocol: string; host: string; port: number; username: string; password: string | null; security: string }
    | undefined {
    const r = this.db
      .prepare('SELECT id, name, protocol, host, port, username, password, security FROM accounts WHERE id = ?')
      .get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      id: r.id as number,
      name: r.name as string,
      protocol: r.protocol as string,
      host: r.host as string,
      port: r.port as number,
      username: r.username as string,
      password: (r.password as string | null) ?? null,
      security: r.security as string,
    };
  }

  // ------ send pipeline

  /**
   * A composed letter enters the outbox in ONE transaction: the letter (folder 'outbox'), its send record
   * and one outbox row per recipient, all due now. Nothing is signed, encrypted or sent before this commit.
   */
  enqueueOutgoing(
    letter: LetterInput,
    send: { sender: string; recipients: string[]; cc?: string[]; sign: boolean; maxBytes: number; warnings?: string[] },
  ): number {
    const s = this.insertStatements();
    return this.writeLetters(() => {
      const now = Date.now();
      const id = this.insertOne({ ...letter, folder: 'outbox' }, s, new Map());
      if (id === null) throw new PliError('outbox_duplicate', 'Ce courrier est déjà dans « À envoyer ».');
      this.db
        .prepare('INSERT INTO outbox_letters (letter_id, sender, cc, sign, max_bytes, warnings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, send.sender, JSON.stringify(send.cc ?? []), send.sign ? 1 : 0, send.maxBytes, JSON.stringify(send.warnings ?? []), now);
      const row = this.db.prepare(
        `INSERT INTO outbox (letter_id, recipient, status, attempts, next_attempt_at, updated_at) VALUES (?, ?, 'pending', 0, ?, ?)
         ON CONFLICT (letter_id, recipient) DO NOTHING`,
      );
      for (const r of send.recipients) row.run(id, r, now, now);
      return id;
    });
  }

  /**
   * Outgoing letters with work to do at `now`, oldest first: a recipient pending and due, or left
   * 'sending' by an interrupted run (the process died between submission and its record).
   */
  dueOutgoing(now: number, limit = 100, afterId = 0): number[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT o.letter_id FROM outbox o JOIN outbox_letters s ON s.letter_id = o.letter_id
           WHERE ((o.status = 'pending' AND coalesce(o.next_attempt_at, 0) <= ?) OR o.status = 'sending') AND o.letter_id > ?
           ORDER BY o.letter_id LIMIT ?`,
        )
        .all(now, afterId, limit) as Row[]
    ).map((r) => r.letter_id as number);
  }

  /** Everything the send pipeline needs about one outgoing letter (attachments with their bytes). */
  outgoingLetter(letterId: number): OutgoingLetter | undefined {
    const r = this.db
      .prepare(
        `SELECT l.id, l.subject, l.message_id, l.folder_id, s.sender, s.cc, s.sign, s.max_bytes, s.sealed, s.warnings, b.payload, b.payload_encoding, b.body
         FROM outbox_letters s JOIN letters l ON l.id = s.letter_id LEFT JOIN letter_bodies b ON b.letter_id = l.id
         WHERE s.letter_id = ?`,
      )
      .get(letterId) as Row | undefined;
    if (!r) return undefined;
    const attachments = (
      this.db.prepare('SELECT name, mime, bytes FROM attachments WHERE letter_id = ? ORDER BY idx').all(letterId) as Row[]
    ).map((a) => ({ name: a.name as string, mime: a.mime as string, bytes: toBytes(a.bytes)! }));
    return {
      letterId,
      subject: r.subject as string,
      messageId: (r.message_id as string | null) ?? null,
      sender: r.sender as string,
      cc: JSON.parse(r.cc as string) as string[],
      sign: r.sign === 1,
      maxBytes: r.max_bytes as number,
      payload: storedPayload(r),
      text: (r.body as string | null) ?? '',
      sealed: toBytes(r.sealed),
      warnings: JSON.parse(r.warnings as string) as string[],
      inOutbox: r.folder_id === this.folderId('outbox'),
      recipients: this.outboxStatus(letterId),
      attachments,
    };
  }

  /** Per-recipient send status of a letter. */
  outboxStatus(letterId: number): OutboxEntry[] {
    return (
      this.db
        .prepare('SELECT recipient, status, attempts, next_attempt_at, last_error, updated_at FROM outbox WHERE letter_id = ? ORDER BY id')
        .all(letterId) as Row[]
    ).map((o) => ({
      recipient: o.recipient as string,
      status: o.status as OutboxEntry['status'],
      attempts: o.attempts as number,
      nextAttemptAt: (o.next_attempt_at as number | null) ?? null,
      lastError: (o.last_error as string | null) ?? null,
      updatedAt: o.updated_at as number,
    }));
  }

  /** Recipients about to be submitted: 'sending', one more attempt, committed before the SMTP dialogue. */
  markOutboxSending(letterId: number, recipients: string[]): void {
    const st = this.db.prepare(
      `UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE letter_id = ? AND recipient = ? AND status IN ('pending', 'sending')`,
    );
    this.db.transaction(() => recipients.forEach((r) => st.run(Date.now(), letterId, r))).immediate();
  }

  /**
   * The encrypted message, stored before its first submission: every retry sends these same bytes. The
   * letter keeps it as its original (what "Envoyés" shows was sent). Refused when one is already stored.
   */
  /** Keeps the sealed message to resend as is; a signed letter also records who signed it, for Envoyés. */
  storeSealedMessage(letterId: number, sealed: Uint8Array, messageId: string, signer?: SignerInfo): void {
    this.db
      .transaction(() => {
        if (signer) {
          this.db.prepare("UPDATE letters SET signature_status = 'valid', signature_signer = ? WHERE id = ?").run(JSON.stringify(signer), letterId);
        }
        const r = this.db.prepare('UPDATE outbox_letters SET sealed = ?, sealed_at = ? WHERE letter_id = ? AND sealed IS NULL').run(sealed, Date.now(), letterId);
        if (r.changes === 0) throw new PliError('outbox_already_sealed', 'Ce courrier a déjà été chiffré : il sera renvoyé tel quel.', { letterId });
        this.db.prepare('UPDATE letter_bodies SET raw = ? WHERE letter_id = ?').run(sealed, letterId);
        this.db.prepare('UPDATE letters SET message_id = ?, size = size + ? WHERE id = ?').run(messageId, sealed.length, letterId);
      })
      .immediate();
  }

  /**
   * Records the outcome per recipient. When no recipient is left to try and at least one got the letter,
   * it moves into "Envoyés" (with its sending date); letters refused for every recipient stay in
   * "À envoyer" with their errors. Returns where the letter is now.
   */
  markOutboxResults(
    letterId: number,
    results: { recipient: string; status: 'sent' | 'pending' | 'failed'; error?: string; nextAttemptAt?: number }[],
  ): 'outbox' | 'sent' {
    return this.db
      .transaction(() => {
        const now = Date.now();
        const st = this.db.prepare('UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE letter_id = ? AND recipient = ?');
        for (const x of results) st.run(x.status, x.error ?? null, x.nextAttemptAt ?? null, now, letterId, x.recipient);
        const counts = this.db
          .prepare(`SELECT sum(status IN ('pending', 'sending')) AS open, sum(status = 'sent') AS sent FROM outbox WHERE letter_id = ?`)
          .get(letterId) as Row;
        if (((counts.open as number | null) ?? 0) === 0 && ((counts.sent as number | null) ?? 0) > 0) {
          this.db.prepare('UPDATE letters SET folder_id = ?, sent_at = coalesce(sent_at, ?), is_read = 1 WHERE id = ?').run(this.folderId('sent'), now, letterId);
          return 'sent' as const;
        }
        return 'outbox' as const;
      })
      .immediate();
  }

  // ------ migration

  /** How far the import of one legacy source got (undefined: never started). */
  migrationProgress(source: string):
    | { position: number; positionName: string; done: boolean; counts: Record<string, number>; problems: unknown[] }
    | undefined {
    const r = this.db.prepare('SELECT * FROM migration_progress WHERE source = ?').get(source) as Row | undefined;
    if (!r) return undefined;
    return {
      position: r.position as number,
      positionName: r.position_name as string,
      done: r.done === 1,
      counts: JSON.parse(r.counts as string) as Record<string, number>,
      problems: JSON.parse(r.problems as string) as unknown[],
    };
  }

  /**
   * One batch of a legacy import in ONE transaction: the letters (a content hash already present is
   * skipped and counted 'alreadyPresent', else counted under its tag, its problem listed) and the source's new position,
   * with `counts` added and `problems` appended (at most 2,000 kept), so that a restart never redoes
   * a committed batch nor loses one.
   */
  migrationCommit(
    source: string,
    step: { position: number; positionName: string; done: boolean; counts: Record<string, number>; problems: unknown[] },
    letters: { letter: LetterInput; tag: string; problem?: unknown }[],
  ): { ids: (number | null)[]; counts: Record<string, number> } {
    const s = this.insertStatements();
    return this.writeLetters(() => {
      const prior = this.db.prepare('SELECT counts, problems FROM migration_progress WHERE source = ?').get(source) as Row | undefined;
      const counts = prior ? (JSON.parse(prior.counts as string) as Record<string, number>) : {};
      const problems = prior ? (JSON.parse(prior.problems as string) as unknown[]) : [];
      for (const [k, v] of Object.entries(step.counts)) counts[k] = (counts[k] ?? 0) + v;
      for (const p of step.problems) if (problems.length < 2000) problems.push(p);
      const patientCache = new Map<string, number>();
      const ids = letters.map(({ letter, tag, problem }) => {
        const id = this.insertOne(letter, s, patientCache);
        const k = id === null ? 'alreadyPresent' : tag;
        counts[k] = (counts[k] ?? 0) + 1;
        // A letter's problem (why it is "À vérifier") is worth listing only when it was added now.
        if (id !== null && problem !== undefined && problems.length < 2000) problems.push(problem);
        return id;
      });
      this.db
        .prepare(
          `INSERT INTO migration_progress (source, position, position_name, done, counts, problems, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET position = excluded.position,
           position_name = excluded.position_name, done = excluded.done, counts = excluded.counts,
           problems = excluded.problems, updated_at = excluded.updated_at`,
        )
        .run(source, step.position, step.positionName, step.done ? 1 : 0, JSON.stringify(counts), JSON.stringify(problems), Date.now());
      return { ids, counts };
    });
  }

  /** Forgets a source's progress (the user asked to import it again from the start; dedup still applies). */
  migrationForget(source: string): number {
    return this.db.prepare('DELETE FROM migration_progress WHERE source = ?').run(source).changes;
  }

  // ------ accounts (one row per server: the incoming POP3/IMAP one and the SMTP one of an address)

  /** Creates or updates an account row; `password: undefined` keeps the stored one. Returns its id. */
  saveAccountRow(row: AccountRow & { password?: string | null }): number {
    const now = Date.now();
    if (row.id !== undefined) {
      this.db
        .prepare(
          `UPDATE accounts SET name = ?, protocol = ?, host = ?, port = ?, username = ?, security = ?,
           password = CASE WHEN ? THEN ? ELSE password END, updated_at = ? WHERE id = ?`,
        )
        .run(row.name, row.protocol, row.host, row.port, row.username, row.security, row.password !== undefined ? 1 : 0, row.password ?? null, now, row.id);
      return row.id;
    }
    return Number(
      this.db
        .prepare('INSERT INTO accounts (name, protocol, host, port, username, password, security, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(row.name, row.protocol, row.host, row.port, row.username, row.password ?? null, row.security, now, now).lastInsertRowid,
    );
  }

  /** Account rows without their passwords (whether one is stored is enough outside the transport). */
  listAccountRows(): (AccountRow & { id: number; hasPassword: boolean })[] {
    const rows = this.db.prepare('SELECT id, name, protocol, host, port, username, security, password IS NOT NULL AS has_password FROM accounts ORDER BY id').all() as Row[];
    return rows.map((r) => ({
      id: r.id as number,
      name: r.name as string,
      protocol: r.protocol as string,
      host: r.host as string,
      port: r.port as number,
      username: r.username as string,
      security: r.security as string,
      hasPassword: r.has_password === 1,
    }));
  }

  // ------ drop-folder export (the exporter's durable journal: src/host/practice ExportJournal)

  /** New pending exports with their content, all or nothing; an entry already known is left as it is. */
  exportAddPending(jobs: { entry: DropExportEntry; content: Uint8Array }[]): void {
    const ins = this.db.prepare(
      `INSERT OR IGNORE INTO drop_exports (letter_id, doc_index, profile, state, entry, content, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = Date.now();
    this.db
      .transaction(() => {
        for (const j of jobs) ins.run(Number(j.entry.letterId), j.entry.docIndex, j.entry.profileId, j.entry.state, JSON.stringify(j.entry), j.content, now);
      })
      .immediate();
  }

  /** New states of entries; the content is dropped once an export is done. */
  exportRecord(entries: DropExportEntry[]): void {
    const up = this.db.prepare(
      `UPDATE drop_exports SET state = ?, entry = ?, content = CASE WHEN ? = 'done' THEN NULL ELSE content END, updated_at = ?
       WHERE letter_id = ? AND doc_index = ? AND profile = ?`,
    );
    const now = Date.now();
    this.db
      .transaction(() => {
        for (const e of entries) up.run(e.state, JSON.stringify(e), e.state, now, Number(e.letterId), e.docIndex, e.profileId);
      })
      .immediate();
  }

  exportUnfinished(profileId: string): DropExportEntry[] {
    const rows = this.db
      .prepare(`SELECT entry FROM drop_exports WHERE profile = ? AND state <> 'done' ORDER BY id`)
      .all(profileId) as Row[];
    return rows.map((r) => JSON.parse(r.entry as string) as DropExportEntry);
  }

  exportContent(letterId: string, docIndex: number, profileId: string): Uint8Array | undefined {
    const r = this.db
      .prepare('SELECT content FROM drop_exports WHERE letter_id = ? AND doc_index = ? AND profile = ?')
      .get(Number(letterId), docIndex, profileId) as Row | undefined;
    return (r?.content as Uint8Array | null | undefined) ?? undefined;
  }

  exportEntriesFor(letterId: string, profileId?: string): DropExportEntry[] {
    const rows = (
      profileId === undefined
        ? this.db.prepare('SELECT entry FROM drop_exports WHERE letter_id = ? ORDER BY id').all(Number(letterId))
        : this.db.prepare('SELECT entry FROM drop_exports WHERE letter_id = ? AND profile = ? ORDER BY id').all(Number(letterId), profileId)
    ) as Row[];
    return rows.map((r) => JSON.parse(r.entry as string) as DropExportEntry);
  }

  // ------ directory (issue 11: entries of every source, FTS search, block list, « Bloqués »)

  private dirStmts?: ReturnType<MailboxStore['prepareDirectory']>;
  private directoryStatements() {
    return (this.dirStmts ??= this.prepareDirectory());
  }
  private prepareDirectory() {
    const db = this.db;
    const ftsCols = 'rowid, surname, given_name, profession, specialty, city, postal_code, addr, ids';
    const ftsInsert = (t: string) => db.prepare(`INSERT INTO ${t} (${ftsCols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    return {
      idOf: db.prepare('SELECT id FROM directory_entries WHERE source = ? AND key = ?').pluck(),
      idsOf: db.prepare('SELECT id FROM directory_entries WHERE source = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO directory_entries (${DIR_COLUMNS.join(', ')}) VALUES (${DIR_COLUMNS.map((c) => '@' + c).join(', ')})`,
      ),
      update: db.prepare(`UPDATE directory_entries SET ${DIR_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`),
      deleteSource: db.prepare('DELETE FROM directory_entries WHERE source = ?'),
      get: db.prepare('SELECT * FROM directory_entries WHERE source = ? AND key = ?'),
      list: db.prepare('SELECT * FROM directory_entries WHERE source = ? ORDER BY id'),
      byIds: db.prepare('SELECT * FROM directory_entries WHERE id IN (SELECT value FROM json_each(?))'),
      byName: db.prepare('SELECT * FROM directory_entries WHERE name_key >= ? AND name_key < ? ORDER BY name_key LIMIT ?'),
      bySurname: db.prepare(
        `SELECT * FROM directory_entries WHERE id IN (SELECT rowid FROM directory_fts WHERE directory_fts MATCH ?)
         ORDER BY name_key LIMIT ?`,
      ),
      fts: {
        main: {
          insert: ftsInsert('directory_fts'),
          delete: db.prepare('DELETE FROM directory_fts WHERE rowid = ?'),
          ranked: db.prepare(`SELECT rowid FROM directory_fts WHERE directory_fts MATCH ? ORDER BY bm25(directory_fts, ${FTS_WEIGHTS}) LIMIT ?`).pluck(),
          first: db.prepare('SELECT rowid FROM directory_fts WHERE directory_fts MATCH ? LIMIT ?').pluck(),
        },
        corr: {
          insert: ftsInsert('correspondents_fts'),
          delete: db.prepare('DELETE FROM correspondents_fts WHERE rowid = ?'),
          first: db.prepare('SELECT rowid FROM correspondents_fts WHERE correspondents_fts MATCH ? LIMIT ?').pluck(),
        },
      },
    };
  }

  /** Adds or replaces one entry (by source + key) and its index row; returns its id. */
  private directoryWrite(source: string, e: DirectoryEntry, s: ReturnType<MailboxStore['prepareDirectory']>, known: boolean): void {
    const row = entryRow(source, e);
    const fts = source === CORRESPONDENTS ? s.fts.corr : s.fts.main;
    const old = known ? (s.idOf.get(source, e.key) as number | undefined) : undefined;
    let id: number;
    if (old !== undefined) {
      s.update.run({ ...row, id: old });
      fts.delete.run(old);
      id = old;
    } else id = Number(s.insert.run(row).lastInsertRowid);
    fts.insert.run(id, ...ftsValues(e));
  }

  /** Adds or replaces entries by (source, key), in one transaction. */
  directoryUpsert(source: string, entries: DirectoryEntry[]): void {
    const s = this.directoryStatements();
    this.db.transaction(() => {
      for (const e of entries) this.directoryWrite(source, e, s, true);
    }).immediate();
  }

  /** A re-import: afterwards the source holds exactly these entries (all or nothing). */
  directoryReplaceSource(source: string, entries: DirectoryEntry[]): void {
    const s = this.directoryStatements();
    this.db.transaction(() => {
      this.directoryDrop(source, s);
      for (const e of entries) this.directoryWrite(source, e, s, false);
    }).immediate();
  }

  private directoryDrop(source: string, s: ReturnType<MailboxStore['prepareDirectory']>): void {
    const fts = source === CORRESPONDENTS ? s.fts.corr : s.fts.main;
    for (const id of s.idsOf.all(source) as number[]) fts.delete.run(id);
    s.deleteSource.run(source);
  }

  directoryRemoveSource(source: string): void {
    const s = this.directoryStatements();
    this.db.transaction(() => {
      this.directoryDrop(source, s);
      this.db.prepare('DELETE FROM directory_sources WHERE id = ?').run(source);
    }).immediate();
  }

  directoryGetEntry(source: string, key: string): DirectoryEntry | undefined {
    const r = this.directoryStatements().get.get(source, key) as Row | undefined;
    return r ? rowEntry(r) : undefined;
  }

  directoryListEntries(source: string): DirectoryEntry[] {
    return (this.directoryStatements().list.all(source) as Row[]).map(rowEntry);
  }

  /**
   * Candidates for a directory search, best first (scored like the in-memory index, correspondents
   * boosted). One word: surnames starting with it in alphabetical order from the name index (a one-letter
   * FTS prefix would rank tens of thousands of rows), plus exact surname words, plus FTS when the names are
   * too few. Several words: FTS ranked by bm25 with field weights. Own correspondents have their own small
   * index, every match of it scored, so that they are never cut off by the directories.
   */
  directorySearch(tokens: string[], limit: number): DirectoryEntry[] {
    const toks = tokens.filter((t) => /^[a-z0-9]+$/.test(t)).slice(0, 8);
    if (toks.length === 0 || toks.length !== tokens.length || limit <= 0) return [];
    const s = this.directoryStatements();
    const match = toks.map((t) => `"${t}"*`).join(' AND ');
    const found = new Map<number, DirectoryEntry>();
    const add = (rows: Row[]) => {
      for (const r of rows) if (!found.has(r.id as number)) found.set(r.id as number, rowEntry(r));
    };
    const byIds = (ids: number[]) => {
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length) add(s.byIds.all(JSON.stringify(missing)) as Row[]);
    };
    // Own correspondents are few: every match is scored (their boost depends on how often they were used).
    byIds(s.fts.corr.first.all(match, MAX_CORRESPONDENT_CANDIDATES) as number[]);
    if (toks.length === 1) {
      const t = toks[0]!;
      const named = s.byName.all(t, `${t}~`, limit) as Row[];
      add(named);
      // Surname words after the first (« LE GALL » for gall, legall), alphabetically: exact ones always,
      // prefixes when the first words were too few; then the other fields, by bm25.
      add(s.bySurname.all(`{surname} : "${t}"`, limit) as Row[]);
      if (named.length < limit) {
        const more = s.bySurname.all(`{surname} : "${t}"*`, limit) as Row[];
        add(more);
        if (more.length < limit) byIds(s.fts.main.ranked.all(match, limit) as number[]);
      }
    } else byIds(s.fts.main.ranked.all(match, limit) as number[]);
    const scored: Array<{ e: DirectoryEntry; score: number; sort: string }> = [];
    for (const e of found.values()) {
      const score = scoreEntry(e, toks);
      if (score > 0) scored.push({ e, score, sort: sortKey(e) });
    }
    scored.sort((a, b) => b.score - a.score || (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
    return scored.slice(0, limit).map((x) => x.e);
  }

  directoryListSources(): DirectorySourceRow[] {
    const rows = this.db.prepare('SELECT id, kind, label, updated_at, entries FROM directory_sources ORDER BY id').all() as Row[];
    return rows.map((r) => ({
      id: r.id as string,
      kind: r.kind as DirectorySourceRow['kind'],
      label: r.label as string,
      updatedAt: r.updated_at as string,
      entries: r.entries as number,
    }));
  }

  directorySaveSource(info: DirectorySourceRow): void {
    this.db
      .prepare(
        `INSERT INTO directory_sources (id, kind, label, updated_at, entries) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, label = excluded.label, updated_at = excluded.updated_at, entries = excluded.entries`,
      )
      .run(info.id, info.kind, info.label, info.updatedAt, info.entries);
  }

  /**
   * Learns correspondents from one letter's addresses (sent or received), in one transaction: counts the
   * exchange, keeps the newest name. Malformed addresses are skipped; returns how many were recorded.
   */
  directoryRecordCorrespondents(inputs: CorrespondentInput[], now: number): number {
    const s = this.directoryStatements();
    return this.db.transaction(() => {
      let n = 0;
      for (const input of inputs) {
        const c = checkAddress(input.address);
        if (!c.ok) continue;
        const key = `mail:${c.address.address.toLowerCase()}`;
        const prev = this.directoryGetEntry(CORRESPONDENTS, key);
        const e = updateCorrespondent(prev, { ...input, address: c.address.address }, now);
        this.directoryWrite(CORRESPONDENTS, e, s, prev !== undefined);
        n++;
      }
      if (n > 0) {
        const count = this.db.prepare('SELECT count(*) FROM directory_entries WHERE source = ?').pluck().get(CORRESPONDENTS) as number;
        this.directorySaveSource({ id: CORRESPONDENTS, kind: 'correspondents', label: 'Mes correspondants', updatedAt: new Date(now).toISOString(), entries: count });
      }
      return n;
    }).immediate();
  }

  directoryListBlocked(): BlockedSender[] {
    const rows = this.db.prepare('SELECT key, address, reason, note, notify, since FROM blocked_senders ORDER BY address').all() as Row[];
    return rows.map((r) => {
      const b: BlockedSender = { key: r.key as string, address: r.address as string, reason: r.reason as BlockedSender['reason'], notify: r.notify === 1, since: r.since as string };
      if (r.note !== null) b.note = r.note as string;
      return b;
    });
  }

  directoryBlock(b: BlockedSender): void {
    this.db
      .prepare(
        `INSERT INTO blocked_senders (key, address, reason, note, notify, since) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET address = excluded.address, reason = excluded.reason, note = excluded.note,
           notify = excluded.notify, since = excluded.since`,
      )
      .run(b.key, b.address, b.reason, b.note ?? null, b.notify ? 1 : 0, b.since);
  }

  directoryUnblock(key: string): boolean {
    return this.db.prepare('DELETE FROM blocked_senders WHERE key = ?').run(key).changes > 0;
  }

  /**
   * Moves the letters of one sender (letters.sender is stored lowercased, as addressKey gives it):
   * 'block' from every folder of received letters (not the outgoing ones, « À vérifier » or the
   * Corbeille) into « Bloqués »; 'unblock' from « Bloqués » back to Réception. Letters are never deleted.
   */
  directoryMoveSenderLetters(senderKey: string, direction: 'block' | 'unblock'): number {
    const blocked = this.folderId('blocked');
    if (direction === 'unblock') {
      return this.db.prepare('UPDATE letters SET folder_id = ? WHERE sender = ? AND folder_id = ?').run(this.folderId('reception'), senderKey, blocked).changes;
    }
    const kept = (['outbox', 'sent', 'drafts', 'review', 'trash', 'blocked'] as const).map((r) => this.folderByRole.get(r)).filter((x): x is number => x !== undefined);
    return this.db
      .prepare(`UPDATE letters SET folder_id = ? WHERE sender = ? AND folder_id NOT IN (${kept.map(() => '?').join(', ')})`)
      .run(blocked, senderKey, ...kept).changes;
  }
}

const KEY_INFO_COLUMNS = `k.id, k.owner, k.year, k.tag, k.index_max, k.crc, k.start_offset, k.kind, k.source, k.imported_at,
  max(k.start_offset, coalesce((SELECT max(r.start + r.length) FROM pad_reservations r WHERE r.key_id = k.id), 0)) AS next_offset`;

function toKeyInfo(r: Row): KeyInfo {
  const indexMax = r.index_max as number;
  const next = r.next_offset as number;
  return {
    id: r.id as number,
    owner: r.owner as string,
    year: r.year as number,
    tag: r.tag as string,
    indexMax,
    crc: r.crc as number,
    startOffset: r.start_offset as number,
    kind: r.kind as KeyInfo['kind'],
    source: r.source as string,
    importedAt: r.imported_at as number,
    nextOffset: next,
    usedRatio: indexMax > 0 ? next / indexMax : 1,
  };
}

function sessionAlive(session: string): boolean {
  const [host, pid] = session.split(':');
  // A session of another machine (profile on a shared folder) cannot be checked: keep its ranges.
  if (host !== hostname()) return true;
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return false;
  try {
    process.kill(n, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function contentHash(l: LetterInput): Buffer {
  const h = createHash('sha256');
  if (l.raw) h.update('raw\0').update(l.raw);
  else {
    h.update('payload\0');
    if (l.payload) h.update(l.payload);
    h.update('\0text\0').update(l.text ?? '').update('\0').update(l.subject ?? '').update('\0').update(String(l.receivedAt));
  }
  return h.digest();
}

const ABNORMAL_FLAGS = new Set(['H', 'HH', 'L', 'LL', 'A', 'AA', '+', '++', '-', '--', '>', '<', 'P']);

function normalizeLab(x: LabInput, documentDate: string | undefined) {
  const n = Number.parseFloat(x.value.replace(',', '.').replace(/^[<>]=?\s*/, ''));
  const numericValue = Number.isFinite(n) ? n : null;
  const flag = x.flag?.trim().toUpperCase() || null;
  const out =
    numericValue !== null &&
    ((x.low !== undefined && numericValue < x.low) || (x.high !== undefined && numericValue > x.high));
  return {
    code: x.code,
    label: x.label ?? '',
    date: x.date ?? documentDate ?? null,
    value: x.value,
    numericValue,
    unit: x.unit ?? null,
    low: x.low ?? null,
    high: x.high ?? null,
    flag,
    abnormal: (flag !== null && ABNORMAL_FLAGS.has(flag)) || out,
  };
}

/**
 * Every word of the user's query becomes a quoted prefix term; all must match. A single character is
 * matched as a whole word: as a prefix it would match nearly every letter ("Dubois-C").
 */
export function ftsQuery(query: string): string | undefined {
  const words = query.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return undefined;
  return words.map((w) => ([...w].length > 1 ? `"${w}"*` : `"${w}"`)).join(' ');
}

function pageLimit(page: Page): number {
  return Math.max(1, Math.min(500, Math.floor(page.limit ?? 50)));
}

function parseCursor(c: string): { at: number; id: number } {
  const m = /^(-?\d+):(\d+)$/.exec(c);
  if (!m) throw new PliError('invalid_request', 'Curseur de page invalide.');
  return { at: Number(m[1]), id: Number(m[2]) };
}

/**
 * The payload as stored: nothing more when it is exactly the text's Latin-1 or UTF-8 bytes (an HPRIM
 * document usually is), so that the same bytes are not encrypted and written twice.
 */
function keptPayload(payload: Uint8Array | undefined, given: string | Uint8Array): { payload: Uint8Array | null; encoding: 'latin1' | 'utf8' | null } {
  if (!payload) return { payload: null, encoding: null };
  if (payload.length === 0 || given.length === 0) return { payload, encoding: null };
  const b = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (typeof given !== 'string' && b.equals(given)) return { payload: null, encoding: 'utf8' };
  const text = typeof given === 'string' ? given : Buffer.from(given.buffer, given.byteOffset, given.byteLength).toString('utf8');
  // Latin-1 decoding is one byte per character and exact both ways.
  if (b.length === text.length && b.toString('latin1') === text) return { payload: null, encoding: 'latin1' };
  // UTF-8 decoding replaces invalid bytes: compare the re-encoded text, not the decoded payload.
  if (b.length >= text.length && Buffer.from(text, 'utf8').equals(b)) return { payload: null, encoding: 'utf8' };
  return { payload, encoding: null };
}

/** The payload of a letter_bodies row (`payload`, `payload_encoding`, `body`), rebuilt when kept as text. */
function storedPayload(r: Row): Uint8Array | null {
  const enc = r.payload_encoding as 'latin1' | 'utf8' | null | undefined;
  if (enc) return new Uint8Array(Buffer.from((r.body as string | null) ?? '', enc));
  return toBytes(r.payload);
}

function toBytes(v: unknown): Uint8Array | null {
  if (v === null || v === undefined) return null;
  const b = v as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function toSummary(r: Row): LetterSummary {
  const surname = r.patient_surname as string | null;
  const first = r.patient_first_name as string | null;
  return {
    id: r.id as number,
    folderId: r.folder_id as number,
    kind: r.kind as string,
    subject: r.subject as string,
    sender: r.sender as string,
    patientId: (r.patient_id as number | null) ?? null,
    patientName: surname || first ? [surname, first].filter(Boolean).join(' ') : null,
    patientSurname: surname ?? null,
    patientFirstName: first ?? null,
    documentDate: (r.document_date as string | null) ?? null,
    receivedAt: r.received_at as number,
    read: r.is_read === 1,
    flagged: r.is_flagged === 1,
    exported: r.is_exported === 1,
    abnormal: r.has_abnormal === 1,
    attachmentCount: r.attachment_count as number,
    signatureStatus: (r.signature_status as string | null) ?? null,
    reviewCode: (r.review_code as string | null) ?? null,
    trashedFrom: (r.trashed_from as number | null | undefined) ?? null,
  };
}

function toLab(r: Row): LabResult {
  return {
    id: r.id as number,
    letterId: r.letter_id as number,
    patientId: (r.patient_id as number | null) ?? null,
    code: r.analyte_code as string,
    label: r.analyte_label as string,
    date: (r.date as string | null) ?? null,
    value: r.value as string,
    numericValue: (r.numeric_value as number | null) ?? null,
    unit: (r.unit as string | null) ?? null,
    low: (r.low as number | null) ?? null,
    high: (r.high as number | null) ?? null,
    flag: (r.flag as string | null) ?? null,
    abnormal: r.abnormal === 1,
  };
}

function toPatient(r: Row): Patient {
  return {
    id: r.id as number,
    surname: r.surname as string,
    firstName: r.first_name as string,
    birthDate: (r.birth_date as string | null) ?? null,
    nir: (r.nir as string | null) ?? null,
    letterCount: r.n as number,
  };
}

export { SYSTEM_FOLDERS };

export interface AccountRow {
  id?: number;
  name: string;
  protocol: string;
  host: string;
  port: number;
  username: string;
  security: string;
}

/** A drop-folder export entry as the exporter journals it (kept opaque here, as JSON). */
export interface DropExportEntry {
  letterId: string;
  docIndex: number;
  profileId: string;
  state: 'pending' | 'staged' | 'done' | 'failed';
  [k: string]: unknown;
}

// ------ send pipeline

export interface OutboxEntry {
  recipient: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  /** Epoch ms of the next automatic attempt (pending only). */
  nextAttemptAt: number | null;
  /** The last error, in French, as shown to the user. */
  lastError: string | null;
  updatedAt: number;
}

export interface OutgoingLetter {
  letterId: number;
  subject: string;
  messageId: string | null;
  sender: string;
  /** Recipients in copy (the others are in To). */
  cc: string[];
  sign: boolean;
  maxBytes: number;
  /** What gets (signed then) encrypted: the HPRIM Médecins document, UTF-8. */
  payload: Uint8Array | null;
  text: string;
  /** The complete encrypted message once sealed (resubmitted as is). */
  sealed: Uint8Array | null;
  warnings: string[];
  inOutbox: boolean;
  recipients: OutboxEntry[];
  attachments: { name: string; mime: string; bytes: Uint8Array }[];
}

// ------ directory

export interface DirectorySourceRow {
  id: string;
  kind: 'file' | 'ldap' | 'correspondents';
  label: string;
  updatedAt: string;
  entries: number;
}

const DIR_COLUMNS = [
  'source', 'key', 'surname', 'given_name', 'display_name', 'profession', 'specialty', 'street', 'postal_code', 'city', 'phone',
  'apicrypt', 'mssante', 'email', 'rpps', 'adeli', 'proxy', 'uses', 'last_used', 'name_key',
] as const;
const DIR_FIELDS = [
  ['surname', 'surname'], ['given_name', 'givenName'], ['profession', 'profession'], ['specialty', 'specialty'], ['street', 'street'],
  ['postal_code', 'postalCode'], ['city', 'city'], ['phone', 'phone'], ['apicrypt', 'apicrypt'], ['mssante', 'mssante'], ['email', 'email'],
  ['rpps', 'rpps'], ['adeli', 'adeli'],
] as const;
/** Matching own correspondents scored per search, at most (a practice has hundreds). */
const MAX_CORRESPONDENT_CANDIDATES = 2000;
/** bm25 weights of the FTS columns, as rank.ts weighs exact words per field. */
const FTS_WEIGHTS = WEIGHTS.map(([exact]) => exact).join(', ');

const dirWords = (s: string | undefined) => (s ? fold(s).split(/[^a-z0-9]+/).filter(Boolean).join(' ') : '');

/** The alphabetical key of the surname-first name, for one-word searches (null: no surname to find). */
function directoryNameKey(e: DirectoryEntry): string | null {
  if (e.surname) return `${dirWords(e.surname)} ${dirWords(e.givenName)}`.trim() || null;
  if (e.givenName) return null;
  return dirWords(e.displayName) || null;
}

function entryRow(source: string, e: DirectoryEntry): Record<(typeof DIR_COLUMNS)[number], string | number | null> {
  const row = {
    source,
    key: e.key,
    display_name: e.displayName,
    proxy: e.proxy === undefined ? null : e.proxy ? 1 : 0,
    uses: e.uses ?? null,
    last_used: e.lastUsed ?? null,
    name_key: directoryNameKey(e),
  } as Record<(typeof DIR_COLUMNS)[number], string | number | null>;
  for (const [col, field] of DIR_FIELDS) row[col] = e[field] ?? null;
  return row;
}

function rowEntry(r: Row): DirectoryEntry {
  const e: DirectoryEntry = { source: r.source as string, key: r.key as string, displayName: r.display_name as string };
  for (const [col, field] of DIR_FIELDS) {
    const v = r[col];
    if (typeof v === 'string') e[field] = v;
  }
  if (r.proxy !== null) e.proxy = r.proxy === 1;
  if (r.uses !== null) e.uses = r.uses as number;
  if (r.last_used !== null) e.lastUsed = r.last_used as number;
  return e;
}

/** The eight FTS columns: each field's search tokens (already folded) joined by spaces. */
function ftsValues(e: DirectoryEntry): string[] {
  const cols: string[][] = [[], [], [], [], [], [], [], []];
  for (const [f, toks] of entryFieldTokens(e)) cols[f]!.push(...toks);
  return cols.map((c) => c.join(' '));
}
