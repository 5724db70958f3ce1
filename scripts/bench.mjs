#!/usr/bin/env node
// Benchmark harness: runs every bench/*.bench.ts (or those named on the command line), prints one
// "key value" line per measure and, with --json <file>, writes all measures to that file.
// Usage: npm run bench [-- [--json out.json] [--quick] [name ...]]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const json = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const names = args.filter((a, i) => !a.startsWith('--') && (jsonAt < 0 || i !== jsonAt + 1));
const quick = args.includes('--quick');
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => names.length === 0 || names.some((n) => f.startsWith(n)))
  .sort();
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--expose-gc', join(root, 'bench', 'run.ts'), JSON.stringify({ files, json, quick })],
  { stdio: 'inherit', cwd: root },
);
process.exit(r.status ?? 1);
