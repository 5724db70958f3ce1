/**
 * Child process of migration-kill.test.ts: imports the given sources into the profile, printing one
 * line per progress event ("progress <letters>") and "done <json counts>" at the end. The parent kills
 * it with SIGKILL at random points.
 */
import { runMigration, type LegacySource } from '../../src/host/migration';
import { openProfileMailbox } from '../../src/host/store';

const [dir, keys, mbox] = process.argv.slice(2) as [string, string, string];
const mailbox = await openProfileMailbox(dir, process.env.PLI_PASSWORD ?? '');
const sources: LegacySource[] = [
  { kind: 'keys', path: keys, bytes: 0 },
  { kind: 'mbox', path: mbox, folder: 'reception', bytes: 0 },
];
const report = await runMigration({
  mailbox,
  sources,
  batchSize: 200,
  onProgress: (p) => process.stdout.write(`progress ${p.letters}\n`),
});
await mailbox.close();
const s = report.sources.find((x) => x.kind === 'mbox')!;
process.stdout.write(`done ${JSON.stringify({ imported: s.imported, alreadyPresent: s.alreadyPresent, resumed: s.resumed })}\n`);
