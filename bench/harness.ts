import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** CPU time (ms) of this process, all its threads included (those already ended too). */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU time (ms) of the Dovecot started for `envDir` (tests/env) and of all its processes, those already
 * ended included (reaped children's time); Linux /proc, where the test servers run.
 */
export function dovecotCpuMs(envDir: string): number {
  const tick = 1000 / 100; // USER_HZ
  const stat = (pid: string) => {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: f[1]!, own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  };
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const master = pids.find((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'dovecot' && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(envDir);
    } catch {
      return false;
    }
  });
  if (!master) throw new Error('bench: the Dovecot of the test servers was not found in /proc');
  let ticks = 0;
  for (const p of pids) {
    try {
      const s = stat(p);
      if (p === master || s.ppid === master) ticks += s.own + s.children;
    } catch {
      // ended meanwhile: its time is in the master's children's time once reaped
    }
  }
  return ticks * tick;
}
