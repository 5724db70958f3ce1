import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runMigration } from '../src/host/migration';
import { createProfile } from '../src/host/profile';
import { openProfileMailbox } from '../src/host/store';
import { builtStoreWorker, rssMb, type BenchFn } from './harness';

const PASSWORD = 'Bench-Migration-2026!';

/**
 * Writes the mbox and imports its keys in a child process, so that this process's memory shows the
 * letter import alone (the generator and the key import handle hundreds of megabytes of pads).
 */
function prepare(dir: string, profile: string, count: number): Promise<void> {
  const synth = pathToFileURL(join(import.meta.dirname, '../tests/fixtures/legacy/synth.ts')).href;
  const mig = pathToFileURL(join(import.meta.dirname, '../src/host/migration/index.ts')).href;
  const store = pathToFileURL(join(import.meta.dirname, '../src/host/store/index.ts')).href;
  const code = `
    const { writeBigMbox } = await import(${JSON.stringify(synth)});
    const { runMigration } = await import(${JSON.stringify(mig)});
    const { openProfileMailbox } = await import(${JSON.stringify(store)});
    await writeBigMbox(${JSON.stringify(join(dir, 'Inbox'))}, ${JSON.stringify(join(dir, 'keys'))}, ${count});
    const mailbox = await openProfileMailbox(${JSON.stringify(profile)}, ${JSON.stringify(PASSWORD)});
    await runMigration({ mailbox, sources: [{ kind: 'keys', path: ${JSON.stringify(join(dir, 'keys'))}, bytes: 0 }] });
    await mailbox.close();`;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: 'inherit' });
    p.on('error', reject);
    p.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`preparation failed (${c})`))));
  });
}

/**
 * migration.letters_s: letters per second importing an mbox of encrypted letters (decrypt, HPRIM, store,
 * with the durable progress record); migration.rss_mb: peak resident memory meanwhile (streamed: flat).
 */
const bench: BenchFn = async (ctx) => {
  const count = ctx.quick ? 5_000 : 100_000;
  const profile = join(ctx.tmpDir, 'profile');
  await createProfile(profile, PASSWORD, { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } });
  const t0 = performance.now();
  await prepare(ctx.tmpDir, profile, count);
  ctx.log(`mbox of ${count} letters written and its keys imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const mbox = join(ctx.tmpDir, 'Inbox');
  const { size } = await stat(mbox);
  const mailbox = await openProfileMailbox(profile, PASSWORD, { workerUrl: await builtStoreWorker() });
  try {
    let peak = rssMb();
    ctx.log(`RSS before the import: ${Math.round(peak)} MB; mbox ${Math.round(size / 1024 / 1024)} MB`);
    const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 50);
    const start = performance.now();
    const report = await runMigration({ mailbox, sources: [{ kind: 'mbox', path: mbox, folder: 'reception', bytes: size }] });
    // Imported means searchable too: the index is written in parallel by its own worker.
    if (!(await mailbox.flushSearchIndex())) throw new Error('search index did not catch up');
    const secs = (performance.now() - start) / 1000;
    clearInterval(timer);
    peak = Math.max(peak, rssMb());
    if (report.imported !== count) throw new Error(`imported ${report.imported} of ${count}`);
    ctx.log(`${count} letters in ${secs.toFixed(1)} s`);
    return { 'migration.letters_s': Math.round(count / secs), 'migration.rss_mb': Math.round(peak) };
  } finally {
    await mailbox.close();
  }
};
export default bench;
