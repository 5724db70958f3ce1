// `npm run demo` (Linux with the test servers' Debian packages): Pli without an account. Starts the test
// servers and the trusted-server simulator (a stand-in for the central APICRYPT server), prepares a demo
// profile for the fictitious Dr Jean DUPONT with his synthetic key medium and mail account, has the
// fictitious lab "paul.MARTIN" send him three results, then serves Pli in the browser. Ctrl-C stops all.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host } from '../src/host/host';
import { TlsTrust } from '../src/host/transport/tls-trust';
import { SmtpClient } from '../src/host/transport/smtp-client';
import type { TestEnv } from '../tests/env/types';
import { start } from '../tests/support/trusted-server';
import { simulatorOptionsFromEnv } from '../tests/support/trusted-server/from-env';
import { apicryptMail, MediaSender } from '../tests/support/trusted-server/letters';


const root = join(import.meta.dirname, '..');
const PASSWORD = 'Demo-Pli-2026';
const work = mkdtempSync(join(tmpdir(), 'pli-demo-'));

const envProc = spawn(process.execPath, ['--import', 'tsx', join(root, 'tests', 'env', 'index.ts'), 'start'], { stdio: ['ignore', 'pipe', 'inherit'] });
const envFile = await new Promise<string>((ok, ko) => {
  let out = '';
  envProc.stdout.on('data', (d: Buffer) => {
    out += d;
    const m = /^PLI_TEST_ENV=(.+)$/m.exec(out);
    if (m) ok(m[1]!.trim());
  });
  envProc.once('exit', (c) => ko(new Error(`les serveurs de démonstration n’ont pas démarré (${c})`)));
});
const env = JSON.parse(readFileSync(envFile, 'utf8')) as TestEnv;
const sim = await start(simulatorOptionsFromEnv(env));
const bundle = join(work, 'ca.pem');
writeFileSync(bundle, `${env.tls.caCertPem}\n${sim.caPem ?? ''}`);
process.env.NODE_EXTRA_CA_CERTS = bundle;

// The demo profile, prepared through the same contract the window uses.
const profileDir = join(work, 'profil-demo');
const host = new Host({ profileDir, version: 'demo', shell: 'test', resourcesDir: join(root, 'resources') });
const call = async (command: Parameters<Host['invoke']>[0], payload: unknown) => {
  const r = await host.invoke(command, payload);
  if (!r.ok) throw new Error(`${String(command)} : ${r.error.message_fr}`);
  return r.result;
};
const jean = env.users.find((u) => u.login === 'jean.DUPONT')!;
const lab = env.users.find((u) => u.login === 'paul.MARTIN')!;
await call('profile.create', { password: PASSWORD, confirmation: PASSWORD });
await call('keys.importMedium', { path: join(root, 'keys-fixtures', 'media', jean.login) });
await call('accounts.save', {
  account: {
    address: jean.address,
    preset: 'apicrypt',
    incoming: { kind: 'pop3', host: '127.0.0.1', port: env.dovecot.pop3Port, security: 'starttls', user: jean.login },
    outgoing: { host: sim.host, port: sim.port, security: 'starttls', user: jean.login },
  },
  password: jean.password,
});
await host.close();

// Three synthetic lab results for a fictitious patient, sent by the "lab" through the simulator.
const sender = new MediaSender(lab.login);
const smtp = new SmtpClient({ host: sim.host, port: sim.port, security: 'starttls', user: lab.login, password: lab.password, trust: new TlsTrust({ extraCaPems: [sim.caPem ?? ''] }) });
const results = [
  ['12/03/2026', '13.1', '6.9'],
  ['15/06/2026', '12.2', '7.4'],
  ['20/10/2026', '11.4', '8.1'],
];
for (const [i, [date, hb, gly]] of results.entries()) {
  const text = [
    'LB2026' + i, 'LEFÈVRE', 'Amélie', '12 rue des Lilas'.padEnd(30), ''.padEnd(30), '75011 PARIS', '12/04/1979',
    '2790475111222 22', `DEM${i}`, date!, 'LAB0001    LABORATOIRE DEMO', 'DUPONT01   jean.DUPONT', '',
    'Bilan sanguin de contrôle.', '****LAB****',
    `RES|Hémoglobine|HB|N|${hb}|g/dl|12|16|${Number(hb) < 12 ? 'L' : 'N'}|F`,
    `RES|HbA1c|HBA1C|N|${gly}|%|4|6|H|F`,
    '****FIN****', '****FINFICHIER****',
  ].join('\n');
  const body = sender.seal(text, [jean.login]);
  await smtp.sendRaw({ from: lab.address, to: [jean.address] }, apicryptMail({ from: lab.address, to: [jean.address], body, messageId: `<demo-${i}@pli.invalid>` }));
}
smtp.close();

process.stdout.write(`\nDémonstration prête. Mot de passe du profil : ${PASSWORD}\nCliquez sur « Relever » pour recevoir les résultats du laboratoire fictif.\n\n`);
const web = spawn(process.execPath, [join(root, 'dist', 'web', 'server.js'), '--profile', profileDir], { stdio: 'inherit', env: process.env });
const stop = async () => {
  web.kill('SIGTERM');
  await sim.stop();
  envProc.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
