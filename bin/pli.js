#!/usr/bin/env node
// `npx pli <command>`: runs the bundled CLI (built by `npm run build` or `npm run serve`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'pli.js');
if (!existsSync(cli)) {
  process.stderr.write('pli : l’outil en ligne de commande n’est pas encore construit. Lancez « npm run build ».\n');
  process.exit(1);
}
await import(cli);
