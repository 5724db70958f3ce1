import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POP3_MAILBOX } from '../../src/host/mail/receive';
import { openProfileMailbox } from '../../src/host/store';
import { ImapClient } from '../../src/host/transport/imap-client';
import { Pop3Client } from '../../src/host/transport/pop3-client';
import { TlsTrust } from '../../src/host/transport/tls-trust';
import { testEnv } from '../env/current';
import { accountFor, allLetters, deliver, fullMedium, PROFILE_PASSWORD, receivingProfile, removeTemps, ServerSealer } from './receive-support';

const ROOT = join(import.meta.dirname, '..', '..');
const ROUNDS = 20;
let bundleDir: string;
let child: string;

// The child is bundled once (with the store and letter-reading workers beside it, as the app's build does): a process then
// starts in a fraction of the time tsx needs, so the 20 kills stay quick. Packages stay external, so the
// bundle lives under node_modules/.cache to resolve them.
beforeAll(async () => {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  bundleDir = mkdtempSync(join(cache, 'pli-receive-child-'));
  child = join(bundleDir, 'receive-child.mjs');
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error' } as const;
  await Promise.all([
    build({ ...common, entryPoints: [join(import.meta.dirname, 'receive-child.ts')], outfile: child }),
    build({ ...common, entryPoints: [join(ROOT, 'src/host/store/worker.ts')], outfile: join(bundleDir, 'store-worker.js') }),
    build({ ...common, entryPoints: [join(ROOT, 'src/host/mail/receive/reader-worker.ts')], outfile: join(bundleDir, 'reader-worker.js') }),
  ]);
});
afterAll(() => {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  removeTemps();
});

function runChild(args: string[]): { child: ChildProcess; line: (s: string) => Promise<void>; exited: Promise<number | null>; stderr: () => string } {
  const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<{ s: string; resolve: () => void }> = [];
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) if (out.includes(w.s)) w.resolve();
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const line = (s: string) =>
    new Promise<void>((resolve, reject) => {
      if (out.includes(s)) return resolve();
      waiters.push({ s, resolve });
      void exited.then((code) => reject(new Error(`child exited (${code}) before "${s}": ${err.slice(-2000)}`)));
    });
  return { child: proc, line, exited, stderr: () => err.slice(-2000) };
}

describe('receive survives kill -9 at random points', () => {
  it(`stores every letter exactly once and deletes none from the server before it is stored (${ROUNDS} kills)`, async () => {
    const env = testEnv();
    // Letters for paul.MARTIN's key, delivered straight into two boxes that no other receive test uses.
    const pop3 = accountFor(env, 'secretariat', 'pop3', { id: 'crash-pop3', deleteAfterDays: 0 });
    const imap = accountFor(env, 'plain.USER', 'imap', { id: 'crash-imap' });
    const { dir, mailbox } = await receivingProfile(fullMedium('paul.MARTIN'));
    await mailbox.close();
    const accountsFile = join(dir, 'accounts.json');
    writeFileSync(accountsFile, JSON.stringify([pop3, imap]));
    const sealer = new ServerSealer('paul.MARTIN', 100_000 + randomInt(0, 50_000));
    const sent = new Map<string, { box: string; text: string }>();
    const send = async (login: string) => {
      const id = `<crash-${randomBytes(6).toString('hex')}@pli.test>`;
      const text = `Courrier ${sent.size + 1} pour le test d'interruption.\n${randomBytes(24).toString('hex')}\n`;
      await deliver(env, `${login}@${env.domain}`, sealer.seal(text), id);
      sent.set(id, { box: login, text });
    };

    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([send('secretariat'), send('plain.USER'), send('secretariat'), send('plain.USER')]);
      const c = runChild([dir, accountsFile, env.tls.caCertPath]);
      await c.line('ready');
      // Half of the kills anywhere in the first moments of the run, half once a store has committed
      // (around the flag / DELE / QUIT that follow it).
      if (round % 2 === 1) await c.line('progress');
      await new Promise((r) => setTimeout(r, randomInt(0, round % 2 === 1 ? 80 : 300)));
      c.child.kill('SIGKILL');
      // Killed (null), not ended by an error of its own.
      expect(await c.exited, c.stderr()).toBeNull();
    }

    // A clean run picks up whatever the killed runs left.
    const last = runChild([dir, accountsFile, env.tls.caCertPath, '--once']);
    await last.line('done');
    expect(await last.exited, last.stderr()).toBe(0);

    const mb = await openProfileMailbox(dir, PROFILE_PASSWORD);
    try {
      const letters = await allLetters(mb);
      for (const [id, s] of sent) {
        const found = letters.filter((l) => l.messageId === id);
        expect(found.length, id).toBe(1);
        expect(found[0]!.text).toBe(s.text);
        expect(found[0]!.reviewCode).toBeNull();
      }
      // Every POP3 message is recorded deleted (also those whose QUIT the kill interrupted).
      expect(await mb.receivedInState(pop3.id, POP3_MAILBOX, ['stored', 'seen'])).toEqual([]);
    } finally {
      await mb.close();
    }

    // POP3 (delete after 0 days): none of our letters is left on the server; IMAP: all kept and seen.
    const trust = new TlsTrust({ extraCaPems: [env.tls.caCertPem] });
    const p = await Pop3Client.connect({ host: pop3.host, port: pop3.port, security: 'starttls', user: pop3.user, password: pop3.password, trust });
    const left: string[] = [];
    for (const { n } of await p.list()) {
      const raw = (await p.retr(n)).toString('latin1');
      for (const id of sent.keys()) if (raw.includes(id)) left.push(id);
    }
    await p.quit();
    expect(left).toEqual([]);
    const im = await ImapClient.connect({ host: imap.host, port: imap.port, security: 'starttls', user: imap.user, password: imap.password, trust });
    try {
      const { messages } = await im.listNew();
      const ours = [...sent.values()].filter((s) => s.box === 'plain.USER').length;
      expect(messages.length).toBeGreaterThanOrEqual(ours);
      expect(messages.filter((m) => !m.seen)).toEqual([]);
    } finally {
      await im.close();
    }
  });
});
