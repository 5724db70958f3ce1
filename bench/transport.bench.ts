/**
 * Receive benchmark (issue 7 item 5): Dovecot holds N APICRYPT letters (5,000; 300 with --quick) of 2 to
 * 200 KB, delivered over LMTP into paul.MARTIN's box (read by POP3) and cabinet.LESTILLEULS's box (read
 * by IMAP). Measured, in letters per second:
 * - `transport.pop3_raw_s`, `transport.imap_raw_s`: fetch only, with the same clients (Pop3Client RETR in
 *   message order; ImapClient FETCH of the sources in batches of RECEIVE_BATCH.letters, like the pipeline);
 * - `transport.pop3_letters_s`, `transport.imap_letters_s`: a ReceivePipeline run into a fresh profile:
 *   fetch -> classify -> decrypt -> parse HPRIM (in the letter-reading thread, as for any run of 100
 *   messages or more, kept between runs as the host keeps it) -> store (one transaction per batch, with the fetched-messages record) -> mark seen
 *   (IMAP) -> letter ids returned for the export queue, and the search index holding them;
 * - `transport.pop3_ratio`, `transport.imap_ratio`: pipeline / raw (goal >= 0.5).
 * Each protocol is measured in ROUNDS rounds of a raw fetch then a pipeline run, back to back: rates are
 * the medians of the rounds, ratios the median of each round's own ratio (this machine drifts ±15 %);
 * - `transport.pop3_loop_delay_p99_ms`, `transport.imap_loop_delay_p99_ms`: the host thread's event-loop
 *   delay (99th percentile) during the run: how long a request of the window may wait meanwhile;
 * - `transport.<run>_pli_cpu_ms`, `transport.<run>_dovecot_cpu_ms` (run: pop3_raw, imap_raw, pop3, imap):
 *   CPU time per letter of this process (all its threads) and of the Dovecot processes, averaged over the
 *   rounds: on a machine of 2 cores both runs are bound by their sum.
 *
 * ALWAYS starts its own test servers (tests/env), never the ones of PLI_TEST_ENV: thousands of letters
 * would flood the boxes the integration tests read. The fixture pads (256 KiB) are too small for the
 * largest letters, so synthetic 1 MiB keys are written in the temp dir; the bench seals each letter as
 * the trusted server would, at a random offset (bench letters may share pad bytes; Pli never does when
 * it sends).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  armorLetter,
  encodeLetterPayload,
  keyFileName,
  letterComments,
  sealedLengths,
  sealLetter,
  writeKeyFile,
  type PadUse,
} from '../src/core/apicrypt';
import { KeyService } from '../src/host/keys';
import { READER_THREAD_MIN_LETTERS, RECEIVE_BATCH, ReceiveKeys, ReceivePipeline, SharedReader, type ReceiveAccount } from '../src/host/mail/receive';
import { createProfile, DB_FILE } from '../src/host/profile';
import { openMailbox, type Mailbox } from '../src/host/store';
import { ImapClient } from '../src/host/transport/imap-client';
import { Pop3Client } from '../src/host/transport/pop3-client';
import { TlsTrust } from '../src/host/transport/tls-trust';
import type { TestEnv } from '../tests/env/types';
import { apicryptMail } from '../tests/support/trusted-server/letters';
import { lmtpDeliver } from '../tests/support/trusted-server/lmtp-client';
import { builtReaderWorker, builtStoreWorker, dovecotCpuMs, processCpuMs, type BenchFn } from './harness';

const PAD = 1024 * 1024;
const YEAR = 2026;
const OWNER = 'paul.MARTIN';
const BOXES = { pop3: 'paul.MARTIN', imap: 'cabinet.LESTILLEULS' } as const;
/** Rounds of raw fetch + pipeline per protocol (one with --quick). */
const ROUNDS = 3;

async function ownServers(log: (m: string) => void): Promise<{ env: TestEnv; stop: () => void }> {
  log('starting dedicated test servers (tests/env)');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'tests', 'env', 'index.ts'), 'start'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const file = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (l) => {
      const m = /^PLI_TEST_ENV=(.+)$/.exec(l.trim());
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`test servers exited (${code})`)));
  });
  return { env: JSON.parse(readFileSync(file, 'utf8')) as TestEnv, stop: () => child.kill('SIGTERM') };
}

/** Mail sizes from 2 to 200 KB, log-uniform (many short reports, a few long ones). */
function mailSize(): number {
  return Math.round(2048 * Math.exp(Math.random() * Math.log(100)));
}

function hprimText(i: number, payloadBytes: number): string {
  const head = [
    `PAT${i}`, 'BANC', 'Claire', '3 rue du Banc', '', '75011 VILLE-FICTIVE', '02/05/1971', '', `DOS-${i}`, '09/01/2026',
    'LAB012     Laboratoire Fictif', 'DRTEST01   Dr Jean DUPONT',
  ];
  const lines = [...head];
  let size = head.join('\n').length;
  for (let k = 0; size < payloadBytes - 200; k++) {
    const l = `Ligne ${k} : examen clinique sans particularité, tension artérielle 12/8, poursuite du traitement.`;
    lines.push(l);
    size += l.length + 1;
  }
  lines.push('****LAB****', 'RES|Glycémie à jeun|GLY|N|1.32|g/l|0.70|1.10|H|F', '****FIN****', '');
  return lines.join('\n');
}

function sealAsServer(text: string, pads: { master: Uint8Array; user: Uint8Array }): string {
  const payload = encodeLetterPayload({ text, recipients: { to: [OWNER] }, mode: 'cp1252' });
  const lens = sealedLengths(payload.length);
  const use = (owner: string, pad: Uint8Array, length: number): PadUse => ({
    owner, year: YEAR, tag: '1000', pad, offset: randomInt(0, PAD - length), counter: 1,
  });
  const master = use('Master', pads.master, lens.master);
  const user = use(OWNER, pads.user, lens.user);
  return armorLetter(sealLetter(payload, master, user), letterComments(master, user));
}

async function deliverAll(env: TestEnv, mails: Buffer[], to: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < mails.length) {
      const m = mails[next++]!;
      const res = await lmtpDeliver({ host: env.dovecot.host, port: env.dovecot.lmtpPort, from: `jean.DUPONT@${env.domain}`, recipients: to, message: m });
      if (res.some((r) => !r.ok)) throw new Error('LMTP delivery refused');
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function profile(dir: string, medium: string): Promise<{ mailbox: Mailbox }> {
  const { dbKey } = await createProfile(dir, 'Banc-Reception-2026!', { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } });
  const mailbox = await openMailbox({ file: join(dir, DB_FILE), key: dbKey, workerUrl: await builtStoreWorker() });
  const keys = new KeyService(mailbox);
  await keys.importMedium(medium);
  return { mailbox };
}

const bench: BenchFn = async ({ quick, tmpDir, log }) => {
  const n = quick ? 300 : 5000;
  const servers = await ownServers(log);
  const env = servers.env;
  try {
    const pads = { master: new Uint8Array(randomBytes(PAD)), user: new Uint8Array(randomBytes(PAD)) };
    const medium = join(tmpDir, 'medium');
    mkdirSync(join(medium, 'Clefs'), { recursive: true });
    writeFileSync(join(medium, 'Clefs', keyFileName('Master', YEAR)), writeKeyFile({ owner: 'Master', year: YEAR, pad: pads.master }));
    writeFileSync(join(medium, 'Clefs', keyFileName(OWNER, YEAR)), writeKeyFile({ owner: OWNER, year: YEAR, pad: pads.user }));

    const mails: Buffer[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      // Armor adds a third: aim the payload at 3/4 of the mail size.
      const body = sealAsServer(hprimText(i, Math.round(mailSize() * 0.74)), pads);
      const m = apicryptMail({ from: `jean.DUPONT@${env.domain}`, to: [`${OWNER}@${env.domain}`], body, messageId: `<bench-${i}-${randomBytes(4).toString('hex')}@pli.test>` });
      mails.push(m);
      total += m.length;
    }
    const d0 = performance.now();
    await deliverAll(env, mails, [`${BOXES.pop3}@${env.domain}`, `${BOXES.imap}@${env.domain}`]);
    log(`${n} letters (${(total / 1e6).toFixed(1)} MB) delivered to both boxes over LMTP in ${((performance.now() - d0) / 1000).toFixed(1)} s`);
    mails.length = 0;

    const trust = new TlsTrust({ extraCaPems: [env.tls.caCertPem] });
    const account = (protocol: 'pop3' | 'imap'): ReceiveAccount => {
      const login = BOXES[protocol];
      return {
        id: `bench-${protocol}`, protocol, host: env.dovecot.host, port: protocol === 'pop3' ? env.dovecot.pop3Port : env.dovecot.imapPort,
        security: 'starttls', user: login, password: `test-${login}`,
      };
    };

    // CPU per letter (ms), this process and the server, for each kind of run: where a letter's time goes
    // (summed over the rounds, divided at the end).
    const cpuSum: Record<string, number> = {};
    const measureCpu = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const [pli0, srv0] = [processCpuMs(), dovecotCpuMs(env.dir)];
      const out = await run();
      cpuSum[`transport.${name}_pli_cpu_ms`] = (cpuSum[`transport.${name}_pli_cpu_ms`] ?? 0) + (processCpuMs() - pli0) / n;
      cpuSum[`transport.${name}_dovecot_cpu_ms`] = (cpuSum[`transport.${name}_dovecot_cpu_ms`] ?? 0) + (dovecotCpuMs(env.dir) - srv0) / n;
      return out;
    };

    // Raw fetch, same clients, nothing else.
    const rawPop3 = async (): Promise<number> => {
      const p0 = performance.now();
      const pop = await Pop3Client.connect({ ...account('pop3'), trust });
      let bytes = 0;
      await measureCpu('pop3_raw', async () => {
        for (const { n: k } of await pop.uidl()) bytes += (await pop.retr(k)).length;
        await pop.quit();
      });
      if (bytes < total) throw new Error('raw POP3 fetch returned fewer bytes than delivered');
      return n / ((performance.now() - p0) / 1000);
    };
    const rawImap = async (): Promise<number> => {
      const i0 = performance.now();
      const im = await ImapClient.connect({ ...account('imap'), trust });
      let bytes = 0;
      await measureCpu('imap_raw', async () => {
        const { messages } = await im.listNew();
        for (let k = 0; k < messages.length; k += RECEIVE_BATCH.letters) {
          for await (const m of im.fetchSources(messages.slice(k, k + RECEIVE_BATCH.letters).map((x) => x.uid))) bytes += m.source.length;
        }
        await im.close();
      });
      if (bytes < total) throw new Error('raw IMAP fetch returned fewer bytes than delivered');
      return n / ((performance.now() - i0) / 1000);
    };

    // Full pipeline, into a fresh profile each time (which lists every message again), removed after.
    // Returns the rate and how long the host's event loop (the thread serving the window) waited at worst.
    const pipelineRun = async (protocol: 'pop3' | 'imap', round: number): Promise<{ rate: number; loopDelayMs: number }> => {
      const dir = join(tmpDir, `profile-${protocol}-${round}`);
      const { mailbox } = await profile(dir, medium);
      try {
        const pipeline = new ReceivePipeline(account(protocol), {
          mailbox, keys: new ReceiveKeys(mailbox), tls: trust,
          readerThread: { minLetters: READER_THREAD_MIN_LETTERS, shared: reader },
        });
        const loop = monitorEventLoopDelay({ resolution: 5 });
        loop.enable();
        const t0 = performance.now();
        const res = await measureCpu(protocol, () => pipeline.sync());
        loop.disable();
        // Stored means searchable too: the search index is written in parallel by its own worker.
        if (!(await mailbox.flushSearchIndex())) throw new Error('search index did not catch up');
        const s = (performance.now() - t0) / 1000;
        if (res.letterIds.length !== n || res.review !== 0) {
          throw new Error(`${protocol}: ${res.letterIds.length} letters stored (${res.review} to review) of ${n}`);
        }
        log(`${protocol} round ${round + 1}: ${n} letters through the pipeline in ${s.toFixed(2)} s`);
        return { rate: n / s, loopDelayMs: loop.percentile(99) / 1e6 };
      } finally {
        await mailbox.close();
        rmSync(dir, { recursive: true, force: true });
      }
    };

    // One letter-reading thread for all runs, as the host's MailService keeps one between runs: the first
    // round starts it (its code not optimized yet), the next ones find it warm.
    const reader = new SharedReader({ url: await builtReaderWorker() });
    // This machine's speed drifts (±15 % between runs): each round measures raw then pipeline, back to
    // back, and the ratio is the median of the rounds' own ratios.
    const rounds = quick ? 1 : ROUNDS;
    const runs = { pop3: [] as { raw: number; rate: number; loopDelayMs: number }[], imap: [] as { raw: number; rate: number; loopDelayMs: number }[] };
    for (let round = 0; round < rounds; round++) {
      const pop3Raw = await rawPop3();
      runs.pop3.push({ raw: pop3Raw, ...(await pipelineRun('pop3', round)) });
      const imapRaw = await rawImap();
      runs.imap.push({ raw: imapRaw, ...(await pipelineRun('imap', round)) });
    }
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const summary = (protocol: 'pop3' | 'imap') => {
      const r = runs[protocol];
      log(`${protocol} rounds (raw -> pipeline letters/s): ${r.map((x) => `${Math.round(x.raw)} -> ${Math.round(x.rate)}`).join(', ')}`);
      return { raw: median(r.map((x) => x.raw)), rate: median(r.map((x) => x.rate)), ratio: median(r.map((x) => x.rate / x.raw)), loopDelayMs: median(r.map((x) => x.loopDelayMs)) };
    };
    await reader.close();
    const pop3 = summary('pop3');
    const imap = summary('imap');
    const cpu = Object.fromEntries(Object.entries(cpuSum).map(([k, v]) => [k, Math.round((v / rounds) * 1000) / 1000]));
    return {
      'transport.pop3_raw_s': Math.round(pop3.raw),
      'transport.imap_raw_s': Math.round(imap.raw),
      'transport.pop3_letters_s': Math.round(pop3.rate),
      'transport.imap_letters_s': Math.round(imap.rate),
      'transport.pop3_ratio': Math.round(pop3.ratio * 100) / 100,
      'transport.imap_ratio': Math.round(imap.ratio * 100) / 100,
      'transport.pop3_loop_delay_p99_ms': Math.round(pop3.loopDelayMs * 10) / 10,
      'transport.imap_loop_delay_p99_ms': Math.round(imap.loopDelayMs * 10) / 10,
      ...cpu,
    };
  } finally {
    servers.stop();
  }
};

export default bench;
