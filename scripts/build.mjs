#!/usr/bin/env node
// Bundles the shells and the renderer into dist/: electron main + preload (CommonJS, as Electron's
// sandboxed preload requires), the web shell and the CLI (ESM, packages left external so native
// modules load from node_modules), and the renderer with Vite.
// Usage: node scripts/build.mjs [--only=electron,web,cli,renderer]
import { build as esbuild } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const want = (t) => !only || only.includes(t);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  absWorkingDir: root,
  // Test builds (made by `npm test`) also trust the test PKI's root for signatures when PLI_TEST_SIGNATURE_ROOT
  // names it (and know its intermediates from PLI_TEST_SIGNATURE_INTERMEDIATES); the builds users get never do.
  define: { __PLI_VERSION__: JSON.stringify(version), __PLI_TEST_BUILD__: JSON.stringify(process.env.PLI_TEST_BUILD === '1') },
};
const natives = ['better-sqlite3-multiple-ciphers', 'pkcs11js'];
const jobs = [];
// The mailbox runs in a worker thread, its search index in another, received letters are read in a third:
// each bundle gets its own copy of the worker scripts beside it (the host finds `store-worker.js` and
// `reader-worker.js` next to itself, the store worker `search-worker.js` next to itself). They are ESM everywhere (the package is "type": "module"), Electron's main included.
const workerScripts = [
  ['src/host/store/worker.ts', 'store-worker.js'],
  ['src/host/store/search-worker.ts', 'search-worker.js'],
  ['src/host/mail/receive/reader-worker.ts', 'reader-worker.js'],
];
const storeWorker = (dir) =>
  Promise.all(
    workerScripts.map(([src, out]) =>
      exists(src).then((yes) => (yes ? esbuild({ ...common, entryPoints: [src], outfile: `${dir}/${out}`, format: 'esm', packages: 'external' }) : undefined)),
    ),
  );
// CommonJS bundles have no import.meta.url; give them one so shared host code can locate its files.
const cjsMeta = {
  banner: { js: 'const __pli_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  define: { ...common.define, 'import.meta.url': '__pli_import_meta_url' },
};

if (want('electron')) {
  jobs.push(
    esbuild({ ...common, ...cjsMeta, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs', external: ['electron', ...natives] }),
    storeWorker('dist/electron'),
    esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
  );
}
if (want('web')) {
  jobs.push(esbuild({ ...common, entryPoints: ['src/web/main.ts'], outfile: 'dist/web/server.js', format: 'esm', packages: 'external' }), storeWorker('dist/web'));
}
if (want('cli') && (await exists('src/cli/main.ts'))) {
  jobs.push(esbuild({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/pli.js', format: 'esm', packages: 'external' }), storeWorker('dist/cli'));
}
if (want('renderer')) {
  const { build: vite } = await import('vite');
  jobs.push(vite({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn', define: { __PLI_VERSION__: JSON.stringify(version) } }));
}
await Promise.all(jobs);
console.log(`build: ${only ? only.join(', ') : 'electron, web, cli, renderer'} -> dist/`);

async function exists(p) {
  const { access } = await import('node:fs/promises');
  return access(join(root, p)).then(() => true, () => false);
}
