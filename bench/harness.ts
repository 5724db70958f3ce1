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

let workers: Promise<URL> | undefined;
/**
 * The mailbox's worker scripts bundled as builds ship them (beside each other, as scripts/build.mjs
 * puts them), so that benchmarks measure the threads users run: a thread that loads the TypeScript
 * source through tsx weighs ~30 MB more. Returns the URL of store-worker.js (`workerUrl`).
 */
export function builtStoreWorker(): Promise<URL> {
  workers ??= (async () => {
    const { build } = await import('esbuild');
    const root = join(import.meta.dirname, '..');
    const out = join(root, '.tmp', 'bench-workers');
    for (const [src, file] of [
      ['src/host/store/worker.ts', 'store-worker.js'],
      ['src/host/store/search-worker.ts', 'search-worker.js'],
    ] as const) {
      await build({ absWorkingDir: root, entryPoints: [src], outfile: join(out, file), bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
    }
    return pathToFileURL(join(out, 'store-worker.js'));
  })();
  return workers;
}
