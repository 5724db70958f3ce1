#!/usr/bin/env node
// `npm start`: installs (with the Electron binary, on a user's machine), builds and opens the Pli window.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.env.PLI_ELECTRON_BINARY ??= '1';
ensureDeps(root);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('npm', ['run', 'build']);
const require = createRequire(import.meta.url);
let electron;
try {
  electron = require('electron'); // the path of the Electron binary
} catch {
  electron = undefined;
}
if (typeof electron !== 'string' || !existsSync(electron)) {
  console.error(
    'pli: le binaire Electron est absent (installé avec ELECTRON_SKIP_BINARY_DOWNLOAD). ' +
      'Sur un poste d’utilisateur : « npm rebuild electron », ou utilisez « npm run serve » (navigateur).',
  );
  process.exit(1);
}
run(electron, [root]);
