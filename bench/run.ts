import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, BenchFn } from './harness';

const { files, json, quick } = JSON.parse(process.argv[2] ?? '{}') as { files: string[]; json?: string; quick: boolean };
const results: Record<string, number> = {};
for (const f of files) {
  const mod = (await import(join(import.meta.dirname, f))) as { default: BenchFn };
  const tmp = mkdtempSync(join(tmpdir(), 'pli-bench-'));
  const ctx: BenchContext = { quick, tmpDir: tmp, log: (m) => process.stderr.write(`# ${f}: ${m}\n`) };
  try {
    const out = await mod.default(ctx);
    for (const [k, v] of Object.entries(out)) {
      results[k] = v;
      console.log(`${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
if (json) writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
