import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PliError } from '../../shared/errors';
import { silentLogger, type Logger } from '../log/logger';
import { hasCounter, highestCounter, renderBaseName, transliterate, type FileNameTokens } from './file-name';
import { errCode, exists, fsyncDir, moveNoClobber, sha256hex, writeNewDurable } from './fs-ops';
import { entryKey, type ExportAttachment, type ExportContent, type ExportEntry, type ExportJournal } from './journal';
import { assertExportable, type PracticeProfile } from './profile';

export const STAGING_DIR = '.pli-staging';

export interface ExportDocument {
  index: number;
  bytes: Uint8Array;
  tokens: FileNameTokens;
}

export type ExportEvent =
  | { type: 'exported'; letterId: string; files: string[] }
  | { type: 'waiting'; letterId: string; reason_fr: string }
  | { type: 'failed'; letterId: string; docIndex: number; message_fr: string };

export type LetterExportState = 'none' | 'pending' | 'waiting' | 'done' | 'failed';
export interface LetterExportStatus {
  state: LetterExportState;
  label_fr: string;
  documents: { docIndex: number; state: ExportEntry['state']; finalName?: string; lastError?: string }[];
}
const LABELS: Record<LetterExportState, string> = {
  none: 'Non déposé',
  pending: 'Dépôt en cours',
  waiting: 'En attente de dépôt',
  done: 'Déposé dans le logiciel métier',
  failed: 'Échec du dépôt',
};

/** Steps of the protocol where crash tests stop the process. */
export type FaultPoint = 'staged-written' | 'staged-recorded' | 'moved' | 'ok-written';

export interface DropFolderExporterOptions {
  profile: PracticeProfile;
  journal: ExportJournal;
  onEvent?: (e: ExportEvent) => void;
  logger?: Logger;
  /** First retry delay while the folder is unreachable; doubles up to retryMaxMs. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Documents per journal transaction (default 256). */
  batchSize?: number;
  /** Files written and fsynced in parallel (default 16; libuv runs 4 at once unless UV_THREADPOOL_SIZE is raised). */
  concurrency?: number;
  now?: () => Date;
  /** Test seam only: called at each protocol step (crash tests kill the process there). */
  faultHook?: (point: FaultPoint, entry: ExportEntry) => void | Promise<void>;
}

/**
 * Drops one file per document into a practice software's import folder, exactly once.
 *
 * Per document: choose a free name -> write `<folder>/.pli-staging/<key>.doc` (O_EXCL) and fsync ->
 * fsync staging dir -> journal 'staged' with the names -> move into the folder without clobbering
 * (attachments first, the document, then `.ok`) -> fsync folder -> journal 'done'.
 * Recovery of a 'staged' entry, file by file: staged file absent => it was moved (the practice software
 * may already have consumed it: redoing would duplicate it); present and the same file as the final name
 * => only the unlink was missing; present otherwise => finish the move. The one ambiguous crash point is
 * between link() and unlink() when the reader also deleted the final file in that instant: we then
 * deliver it again (a duplicate rather than a lost report).
 */
export class DropFolderExporter {
  readonly profile: PracticeProfile;
  private readonly journal: ExportJournal;
  private readonly log: Logger;
  private readonly opts: DropFolderExporterOptions;
  private readonly queue = new Map<string, ExportEntry>();
  private readonly remainingPerLetter = new Map<string, number>();
  /** Files placed for letters not yet complete, for the 'exported' event. */
  private readonly placedFiles = new Map<string, string[]>();
  private readonly linkState = { noLinks: false };
  /** Lower-cased names known to exist in the folder or reserved by us (case-insensitive shares). */
  private taken = new Set<string>();
  private scanned = false;
  private nextCounter = 1;
  private waiting: { reason_fr: string } | undefined;
  private backoffMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: DropFolderExporterOptions) {
    assertExportable(opts.profile);
    this.opts = opts;
    this.profile = opts.profile;
    this.journal = opts.journal;
    this.log = (opts.logger ?? silentLogger).child('practice.export');
    this.backoffMs = opts.retryMinMs ?? 1000;
  }

  private get folder(): string {
    return this.profile.folder;
  }
  private get staging(): string {
    return join(this.profile.folder, STAGING_DIR);
  }

  /** Loads unfinished work from the journal (recovery after a crash) and starts delivering. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const e of await this.journal.unfinished(this.profile.id)) {
      if (e.state === 'failed') continue;
      this.addToQueue(e);
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Queues the documents of a letter (idempotent: a document already queued or done is not queued
   * again; a failed one is retried). Resolves once the queue is durable, before the files are written.
   * Attachments go beside the first document.
   */
  async enqueue(letterId: string, documents: readonly ExportDocument[], attachments: readonly ExportAttachment[] = []): Promise<void> {
    const existing = new Map((await this.journal.entriesFor(letterId, this.profile.id)).map((e) => [e.docIndex, e]));
    const firstIndex = Math.min(...documents.map((d) => d.index));
    const fresh: { entry: ExportEntry; content: ExportContent }[] = [];
    const retried: ExportEntry[] = [];
    for (const d of documents) {
      const old = existing.get(d.index);
      if (old && old.state === 'failed') {
        retried.push({ ...old, state: 'pending', lastError: undefined });
        continue;
      }
      if (old) continue;
      fresh.push({
        entry: { letterId, docIndex: d.index, profileId: this.profile.id, state: 'pending', sha256: sha256hex(d.bytes), attempts: 0 },
        content: { bytes: d.bytes, tokens: d.tokens, attachments: d.index === firstIndex ? [...attachments] : [] },
      });
    }
    await this.journal.addPending(fresh);
    await this.journal.record(retried);
    for (const { entry } of fresh) this.addToQueue(entry);
    for (const e of retried) this.addToQueue(e);
    if (this.waiting && fresh.length + retried.length > 0) this.emit({ type: 'waiting', letterId, reason_fr: this.waiting.reason_fr });
    if (this.started) this.schedule(0);
  }

  /** Requeues the failed documents of a letter. */
  async retry(letterId: string): Promise<void> {
    const failed = (await this.journal.entriesFor(letterId, this.profile.id)).filter((e) => e.state === 'failed');
    const again = failed.map((e) => ({ ...e, state: 'pending' as const, lastError: undefined }));
    await this.journal.record(again);
    for (const e of again) this.addToQueue(e);
    this.schedule(0);
  }

  /** Retries now (for instance when the system reports a newly mounted volume). */
  poke(): void {
    this.backoffMs = this.opts.retryMinMs ?? 1000;
    this.schedule(0);
  }

  async status(letterId: string): Promise<LetterExportStatus> {
    const entries = (await this.journal.entriesFor(letterId, this.profile.id)).sort((a, b) => a.docIndex - b.docIndex);
    let state: LetterExportState = 'none';
    if (entries.some((e) => e.state === 'failed')) state = 'failed';
    else if (entries.length > 0 && entries.every((e) => e.state === 'done')) state = 'done';
    else if (entries.length > 0) state = this.waiting ? 'waiting' : 'pending';
    return {
      state,
      label_fr: LABELS[state],
      documents: entries.map((e) => ({
        docIndex: e.docIndex,
        state: e.state,
        ...(e.finalName ? { finalName: e.finalName } : {}),
        ...(e.lastError ? { lastError: e.lastError } : {}),
      })),
    };
  }

  /** True while the folder cannot be reached and documents wait. */
  get isWaiting(): boolean {
    return this.waiting !== undefined;
  }
  get queued(): number {
    return this.queue.size;
  }

  /** Resolves when nothing is left to deliver (documents still waiting for the folder count as left). */
  whenIdle(): Promise<void> {
    if (this.queue.size === 0 && !this.running) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private addToQueue(e: ExportEntry): void {
    const k = entryKey(e.letterId, e.docIndex, e.profileId);
    if (!this.queue.has(k)) this.remainingPerLetter.set(e.letterId, (this.remainingPerLetter.get(e.letterId) ?? 0) + 1);
    this.queue.set(k, e);
  }

  private dequeue(e: ExportEntry): void {
    if (!this.queue.delete(entryKey(e.letterId, e.docIndex, e.profileId))) return;
    const left = (this.remainingPerLetter.get(e.letterId) ?? 1) - 1;
    if (left <= 0) this.remainingPerLetter.delete(e.letterId);
    else this.remainingPerLetter.set(e.letterId, left);
  }

  private emit(e: ExportEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch (err) {
      this.log.warn('export event listener threw', { err: String(err) });
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped || !this.started) return;
    if (this.running) {
      if (delayMs === 0) this.again = true;
      return;
    }
    if (this.timer) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.waiting) this.schedule(this.backoffMs);
        else if (this.again || this.hasPending()) {
          this.again = false;
          this.schedule(0);
        } else this.notifyIdle();
      });
    }, delayMs);
  }

  private hasPending(): boolean {
    for (const e of this.queue.values()) if (e.state === 'pending' || e.state === 'staged') return true;
    return false;
  }

  private notifyIdle(): void {
    if (this.queue.size > 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  /** One pass: recover staged entries, then export pending ones in batches. */
  private async runOnce(): Promise<void> {
    try {
      await this.ensureReachable();
      for (const e of [...this.queue.values()]) if (e.state === 'staged') await this.recover(e);
      const batchSize = this.opts.batchSize ?? 256;
      for (;;) {
        if (this.stopped) return;
        const batch: ExportEntry[] = [];
        for (const e of this.queue.values()) {
          if (e.state === 'pending') batch.push(e);
          if (batch.length >= batchSize) break;
        }
        if (batch.length === 0) break;
        await this.exportBatch(batch);
      }
      if (this.waiting) this.log.info('drop folder reachable again', { profile: this.profile.id });
      this.waiting = undefined;
      this.backoffMs = this.opts.retryMinMs ?? 1000;
    } catch (e) {
      this.enterWaiting(e);
    }
  }

  private enterWaiting(e: unknown): void {
    const code = errCode(e) ?? 'inconnu';
    const reason_fr =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `Le dossier « ${this.folder} » est introuvable (disque débranché ou partage réseau indisponible) : les documents seront déposés dès son retour.`
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? `Pli n’a pas le droit d’écrire dans « ${this.folder} » : vérifiez les droits du dossier ; les documents attendent.`
          : code === 'ENOSPC' || code === 'EDQUOT'
            ? `Le disque de « ${this.folder} » est plein : libérez de la place ; les documents attendent.`
            : `Le dossier « ${this.folder} » ne répond pas (${code}) : nouvel essai automatique.`;
    const first = this.waiting === undefined;
    this.waiting = { reason_fr };
    this.scanned = false; // the folder may come back with other files in it
    if (first) {
      this.log.warn('drop folder unreachable, exports queued', { profile: this.profile.id, code });
      const letters = new Set([...this.queue.values()].map((q) => q.letterId));
      for (const letterId of letters) this.emit({ type: 'waiting', letterId, reason_fr });
    } else {
      this.backoffMs = Math.min(this.backoffMs * 2, this.opts.retryMaxMs ?? 60_000);
    }
  }

  /**
   * The folder must exist and be a directory: a missing mount point is never created (that would write
   * onto the local disk under the share's mount point). The staging sub-folder is ours and is created.
   */
  private async ensureReachable(): Promise<void> {
    const st = await stat(this.folder);
    if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    try {
      await mkdir(this.staging);
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
    }
    if (!this.scanned) {
      const names = await readdir(this.folder);
      this.taken = new Set(names.map((n) => n.toLowerCase()));
      for (const e of this.queue.values()) for (const n of this.groupNames(e)) this.taken.add(n.toLowerCase());
      const reserved = [...this.queue.values()].flatMap((e) => (e.finalName ? [e.finalName] : []));
      this.nextCounter = Math.max(highestCounter(this.profile, names), highestCounter(this.profile, reserved)) + 1;
      this.scanned = true;
    }
  }

  private groupNames(e: ExportEntry): string[] {
    return [e.finalName, ...(e.attachmentNames ?? []), e.okName].filter((n): n is string => n !== undefined);
  }

  private stagePath(e: ExportEntry, part: 'doc' | number): string {
    return join(this.staging, `${e.stagedName}.${part === 'doc' ? 'doc' : `a${part}`}`);
  }

  /** Picks a base name free for the document, its attachments and its `.ok`, and reserves it. */
  private async chooseNames(e: ExportEntry, content: ExportContent): Promise<void> {
    const ext = this.profile.extension;
    const withCounter = hasCounter(this.profile.fileNamePattern);
    const plain = withCounter ? '' : renderBaseName(this.profile.fileNamePattern, content.tokens, 0, this.now());
    for (let n = 1; n < 100_000; n++) {
      const base = withCounter
        ? renderBaseName(this.profile.fileNamePattern, content.tokens, this.nextCounter++, this.now())
        : n === 1
          ? plain
          : `${plain}-${n}`;
      const doc = `${base}.${ext}`;
      const atts = attachmentNames(base, ext, content.attachments);
      const ok = this.profile.okFile ? `${base}.ok` : undefined;
      const all = [doc, ...atts, ...(ok ? [ok] : [])];
      if (all.some((x) => this.taken.has(x.toLowerCase()))) continue;
      let free = true;
      for (const x of all) if (await exists(join(this.folder, x))) free = false;
      if (!free) {
        for (const x of all) this.taken.add(x.toLowerCase());
        continue;
      }
      for (const x of all) this.taken.add(x.toLowerCase());
      e.finalName = doc;
      e.attachmentNames = atts;
      if (ok) e.okName = ok;
      else delete e.okName;
      e.stagedName ??= createHash('sha256').update(entryKey(e.letterId, e.docIndex, e.profileId)).digest('hex').slice(0, 32);
      return;
    }
    throw new PliError('practice_name_exhausted', 'Aucun nom de fichier libre dans le dossier de dépôt : videz ce dossier ou changez le modèle de nom.');
  }

  /** Creates a staged file; a leftover of an attempt that crashed before 'staged' is replaced. */
  private async stageFile(path: string, bytes: Uint8Array): Promise<void> {
    try {
      await writeNewDurable(path, bytes);
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
      await unlink(path);
      await writeNewDurable(path, bytes);
    }
  }

  private async exportBatch(batch: ExportEntry[]): Promise<void> {
    const ready: { e: ExportEntry; content: ExportContent }[] = [];
    const failed: ExportEntry[] = [];
    for (const e of batch) {
      const content = await this.journal.content(e.letterId, e.docIndex, e.profileId);
      if (!content || sha256hex(content.bytes) !== e.sha256) {
        e.state = 'failed';
        e.lastError = 'Contenu du document introuvable ou altéré : relancez le dépôt depuis le courrier.';
        failed.push(e);
        continue;
      }
      await this.chooseNames(e, content);
      ready.push({ e, content });
    }
    if (failed.length > 0) await this.finishFailed(failed);
    if (ready.length === 0) return;

    await pool(ready, this.opts.concurrency ?? 16, async ({ e, content }) => {
      for (const [i, a] of content.attachments.entries()) await this.stageFile(this.stagePath(e, i), a.bytes);
      await this.stageFile(this.stagePath(e, 'doc'), content.bytes);
      await this.opts.faultHook?.('staged-written', e);
    });
    await fsyncDir(this.staging);
    for (const { e } of ready) {
      e.state = 'staged';
      e.attempts++;
    }
    await this.journal.record(ready.map((r) => r.e));
    for (const { e } of ready) await this.opts.faultHook?.('staged-recorded', e);
    await pool(ready, this.opts.concurrency ?? 16, ({ e }) => this.placeGroup(e));
    await this.finishDone(ready.map((r) => r.e));
  }

  /** Finishes a 'staged' entry after a crash or an interrupted pass (see the class comment). */
  private async recover(e: ExportEntry): Promise<void> {
    await this.placeGroup(e);
    await this.finishDone([e]);
  }

  /** Moves attachments then the document into the folder; a staged file already gone was moved earlier. */
  private async placeGroup(e: ExportEntry): Promise<void> {
    for (let tries = 0; ; tries++) {
      try {
        for (const [i, name] of (e.attachmentNames ?? []).entries()) await this.place(this.stagePath(e, i), name);
        await this.place(this.stagePath(e, 'doc'), e.finalName!);
        await this.opts.faultHook?.('moved', e);
        return;
      } catch (err) {
        if (errCode(err) !== 'EEXIST' || tries >= 20) throw err;
        // Another program took one of our names between our check and the move: bring back the
        // attachments already placed (ours: their names were free and journaled), pick a new base
        // name, journal it, and try again.
        for (const [i, name] of (e.attachmentNames ?? []).entries()) {
          const src = this.stagePath(e, i);
          if (!(await exists(src)) && (await exists(join(this.folder, name)))) await moveNoClobber(join(this.folder, name), src, this.linkState);
        }
        const content = await this.journal.content(e.letterId, e.docIndex, e.profileId);
        await this.chooseNames(e, content ?? { bytes: new Uint8Array(), tokens: {}, attachments: [] });
        await this.journal.record([e]);
      }
    }
  }

  private async place(src: string, name: string): Promise<void> {
    const dst = join(this.folder, name);
    try {
      await moveNoClobber(src, dst, this.linkState);
    } catch (err) {
      // No staged file: it was moved by an earlier pass (and maybe already taken by the reader).
      if (errCode(err) === 'ENOENT' && !(await exists(src)) && (await stat(this.folder)).isDirectory()) return;
      if (errCode(err) !== 'EEXIST' || !(await sameFile(src, dst))) throw err;
      await unlink(src); // link() was done, unlink() was not
    }
  }

  private async finishDone(entries: ExportEntry[]): Promise<void> {
    await fsyncDir(this.folder);
    if (this.profile.okFile) {
      for (const e of entries) {
        // The companion follows the data file; none when the practice software already took the file.
        if (!e.okName || !(await exists(join(this.folder, e.finalName!)))) continue;
        try {
          await writeNewDurable(join(this.folder, e.okName), new Uint8Array());
        } catch (err) {
          if (errCode(err) !== 'EEXIST') throw err;
        }
        await this.opts.faultHook?.('ok-written', e);
      }
      await fsyncDir(this.folder);
    }
    for (const e of entries) {
      e.state = 'done';
      delete e.lastError;
    }
    await this.journal.record(entries);
    const letters = new Set<string>();
    for (const e of entries) {
      this.dequeue(e);
      this.placedFiles.set(e.letterId, [...(this.placedFiles.get(e.letterId) ?? []), ...this.groupNames(e)]);
      letters.add(e.letterId);
    }
    for (const letterId of letters) {
      if (this.remainingPerLetter.has(letterId)) continue;
      const files = this.placedFiles.get(letterId) ?? [];
      this.placedFiles.delete(letterId);
      this.emit({ type: 'exported', letterId, files });
    }
  }

  private async finishFailed(entries: ExportEntry[]): Promise<void> {
    await this.journal.record(entries);
    for (const e of entries) {
      this.dequeue(e);
      this.emit({ type: 'failed', letterId: e.letterId, docIndex: e.docIndex, message_fr: e.lastError ?? LABELS.failed });
    }
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }
}

/** Attachment names beside the document: same base, their own extension (`-2`, `-3` when repeated). */
export function attachmentNames(base: string, docExt: string, attachments: readonly ExportAttachment[]): string[] {
  const used = new Set([`${base}.${docExt}`.toLowerCase(), `${base}.ok`.toLowerCase()]);
  return attachments.map((a) => {
    const m = /\.([A-Za-z0-9]{1,10})$/.exec(transliterate(a.name));
    const ext = (m?.[1] ?? 'bin').toLowerCase();
    let name = `${base}.${ext}`;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}-${n}.${ext}`;
    used.add(name.toLowerCase());
    return name;
  });
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([lstat(a), lstat(b)]);
  if (sa.ino !== 0 && sa.ino === sb.ino && sa.dev === sb.dev) return true;
  if (sa.size !== sb.size) return false;
  const [ba, bb] = await Promise.all([readFile(a), readFile(b)]);
  return Buffer.compare(ba, bb) === 0;
}

async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

