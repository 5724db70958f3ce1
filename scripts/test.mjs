#!/usr/bin/env node
// `npm test`: everything CI checks, in order — install, type-check, lint, build, start the real
// servers (Dovecot, SoftHSM2, OpenLDAP; Chromium for the browser), run unit, integration and
// end-to-end tests, stop the servers. Ends with one "tests: N passed, N failed" line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = Date.now();
const step = (name) => console.log(`\n== ${name} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`pli: échec de « ${[cmd, ...args].join(' ')} »`);
    console.log('tests: 0 passed, 1 failed');
    process.exit(r.status ?? 1);
  }
};
const node = process.execPath;
const bin = (name) => join(root, 'node_modules', '.bin', name);

step('installation');
ensureDeps(root);
run(node, ['--import', 'tsx', join(root, 'tests', 'env', 'prereqs.ts')]);

step('vérification des types');
run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
step('lint');
run(bin('eslint'), ['.']);
step('build');
run(node, [join(root, 'scripts', 'build.mjs')], { env: { ...process.env, PLI_TEST_BUILD: '1' } });

step('serveurs de test');
const env = spawn(node, ['--import', 'tsx', join(root, 'tests', 'env', 'index.ts'), 'start'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const envFile = await new Promise((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error('test environment did not start within 120 s')), 120_000);
  env.stdout.on('data', (d) => {
    out += d;
    process.stdout.write(d);
    const m = /^PLI_TEST_ENV=(.+)$/m.exec(out);
    if (m) {
      clearTimeout(timer);
      resolve(m[1].trim());
    }
  });
  env.once('exit', (code) => reject(new Error(`test environment exited early (${code})`)));
}).catch((e) => {
  console.error(`pli: ${e.message}`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
});
const stopEnv = () =>
  new Promise((resolve) => {
    if (env.exitCode !== null) return resolve();
    env.once('exit', resolve);
    env.kill('SIGTERM');
    setTimeout(() => env.kill('SIGKILL'), 15_000).unref();
  });
process.on('SIGINT', () => void stopEnv().then(() => process.exit(130)));

step('tests (unitaires, intégration, bout en bout)');
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const jsonOut = join(results, 'vitest.json');
rmSync(jsonOut, { force: true });
const vitest = spawnSync(
  node,
  [bin('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonOut}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PLI_TEST_ENV: envFile } },
);
await stopEnv();

let passed = 0;
let failed = vitest.status === 0 ? 0 : 1;
if (existsSync(jsonOut)) {
  const r = JSON.parse(readFileSync(jsonOut, 'utf8'));
  passed = r.numPassedTests ?? 0;
  // A failed test counts once (not again for its describe block and file); a file that failed without
  // any failed test (an error while loading it, a hook) counts as one failure.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  failed = (r.numFailedTests ?? 0) + brokenFiles + (vitest.status !== 0 && !r.numFailedTests && !brokenFiles ? 1 : 0);
}
console.log(`\nDurée totale : ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && vitest.status === 0 ? 0 : 1);
