import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseKeyFile, parseKeyFileName } from '../../core/apicrypt';
import { PliError } from '../../shared/errors';
import { KeyService } from '../keys';
import { silentLogger, type Logger } from '../log/logger';
import { retryReview } from '../mail/receive';
import type { Mailbox } from '../store/mailbox';
import type { FolderRole } from '../store/schema';
import type { LetterInput } from '../store/types';
import { legacyStoreProblem } from './legacy-store';
import type { Outcome, OutcomeTag } from './message';
import { PadCache, padOpener } from './pads';
import { emlItems, hprimItems, maildirItems, mboxItems, type FolderResolver, type ItemOptions, type SourceItem } from './sources';
import type { KeyImportSummary, LegacySource, MigrationCounts, MigrationProblem, MigrationProgress, MigrationReport, SourceReport } from './types';

export interface MigrationOptions {
  /** The profile's mailbox; optional for a dry run (then only the keys of the sources are used). */
  mailbox?: Mailbox;
  sources: LegacySource[];
  /** Reads and decrypts everything, writes nothing (no key, no letter, no progress). */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: MigrationProgress) => void;
  /** Key import and review retry (default: a KeyService over the mailbox). */
  keys?: KeyService;
  /** Letters per transaction (default 400). */
  batchSize?: number;
  logger?: Logger;
}

const BATCH_BYTES = 4 * 1024 * 1024;
const PROGRESS_EVERY_MS = 200;

export function sourceId(s: LegacySource): string {
  return `${s.kind}:${s.path}`;
}

const zero = (): MigrationCounts => ({ imported: 0, alreadyPresent: 0, notDecryptable: 0, notReadable: 0 });

/**
 * Imports a legacy installation: key folders first (so that old letters decrypt), then every mail
 * store and export folder, in batches. Each batch is committed with the source's position in one
 * transaction: cancelled, crashed or killed, the next run resumes after the last batch, with no
 * duplicate (and the content hash skips letters present from any source).
 */
export async function runMigration(opts: MigrationOptions): Promise<MigrationReport> {
  const dryRun = opts.dryRun ?? false;
  const mailbox = opts.mailbox;
  if (!mailbox && !dryRun) throw new PliError('migration_no_mailbox', 'Ouvrez (déverrouillez) votre messagerie Pli avant d’importer l’ancienne messagerie.');
  const log = (opts.logger ?? silentLogger).child('migration');
  const startedAt = new Date();
  const sources = [...opts.sources].sort((a, b) => Number(b.kind === 'keys') - Number(a.kind === 'keys'));
  const report: MigrationReport = { ...zero(), dryRun, cancelled: false, startedAt: startedAt.toISOString(), finishedAt: '', sources: [], recovered: 0 };
  const keys = mailbox ? (opts.keys ?? new KeyService(mailbox, { logger: log })) : undefined;

  // ---- keys
  const dryPads = new Map<string, Uint8Array>();
  let newKeys = 0;
  for (const s of sources.filter((x) => x.kind === 'keys')) {
    const r: SourceReport = { ...zero(), kind: 'keys', path: s.path, resumed: false, complete: true, problems: [] };
    try {
      const k = dryRun ? await readKeysInMemory(s.path, dryPads) : await keys!.importMedium(s.path);
      const summary: KeyImportSummary = { path: s.path, imported: k.imported, alreadyPresent: k.alreadyPresent, unsupported: k.unsupported, rejected: k.rejected };
      r.keys = summary;
      newKeys += k.imported.length;
    } catch (e) {
      if (!(e instanceof PliError)) throw e;
      r.problems.push({ where: s.path, code: e.code, message_fr: e.message_fr });
    }
    report.sources.push(r);
  }
  const opener = padOpener(new PadCache(mailbox, dryPads));

  // Letters left in "À vérifier" (earlier runs, or received) that the new keys now open.
  if (mailbox && keys && !dryRun && newKeys > 0) {
    // retryReview reads the oldest 500 at a time: go on while a pass still recovers letters.
    for (let pass = 0; pass < 1000; pass++) {
      const r = await retryReview({ mailbox, keys });
      report.recovered += r.recovered;
      if (r.recovered === 0) break;
    }
  }

  // ---- letters
  const folderOf = folderResolver(mailbox, dryRun);
  const bytesTotal = sources.reduce((n, s) => n + (s.kind === 'keys' ? 0 : s.bytes), 0);
  const progress: MigrationProgress = { source: '', sourceIndex: 0, sourceCount: sources.length, letters: 0, ...zero(), bytesDone: 0, bytesTotal };
  const t0 = Date.now();
  let lastEmit = 0;
  const emit = (force = false) => {
    const now = Date.now();
    if (!opts.onProgress || (!force && now - lastEmit < PROGRESS_EVERY_MS)) return;
    lastEmit = now;
    const rate = progress.bytesDone / Math.max(1, now - t0);
    const left = Math.max(0, progress.bytesTotal - progress.bytesDone);
    const p = { ...progress };
    if (rate > 0 && progress.bytesDone > 0) p.etaSeconds = Math.round(left / rate / 1000);
    opts.onProgress(p);
  };
  const seen = new Set<string>(); // dry run only: duplicates among the sources themselves

  for (const [i, s] of sources.entries()) {
    if (s.kind === 'keys') continue;
    progress.source = s.path;
    progress.sourceIndex = i;
    const id = sourceId(s);
    const prior = mailbox && !dryRun ? await mailbox.migrationProgress(id) : undefined;
    const r: SourceReport = { ...zero(), kind: s.kind, path: s.path, resumed: prior !== undefined, complete: false, problems: [] };
    if (s.found) r.found = s.found;
    report.sources.push(r);
    if (prior?.done) {
      Object.assign(r, countsOf(prior.counts), { complete: true, problems: prior.problems as MigrationProblem[] });
      progress.bytesDone += s.bytes;
      continue;
    }
    if (s.kind === 'legacy-store') {
      const problem = legacyStoreProblem(s);
      if (mailbox && !dryRun) {
        const c = await mailbox.migrationCommit(id, { position: 0, positionName: '', done: true, counts: { notReadable: 1 }, problems: [problem] }, []);
        Object.assign(r, countsOf(c.counts));
      } else r.notReadable = 1;
      r.problems.push(problem);
      r.complete = true;
      progress.notReadable++;
      continue;
    }

    const from = { position: prior?.position ?? 0, positionName: prior?.positionName ?? '', count: prior ? Number(prior.positionName) || 0 : 0 };
    const io: ItemOptions = { opener, folderOf, ...(opts.signal ? { signal: opts.signal } : {}) };
    const items = itemsOf(s, from, io);
    const local = zero();
    const problems: MigrationProblem[] = [];
    let batch: { letter: LetterInput; tag: OutcomeTag; problem?: MigrationProblem }[] = [];
    let batchCounts: Record<string, number> = {};
    let batchProblems: MigrationProblem[] = [];
    let batchBytes = 0;
    let last: SourceItem | undefined;
    let inFlight: Promise<unknown> | undefined;
    let stored: Record<string, number> | undefined;

    const flush = async (done: boolean) => {
      if (inFlight) await inFlight;
      inFlight = undefined;
      if (dryRun || !mailbox) return;
      if (!last && !done) return;
      const step = { position: last?.position ?? from.position, positionName: last?.positionName ?? from.positionName, done, counts: batchCounts, problems: batchProblems };
      const letters = batch;
      batch = [];
      batchCounts = {};
      batchProblems = [];
      batchBytes = 0;
      const p = mailbox.migrationCommit(id, step, letters).then((c) => {
        stored = c.counts;
        for (const [k, v] of letters.entries()) if (c.ids[k] === null) countOne(progress, 'alreadyPresent', v.tag);
      });
      // One commit in flight while the next batch is read and decrypted.
      if (done) await p;
      else inFlight = p;
    };

    for await (const item of items) {
      if (opts.signal?.aborted) break;
      let out: Outcome;
      try {
        out = await item.load();
      } catch (e) {
        if (e instanceof PliError && (e.code === 'mailbox_closed' || e.code === 'internal')) throw e;
        const code = (e as NodeJS.ErrnoException).code ?? 'read_failed';
        out = { type: 'unreadable', problem: { where: `${s.path} (${item.positionName})`, code: 'file_unreadable', message_fr: `Ce fichier n’a pas pu être lu (${code}) : vérifiez le support et relancez l’import.` } };
      }
      last = item;
      progress.letters++;
      progress.bytesDone += item.bytes;
      batchBytes += item.bytes;
      if (out.type === 'unreadable') {
        batchCounts.notReadable = (batchCounts.notReadable ?? 0) + 1;
        batchProblems.push(out.problem);
        local.notReadable++;
        problems.push(out.problem);
        progress.notReadable++;
      } else {
        if (dryRun) {
          const h = Buffer.from(out.letter.contentHash ?? new Uint8Array(0)).toString('hex');
          const dup = h !== '' && seen.has(h);
          seen.add(h);
          const tag = dup ? 'alreadyPresent' : out.tag;
          if (!dup && out.problem) problems.push(out.problem);
          local[tag]++;
          progress[tag]++;
        } else {
          batch.push(out.problem ? { letter: out.letter, tag: out.tag, problem: out.problem } : { letter: out.letter, tag: out.tag });
          progress[out.tag]++;
        }
      }
      if (batch.length >= (opts.batchSize ?? 400) || batchBytes >= BATCH_BYTES) await flush(false);
      emit();
    }
    const cancelled = opts.signal?.aborted === true;
    await flush(!cancelled);
    if (inFlight) await inFlight;
    r.complete = !cancelled;
    if (stored) Object.assign(r, countsOf(stored));
    else if (dryRun || !mailbox) Object.assign(r, local);
    else if (prior) Object.assign(r, countsOf(prior.counts));
    r.problems = dryRun ? problems : (((await mailbox!.migrationProgress(id))?.problems ?? []) as MigrationProblem[]);
    if (mailbox && !dryRun) await mailbox.audit('migration', cancelled ? 'import_cancelled' : 'import_source', s.kind, { ...countsOf(stored ?? {}) });
    emit(true);
    if (cancelled) {
      report.cancelled = true;
      break;
    }
  }
  if (opts.signal?.aborted) report.cancelled = true;
  for (const r of report.sources) {
    report.imported += r.imported;
    report.alreadyPresent += r.alreadyPresent;
    report.notDecryptable += r.notDecryptable;
    report.notReadable += r.notReadable;
  }
  report.finishedAt = new Date().toISOString();
  log.info('migration finished', { dryRun, cancelled: report.cancelled, imported: report.imported, alreadyPresent: report.alreadyPresent, notDecryptable: report.notDecryptable, notReadable: report.notReadable });
  return report;
}

/** A duplicate found at commit time was counted under its tag while reading: move it. */
function countOne(p: MigrationProgress, to: 'alreadyPresent', from: OutcomeTag): void {
  p[from]--;
  p[to]++;
}

function countsOf(c: Record<string, number>): MigrationCounts {
  return { imported: c.imported ?? 0, alreadyPresent: c.alreadyPresent ?? 0, notDecryptable: c.notDecryptable ?? 0, notReadable: c.notReadable ?? 0 };
}

function itemsOf(s: LegacySource, from: { position: number; positionName: string; count: number }, o: ItemOptions): AsyncGenerator<SourceItem> {
  const folder = s.folder ?? 'reception';
  switch (s.kind) {
    case 'mbox':
      return mboxItems(s.path, folder, from, o);
    case 'maildir':
      return maildirItems(s.path, from, o);
    case 'eml':
      return emlItems(s.path, folder, from, o);
    case 'hprim':
      return hprimItems(s.path, folder, from, o);
    default:
      throw new PliError('internal', `Source inattendue : ${s.kind}.`);
  }
}

/** User folders of the old store are found or created once; system names map to system folders. */
function folderResolver(mailbox: Mailbox | undefined, dryRun: boolean): FolderResolver {
  const cache = new Map<string, number>();
  return async (f) => {
    if (typeof f === 'string') return f;
    if (!mailbox || dryRun) return 'reception';
    const hit = cache.get(f.name);
    if (hit !== undefined) return hit;
    const existing = (await mailbox.listFolders()).find((x) => x.kind === 'user' && x.parentId === null && x.name === f.name);
    const id = existing ? existing.id : await mailbox.createFolder(f.name);
    cache.set(f.name, id);
    return id;
  };
}

/** Dry run: the key files are read and checked, kept in memory for decryption, never stored. */
async function readKeysInMemory(path: string, into: Map<string, Uint8Array>): Promise<{ imported: string[]; alreadyPresent: string[]; unsupported: string[]; rejected: { file: string; code: string; message_fr: string }[] }> {
  const out = { imported: [] as string[], alreadyPresent: [] as string[], unsupported: [] as string[], rejected: [] as { file: string; code: string; message_fr: string }[] };
  let dir = path;
  for (const n of ['Clefs', 'clefs', 'CLEFS']) {
    if ((await readdir(join(path, n)).catch(() => undefined)) !== undefined) {
      dir = join(path, n);
      break;
    }
  }
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const named = parseKeyFileName(name);
    if (!named) continue;
    if ('unsupported' in named) {
      out.unsupported.push(name);
      continue;
    }
    try {
      const k = parseKeyFile(await readFile(join(dir, name)), name);
      into.set(`${k.owner}.${k.year}`, k.pad);
      out.imported.push(name);
    } catch (e) {
      if (!(e instanceof PliError)) throw e;
      out.rejected.push({ file: name, code: e.code, message_fr: e.message_fr });
    }
  }
  return out;
}

export type { FolderRole };
