#!/usr/bin/env node
// `npm run serve [-- --port N --profile DIR]`: builds what the web shell needs and starts it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDeps(root);
const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--only=web,renderer,cli'], { cwd: root, stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);
const r = spawnSync(process.execPath, [join(root, 'dist', 'web', 'server.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 0);
