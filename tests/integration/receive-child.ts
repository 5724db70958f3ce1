/**
 * Child process of receive-crash.test.ts: opens a receiving profile and syncs its accounts in a loop
 * (or once with --once) until the parent kills it (SIGKILL at a random point). Prints `ready` once the
 * mailbox is open, `progress` after each stored batch and `done` after a --once run. Usage:
 *   node --import tsx receive-child.ts <profileDir> <accounts.json> <caPemPath> [--once]
 * The test runs it bundled (esbuild, with the store worker beside it) to start in a fraction of the time.
 */
import { readFileSync } from 'node:fs';
import { ReceiveKeys, ReceivePipeline, type ReceiveAccount } from '../../src/host/mail/receive';
import { openProfileMailbox } from '../../src/host/store';
import { TlsTrust } from '../../src/host/transport/tls-trust';
import { GROUP_OWNERS, PROFILE_PASSWORD } from './receive-profile';

const [dir, accountsFile, caPath] = process.argv.slice(2);
const once = process.argv.includes('--once');
if (!dir || !accountsFile || !caPath) throw new Error('usage: receive-child.ts <profileDir> <accounts.json> <caPemPath> [--once]');

const mailbox = await openProfileMailbox(dir, PROFILE_PASSWORD);
const keys = new ReceiveKeys(mailbox, { groupOwners: GROUP_OWNERS });
const tls = new TlsTrust({ extraCaPems: [readFileSync(caPath, 'utf8')] });
const accounts = JSON.parse(readFileSync(accountsFile, 'utf8')) as ReceiveAccount[];
// One message per store transaction: more places for the kill to land between. `progress` tells the
// parent that a store transaction committed.
const pipelines = accounts.map(
  (a) => new ReceivePipeline(a, { mailbox, keys, tls, batchSize: 1, onProgress: (p) => p.done > 0 && process.stdout.write('progress\n') }),
);
process.stdout.write('ready\n');
do {
  for (const p of pipelines) await p.sync();
} while (!once);
await mailbox.close();
process.stdout.write('done\n');
