import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProfile } from '../../src/host/profile';
import { openProfileMailbox } from '../../src/host/store';
import { writeBigMbox } from '../fixtures/legacy/synth';

const COUNT = 20_000;
const KILLS = 5;
const PASSWORD = 'Migration-Kill-2026!';
const child = join(import.meta.dirname, 'migration-child.ts');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pli-migration-kill-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Runs the child; when `killAfter` letters were reported in this run, SIGKILL. Resolves with its last line. */
function run(dir: string, killAfter?: number): Promise<{ killed: boolean; last: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, join(tmp, 'keys'), join(tmp, 'Inbox')], {
      env: { ...process.env, PLI_PASSWORD: PASSWORD },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    let last = '';
    let killed = false;
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        last = line;
        const m = /^progress (\d+)$/.exec(line);
        if (!killed && killAfter !== undefined && m && Number(m[1]) >= killAfter) {
          killed = true;
          proc.kill('SIGKILL');
        }
      }
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve({ killed, last });
      else if (code === 0) resolve({ killed, last });
      else reject(new Error(`child exited ${code ?? signal}`));
    });
  });
}

it(`kill -9 at random points while importing ${COUNT.toLocaleString('en')} letters, then resume: each letter exactly once`, async () => {
  await writeBigMbox(join(tmp, 'Inbox'), join(tmp, 'keys'), COUNT, 2026);
  const dir = join(tmp, 'profile');
  await createProfile(dir, PASSWORD, { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } });
  // Random points, spread so each run gets some work done before it dies.
  let seed = Date.now() >>> 0;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let kills = 0;
  for (let k = 0; k < KILLS; k++) {
    const r = await run(dir, 200 + Math.floor(rnd() * (COUNT / (KILLS + 2))));
    if (r.killed) kills++;
  }
  const final = await run(dir);
  expect(final.last.startsWith('done ')).toBe(true);
  const counts = JSON.parse(final.last.slice(5)) as { imported: number; alreadyPresent: number; resumed: boolean };
  expect(kills).toBeGreaterThanOrEqual(3);
  expect(counts.resumed).toBe(true);
  // Counts are committed with the letters: exact across the kills.
  expect(counts).toMatchObject({ imported: COUNT, alreadyPresent: 0 });

  const mailbox = await openProfileMailbox(dir, PASSWORD);
  try {
    expect(await mailbox.countLetters()).toBe(COUNT);
    expect(await mailbox.countLetters('review')).toBe(0);
  } finally {
    await mailbox.close();
  }
});
