// Installs the npm packages when they are missing or older than the lock file, so that each of the
// README's commands works on a fresh clone. No Electron binary is downloaded unless asked for.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureDeps(root) {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('pli: installation des paquets npm (npm ci)…');
  const env = { ...process.env };
  if (env.PLI_ELECTRON_BINARY !== '1') env.ELECTRON_SKIP_BINARY_DOWNLOAD = '1';
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error('pli: « npm ci » a échoué (voir ci-dessus).');
    process.exit(r.status ?? 1);
  }
}
