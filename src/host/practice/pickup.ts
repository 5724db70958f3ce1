import { watch, type FSWatcher } from 'chokidar';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { silentLogger, type Logger } from '../log/logger';
import { errCode, exists, fsyncDir, moveNoClobber, sha256hex } from './fs-ops';
import type { PickupJournal } from './journal';

export interface PickedLetter {
  /** Name of the letter file in the export folder. */
  fileName: string;
  bytes: Uint8Array;
  /** Files beside it with the same base name. */
  attachments: { name: string; bytes: Uint8Array }[];
  /** SHA-256 (hex) of the letter bytes: store it with the outbox letter to answer resolveInterrupted. */
  hash: string;
}

export type PickupOutcome = { status: 'queued' } | { status: 'draft'; reason_fr: string };

export type PickupEvent =
  | { type: 'picked'; fileName: string; hash: string; status: 'queued' | 'draft'; reason_fr?: string; archivedAs: string }
  | { type: 'duplicate'; fileName: string; hash: string; archivedAs: string }
  | { type: 'failed'; fileName: string; message_fr: string }
  | { type: 'interrupted'; fileName: string; hash: string; message_fr: string };

export interface OutgoingPickupOptions {
  folder: string;
  journal: PickupJournal;
  /** Parses, resolves the recipient and queues (or drafts) the letter. Throwing keeps the file for a retry. */
  onLetter: (letter: PickedLetter) => Promise<PickupOutcome>;
  /** Poll instead of native events: needed on network shares (SMB/NFS do not deliver change events). */
  usePolling?: boolean;
  pollIntervalMs?: number;
  /** A file without `.ok` is taken after its size and mtime were unchanged on this many checks in a row. */
  stableChecks?: number;
  checkIntervalMs?: number;
  /** 'auto': `.ok` companion or stable size; 'required': only files with a `.ok` companion. */
  okMode?: 'auto' | 'required';
  /** Extensions of letter files, by preference; other files with the same base name are attachments. */
  letterExtensions?: string[];
  archiveDirName?: string;
  /** Full re-listing of the folder, in case the watcher missed an event (shares, sleeping laptops). */
  rescanIntervalMs?: number;
  /** Delay before retrying a file whose hand-over failed. */
  retryDelayMs?: number;
  /**
   * After a crash during a hand-over the journal says 'started': was that letter queued? (The mailbox
   * looks the hash up in the outbox.) Without it such a file stays in place and is reported.
   */
  resolveInterrupted?: (hash: string, fileName: string) => Promise<'sent' | 'not_sent' | 'unknown'>;
  onEvent?: (e: PickupEvent) => void;
  logger?: Logger;
  now?: () => Date;
}

interface Tracked {
  size: number;
  mtimeMs: number;
  stable: number;
  /** Not looked at again before this time, unless the file changes. */
  parkedUntil?: number;
}

const TEMP_NAME = /(\.(tmp|temp|part|partial|crdownload|swp)$)|(^~\$)/i;

/**
 * Takes outgoing letters that the practice software drops into its export folder. A file is taken only
 * when complete (its `.ok` companion exists, or size and mtime held still over several checks); its
 * content hash is journaled before the hand-over so that the same letter — rewritten, renamed, or met
 * again after a crash — is never sent twice. Taken files are moved (never deleted) to archive/<YYYY-MM>/.
 */
export class OutgoingPickup {
  private readonly o: OutgoingPickupOptions;
  private readonly log: Logger;
  private readonly files = new Map<string, Tracked>();
  private watcher: FSWatcher | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private handing = false;
  private readonly archiveDir: string;
  private readonly exts: string[];

  constructor(opts: OutgoingPickupOptions) {
    this.o = { ...opts, folder: resolve(opts.folder) };
    this.log = (opts.logger ?? silentLogger).child('practice.pickup');
    this.archiveDir = opts.archiveDirName ?? 'archive';
    this.exts = (opts.letterExtensions ?? ['hpr', 'hpm', 'hprim', 'txt', 'hp', 'dat']).map((e) => e.toLowerCase());
  }

  async start(): Promise<void> {
    this.watcher = watch(this.o.folder, {
      depth: 0,
      ignoreInitial: false,
      usePolling: this.o.usePolling ?? false,
      interval: this.o.pollIntervalMs ?? 1000,
      binaryInterval: this.o.pollIntervalMs ?? 1000,
      ignored: (p) => this.ignored(p),
    });
    this.watcher.on('add', (p) => this.track(p));
    this.watcher.on('change', (p) => this.track(p));
    this.watcher.on('unlink', (p) => this.files.delete(basename(p)));
    this.watcher.on('error', (e) => this.log.warn('watcher error', { err: String(e) }));
    await this.rescan();
    this.scheduleRescan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    await this.watcher?.close();
    // A hand-over stuck in onLetter is abandoned: its journaled 'started' covers the restart.
    if (!this.handing) await this.ticking;
  }

  private ignored(p: string): boolean {
    const rel = relative(this.o.folder, p);
    if (rel === '') return false;
    if (rel.includes(sep) || rel.startsWith('..')) return true;
    return rel.startsWith('.') || rel.toLowerCase() === this.archiveDir.toLowerCase() || TEMP_NAME.test(rel);
  }

  private track(p: string): void {
    if (dirname(p) !== this.o.folder && dirname(p) !== '.') return;
    const name = basename(p);
    if (this.ignored(join(this.o.folder, name))) return;
    if (!this.files.has(name)) this.files.set(name, { size: -1, mtimeMs: -1, stable: 0 });
    this.scheduleTick();
  }

  private async rescan(): Promise<void> {
    try {
      for (const d of await readdir(this.o.folder, { withFileTypes: true }))
        if (d.isFile() && !this.ignored(join(this.o.folder, d.name))) this.track(join(this.o.folder, d.name));
    } catch (e) {
      this.log.warn('pickup folder unreadable', { code: errCode(e) });
    }
  }

  private scheduleRescan(): void {
    if (this.stopped) return;
    this.rescanTimer = setTimeout(() => void this.rescan().finally(() => this.scheduleRescan()), this.o.rescanIntervalMs ?? 30_000);
  }

  private scheduleTick(): void {
    if (this.stopped || this.tickTimer || this.ticking) return;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = undefined;
      this.ticking = this.tick()
        .catch((e) => this.log.warn('pickup pass failed', { code: errCode(e) }))
        .finally(() => {
          this.ticking = undefined;
          if (this.files.size > 0) this.scheduleTick();
        });
    }, this.o.checkIntervalMs ?? 1000);
  }

  /** One check: update stability of every tracked file, then take the complete groups. */
  private async tick(): Promise<void> {
    for (const [name, t] of this.files) {
      let st;
      try {
        st = await stat(join(this.o.folder, name));
      } catch {
        this.files.delete(name);
        continue;
      }
      if (!st.isFile()) {
        this.files.delete(name);
        continue;
      }
      if (st.size === t.size && st.mtimeMs === t.mtimeMs) t.stable++;
      else {
        t.size = st.size;
        t.mtimeMs = st.mtimeMs;
        t.stable = 0;
        delete t.parkedUntil;
      }
    }
    const groups = new Map<string, string[]>();
    for (const name of this.files.keys()) {
      const key = baseOf(name).toLowerCase();
      groups.set(key, [...(groups.get(key) ?? []), name]);
    }
    const now = Date.now();
    for (const names of groups.values()) {
      if (this.stopped) return;
      const main = this.mainOf(names);
      if (!main) continue;
      const t = this.files.get(main)!;
      if (t.parkedUntil !== undefined && t.parkedUntil > now) continue;
      const ok = names.find((n) => extOf(n) === 'ok');
      const data = names.filter((n) => n !== ok);
      const stable = data.every((n) => (this.files.get(n)?.stable ?? 0) >= (this.o.stableChecks ?? 3)) && t.size > 0;
      if (ok ? true : this.o.okMode !== 'required' && stable) await this.take(main, data.filter((n) => n !== main), ok);
    }
  }

  private mainOf(names: string[]): string | undefined {
    let best: string | undefined;
    let rank = Infinity;
    for (const n of names) {
      const e = extOf(n);
      const r = e === '' ? this.exts.length : this.exts.indexOf(e);
      if (r >= 0 && r < rank) {
        rank = r;
        best = n;
      }
    }
    return best;
  }

  private park(name: string, ms: number): void {
    const t = this.files.get(name);
    if (t) t.parkedUntil = Date.now() + ms;
  }

  private async take(main: string, attachments: string[], ok: string | undefined): Promise<void> {
    const path = (n: string) => join(this.o.folder, n);
    let bytes: Buffer;
    let atts: { name: string; bytes: Buffer }[];
    try {
      bytes = await readFile(path(main));
      atts = await Promise.all(attachments.sort().map(async (n) => ({ name: n, bytes: await readFile(path(n)) })));
      // Changed while we read it: not complete after all.
      const st = await stat(path(main));
      const t = this.files.get(main);
      if (t && (st.size !== bytes.length || st.mtimeMs !== t.mtimeMs)) {
        t.stable = 0;
        return;
      }
    } catch (e) {
      this.log.warn('pickup read failed', { code: errCode(e) });
      return;
    }
    const hash = sha256hex(bytes);
    const group = [...attachments, main, ...(ok ? [ok] : [])];
    const previous = await this.o.journal.find(hash);
    if (previous && (previous.state === 'queued' || previous.state === 'draft')) {
      const archivedAs = await this.archiveOrPark(main, group);
      if (archivedAs) this.emit({ type: 'duplicate', fileName: main, hash, archivedAs });
      return;
    }
    if (previous?.state === 'started') {
      const verdict = this.o.resolveInterrupted ? await this.o.resolveInterrupted(hash, main) : 'unknown';
      if (verdict === 'sent') {
        await this.o.journal.put({ ...previous, state: 'queued', reason: 'repris après interruption' });
        const archivedAs = await this.archiveOrPark(main, group);
        if (archivedAs) this.emit({ type: 'duplicate', fileName: main, hash, archivedAs });
        return;
      }
      if (verdict === 'unknown') {
        this.park(main, Infinity);
        this.emit({
          type: 'interrupted',
          fileName: main,
          hash,
          message_fr: `L’envoi de « ${main} » a été interrompu et Pli ne sait pas s’il est parti : vérifiez la boîte d’envoi. Le fichier reste dans le dossier.`,
        });
        return;
      }
    }
    // Journaled before the hand-over: a crash from here on can never send the same letter twice.
    await this.o.journal.put({ hash, fileName: main, state: 'started' });
    let outcome: PickupOutcome;
    try {
      this.handing = true;
      outcome = await this.o.onLetter({ fileName: main, bytes, attachments: atts, hash });
    } catch (e) {
      const message_fr =
        e && typeof e === 'object' && 'message_fr' in e ? String((e as { message_fr: unknown }).message_fr) : 'Échec de la prise en charge du courrier.';
      await this.o.journal.put({ hash, fileName: main, state: 'failed', reason: message_fr });
      this.park(main, this.o.retryDelayMs ?? 60_000);
      this.emit({ type: 'failed', fileName: main, message_fr: `${message_fr} Le fichier reste en place, nouvel essai plus tard.` });
      return;
    } finally {
      this.handing = false;
    }
    const reason = outcome.status === 'draft' ? outcome.reason_fr : undefined;
    await this.o.journal.put({ hash, fileName: main, state: outcome.status, ...(reason ? { reason } : {}) });
    const archivedAs = await this.archiveOrPark(main, group);
    if (archivedAs) {
      await this.o.journal.put({ hash, fileName: main, state: outcome.status, ...(reason ? { reason } : {}), archivedAs });
      this.emit({ type: 'picked', fileName: main, hash, status: outcome.status, ...(reason ? { reason_fr: reason } : {}), archivedAs });
    }
  }

  private async archiveOrPark(main: string, group: string[]): Promise<string | undefined> {
    try {
      const archived = await this.archive(group);
      for (const n of group) this.files.delete(n);
      return archived.get(main);
    } catch (e) {
      this.park(main, this.o.retryDelayMs ?? 60_000);
      this.emit({
        type: 'failed',
        fileName: main,
        message_fr: `Impossible de ranger « ${main} » dans le dossier d’archive (${errCode(e) ?? 'erreur'}) : il est déjà pris en charge et ne sera pas renvoyé.`,
      });
      return undefined;
    }
  }

  /** Moves the group into archive/<YYYY-MM>/ under one free base name (never overwriting); `.ok` last. */
  private async archive(group: string[]): Promise<Map<string, string>> {
    const d = this.o.now?.() ?? new Date();
    const month = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
    const dir = join(this.o.folder, this.archiveDir, month);
    await mkdir(dir, { recursive: true });
    const base = baseOf(group[0]!);
    const rename = (n: string, b: string) => b + n.slice(baseOf(n).length);
    let chosen = base;
    for (let i = 2; ; i++) {
      let free = true;
      for (const n of group) if (await exists(join(dir, rename(n, chosen)))) free = false;
      if (free) break;
      chosen = `${base}-${i}`;
    }
    const out = new Map<string, string>();
    const state = { noLinks: false };
    for (const n of group) {
      const target = rename(n, chosen);
      try {
        await moveNoClobber(join(this.o.folder, n), join(dir, target), state);
      } catch (e) {
        if (errCode(e) !== 'ENOENT') throw e; // a companion that vanished meanwhile
      }
      out.set(n, `${this.archiveDir}/${month}/${target}`);
    }
    await fsyncDir(dir);
    await fsyncDir(this.o.folder);
    return out;
  }

  private emit(e: PickupEvent): void {
    try {
      this.o.onEvent?.(e);
    } catch (err) {
      this.log.warn('pickup event listener threw', { err: String(err) });
    }
  }
}

function extOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i + 1).toLowerCase() : '';
}
function baseOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(0, i) : name;
}
