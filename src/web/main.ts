import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHost, defaultProfileDir } from '../host/index';
import { startWebShell } from './shell';

// `npm run serve [-- --port N --profile DIR]`: Pli for headless machines and for the browser tests.
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    profile: { type: 'string' },
    renderer: { type: 'string' },
  },
});
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const host = createHost({
  profileDir: resolve(values.profile ?? defaultProfileDir()),
  version,
  shell: 'web',
  resourcesDir: join(root, 'resources'),
});
const shell = await startWebShell({
  host,
  rendererDir: resolve(values.renderer ?? join(root, 'dist', 'renderer')),
  port: values.port ? Number(values.port) : Number(process.env.PLI_PORT ?? 0),
});
process.stdout.write(`Pli est prêt : ${shell.url}\n`);

const stop = async () => {
  await shell.close();
  await host.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
