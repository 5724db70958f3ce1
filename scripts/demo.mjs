#!/usr/bin/env node
// `npm run demo`: builds the web shell and starts the demonstration (scripts/demo.ts).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDeps(root);
const pre = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'tests', 'env', 'prereqs.ts')], { cwd: root, stdio: 'inherit' });
if (pre.status !== 0) process.exit(pre.status ?? 1);
const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--only=web,renderer'], { cwd: root, stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo.ts')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 0);
