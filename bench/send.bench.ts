/**
 * Send benchmark (issue 7 item 5): 1,000 letters (100 with --quick) queued in "À envoyer" by jean.DUPONT,
 * then one pipeline run: encrypt (pad ranges reserved in the ledger) -> store the sealed message -> SMTP
 * submission to the trusted-server simulator (which re-encrypts and delivers to Dovecot over LMTP before
 * it answers) -> per-recipient status -> "Envoyés". `transport.send_letters_s` is letters per second of
 * that run; `transport.send_queue_letters_s` is the compose + outbox insert rate.
 *
 * Needs the test servers: uses PLI_TEST_ENV when set, else starts them (tests/env) for the run. The
 * fixture pads (256 KiB) are too small for 1,000 letters: synthetic 8 MiB keys are written in the temp dir
 * for both the client's medium and the simulator's key room.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { keyFileName, writeKeyFile } from '../src/core/apicrypt';
import { KeyService } from '../src/host/keys';
import { SendPipeline } from '../src/host/mail/send';
import { createProfile, DB_FILE } from '../src/host/profile';
import { openMailbox } from '../src/host/store';
import { SmtpClient } from '../src/host/transport/smtp-client';
import { TlsTrust } from '../src/host/transport/tls-trust';
import type { Draft } from '../src/shared/domain';
import type { TestEnv } from '../tests/env/types';
import { simulatorOptionsFromEnv } from '../tests/support/trusted-server/from-env';
import { start } from '../tests/support/trusted-server/index';
import { builtStoreWorker, type BenchFn } from './harness';

const PAD = 8 * 1024 * 1024;
const YEAR = 2026;
const FROM = 'jean.DUPONT@medical75.apicrypt.org';
const TO = 'paul.MARTIN@medical75.apicrypt.org';

/** The running test servers, or fresh ones for this bench (stopped at the end). */
async function testServers(log: (m: string) => void): Promise<{ env: TestEnv; stop: () => void }> {
  const { readFileSync } = await import('node:fs');
  if (process.env.PLI_TEST_ENV) return { env: JSON.parse(readFileSync(process.env.PLI_TEST_ENV, 'utf8')) as TestEnv, stop: () => {} };
  log('starting the test servers (tests/env)');
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

function writeKeys(dir: string, pads: Record<string, Uint8Array>): void {
  mkdirSync(join(dir, 'Clefs'), { recursive: true });
  for (const [owner, pad] of Object.entries(pads)) {
    writeFileSync(join(dir, 'Clefs', keyFileName(owner, YEAR)), writeKeyFile({ owner, year: YEAR, pad }));
  }
}

function letter(i: number): Draft {
  const lines = [`Compte rendu de consultation n° ${i}.`];
  // 1 to 3 KB of text, like a usual report.
  for (let k = 0; k < 10 + (i % 25); k++) lines.push(`Ligne ${k} : examen clinique sans particularité, tension artérielle 12/8, poursuite du traitement.`);
  return {
    to: [TO],
    subject: '',
    patient: { surname: 'MARTIN', firstName: 'Claire', birthDate: '02/05/1971' },
    text: lines.join('\n'),
  };
}

const bench: BenchFn = async ({ quick, tmpDir, log }) => {
  const n = quick ? 100 : 1000;
  const servers = await testServers(log);
  const pads = { Master: new Uint8Array(randomBytes(PAD)), 'jean.DUPONT': new Uint8Array(randomBytes(PAD)), 'paul.MARTIN': new Uint8Array(randomBytes(PAD)) };
  writeKeys(join(tmpDir, 'medium'), { Master: pads.Master, 'jean.DUPONT': pads['jean.DUPONT'] });
  writeKeys(join(tmpDir, 'server'), pads);
  mkdirSync(join(tmpDir, 'sim'), { recursive: true });
  const sim = await start(simulatorOptionsFromEnv(servers.env, { keysDir: join(tmpDir, 'server'), stateDir: join(tmpDir, 'sim') }));

  const dir = join(tmpDir, 'profile');
  const { dbKey } = await createProfile(dir, 'Banc-Envoi-2026!', { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } });
  const mailbox = await openMailbox({ file: join(dir, DB_FILE), key: dbKey, workerUrl: await builtStoreWorker() });
  const keys = new KeyService(mailbox);
  await keys.importMedium(join(tmpDir, 'medium'));
  const smtp = new SmtpClient({
    host: sim.host,
    port: sim.port,
    security: 'starttls',
    user: 'jean.DUPONT',
    password: 'test-jean.DUPONT',
    trust: new TlsTrust({ extraCaPems: [sim.caPem!] }),
  });
  const pipeline = new SendPipeline({ mailbox, keys, smtp, sender: FROM });
  try {
    const q0 = performance.now();
    for (let i = 0; i < n; i++) await pipeline.queue(letter(i));
    const queueS = (performance.now() - q0) / 1000;

    const t0 = performance.now();
    const report = await pipeline.run();
    const runS = (performance.now() - t0) / 1000;
    if (report.sent !== n) throw new Error(`only ${report.sent} of ${n} letters sent (${report.stoppedBy ?? 'no error'})`);
    const delivered = sim.deliveries.filter((d) => d.kind === 'apicrypt' && d.ok).length;
    if (delivered !== n) throw new Error(`the simulator delivered ${delivered} of ${n} letters`);
    log(`${n} letters: queued in ${queueS.toFixed(2)} s, sent in ${runS.toFixed(2)} s`);
    return {
      'transport.send_letters_s': Math.round(n / runS),
      'transport.send_queue_letters_s': Math.round(n / queueS),
    };
  } finally {
    await pipeline.close();
    await mailbox.close();
    await sim.stop();
    servers.stop();
  }
};

export default bench;
