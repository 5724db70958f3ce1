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
