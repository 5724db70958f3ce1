import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
/** Shared helpers for benchmarks: each bench/<area>.bench.ts default-exports a BenchFn. */
export interface BenchContext {
  /** Smaller data sets, for a smoke run of the harness. */
  quick: boolean;
  /** A fresh temporary folder, removed after the bench. */
  tmpDir: string;
  log: (msg: string) => void;
}
export type BenchFn = (ctx: BenchContext) => Promise<Record<string, number>>;

/** Runs fn until at least minMs have passed (and at least once); returns per-call milliseconds. */
export function timeLoop(fn: () => void, minMs = 300): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    fn();
    n++;
    t = performance.now();
  } while (t - t0 < minMs);
  return (t - t0) / n;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export function rssMb(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

let workers: URL | undefined;
/**
 * The mailbox's worker scripts as builds ship them (scripts/build.mjs puts them beside each bundle; the CLI's
 * is the quickest to make), so that benchmarks measure the threads users run: a thread that loads the
 * TypeScript source through tsx weighs ~30 MB more. Returns the URL of store-worker.js (`workerUrl`).
 */
export async function builtStoreWorker(): Promise<URL> {
  if (!workers) {
    const root = join(import.meta.dirname, '..');
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--only=cli'], { cwd: root, stdio: 'inherit' });
    const file = join(root, 'dist', 'cli', 'store-worker.js');
    if (r.status !== 0 || !existsSync(file)) throw new Error('bench: the build of dist/cli (and its worker scripts) failed.');
    workers = pathToFileURL(file);
  }
  return workers;
}

/** The letter-reading thread's script from the same build (ReceiveOptions.readerThread.url). */
export async function builtReaderWorker(): Promise<URL> {
  return new URL('./reader-worker.js', await builtStoreWorker());
}
