import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Host } from '../../src/host/host';
import type { CommandName, Request, Response } from '../../src/shared/contract';
import type { SettingsPatch } from '../../src/shared/settings';
import { SmtpClient } from '../../src/host/transport/smtp-client';
import { TlsTrust } from '../../src/host/transport/tls-trust';
import type { TestEnv } from '../env/types';
import type { TrustedServerSimulator } from './trusted-server';
import { apicryptMail, MediaSender } from './trusted-server/letters';

/**
 * Profiles prepared the way a person would through the window, but over the host contract (as
 * `npm run demo` does): password, key medium, mail account (Dovecot in, the trusted-server simulator
 * out). The Host is closed afterwards so that a served Pli can open the same folder.
 */
export interface PreparedProfile {
  dir: string;
  login: string;
  address: string;
  password: string;
}

export async function call<C extends CommandName>(host: Host, command: C, payload: Request<C>): Promise<Response<C>> {
  const r = await host.invoke(command, payload);
  if (!r.ok) throw new Error(`${command}: ${r.error.code} ${r.error.message_fr}`);
  return r.result as Response<C>;
}

/**
 * On an open Host: the profile's password, the login's key medium, and its mail account (Dovecot POP3 or
 * IMAP in, the trusted-server simulator out).
 */
export async function setUpMailProfile(
  host: Host,
  opts: { env: TestEnv; sim: TrustedServerSimulator; login: string; password: string; incoming: 'pop3' | 'imap' },
): Promise<void> {
  const { env, sim, login } = opts;
  const user = env.users.find((u) => u.login === login);
  if (!user) throw new Error(`unknown test user ${login}`);
  await call(host, 'profile.create', { password: opts.password, confirmation: opts.password });
  await call(host, 'keys.importMedium', { path: join(process.cwd(), 'keys-fixtures', 'media', login) });
  await call(host, 'accounts.save', {
    account: {
      address: user.address,
      preset: 'apicrypt',
      incoming:
        opts.incoming === 'pop3'
          ? { kind: 'pop3', host: '127.0.0.1', port: env.dovecot.pop3Port, security: 'starttls', user: login }
          : { kind: 'imap', host: '127.0.0.1', port: env.dovecot.imapPort, security: 'starttls', user: login },
      outgoing: { host: sim.host, port: sim.port, security: 'starttls', user: login },
    },
    password: user.password,
  });
}

export async function prepareMailProfile(opts: {
  dir: string;
  env: TestEnv;
  sim: TrustedServerSimulator;
  login: string;
  password: string;
  incoming: 'pop3' | 'imap';
  settings?: SettingsPatch;
}): Promise<PreparedProfile> {
  const user = opts.env.users.find((u) => u.login === opts.login);
  if (!user) throw new Error(`unknown test user ${opts.login}`);
  const host = new Host({ profileDir: opts.dir, version: '0.0.0', shell: 'test', resourcesDir: join(process.cwd(), 'resources') });
  try {
    await setUpMailProfile(host, opts);
    if (opts.settings) await call(host, 'settings.update', { patch: opts.settings });
  } finally {
    await host.close();
  }
  return { dir: opts.dir, login: opts.login, address: user.address, password: opts.password };
}

/** A CA bundle with the test servers' authority and the simulator's, for NODE_EXTRA_CA_CERTS. */
export function writeCaBundle(file: string, env: TestEnv, sim: TrustedServerSimulator): string {
  writeFileSync(file, `${env.tls.caCertPem}\n${sim.caPem ?? ''}`);
  return file;
}

export interface LabResultLine {
  label: string;
  code: string;
  value: string;
  unit: string;
  low: string;
  high: string;
  /** H, L or N, as the lab writes it. */
  flag: 'H' | 'L' | 'N';
}

export interface LabPatient {
  surname: string;
  firstName: string;
  birthDate: string; // JJ/MM/AAAA
  nir: string; // 13 digits, space, key
}

/** An HPRIM lab report (the lab's header lines, one comment line, the ****LAB**** block). */
export function hprimLabReport(o: { ref: string; patient: LabPatient; date: string; comment: string; results: LabResultLine[] }): string {
  return [
    o.ref,
    o.patient.surname,
    o.patient.firstName,
    '12 rue des Lilas'.padEnd(30),
    ''.padEnd(30),
    '75011 PARIS',
    o.patient.birthDate,
    o.patient.nir,
    `DEM${o.ref}`,
    o.date,
    'LAB0001    LABORATOIRE FICTIF',
    'DUPONT01   jean.DUPONT',
    '',
    o.comment,
    '****LAB****',
    ...o.results.map((r) => `RES|${r.label}|${r.code}|N|${r.value}|${r.unit}|${r.low}|${r.high}|${r.flag}|F`),
    '****FIN****',
    '****FINFICHIER****',
  ].join('\n');
}

/**
 * The lab `from` sends each report to `to` through the trusted-server simulator, sealed with the lab's
 * synthetic key medium, as the lab's own software would.
 */
export async function sendLabReports(env: TestEnv, sim: TrustedServerSimulator, from: string, to: string, reports: string[]): Promise<void> {
  const lab = env.users.find((u) => u.login === from)!;
  const dest = env.users.find((u) => u.login === to)!;
  const sender = new MediaSender(lab.login);
  const smtp = new SmtpClient({
    host: sim.host,
    port: sim.port,
    security: 'starttls',
    user: lab.login,
    password: lab.password,
    trust: new TlsTrust({ extraCaPems: [sim.caPem ?? ''] }),
  });
  try {
    for (const [i, text] of reports.entries()) {
      const body = sender.seal(text, [dest.login]);
      await smtp.sendRaw(
        { from: lab.address, to: [dest.address] },
        apicryptMail({ from: lab.address, to: [dest.address], body, messageId: `<flows-${Date.now()}-${i}@pli.invalid>` }),
      );
    }
  } finally {
    smtp.close();
  }
}

/**
 * Empties a test user's server mailbox (Pli keeps POP3 copies on the server by default, and other
 * suites write to the same users), so that a test sees exactly the letters it sent.
 */
export function emptyServerMailbox(env: TestEnv, login: string): void {
  if (env.dovecot.doveadm) {
    const r = spawnSync(env.dovecot.doveadm, ['expunge', '-u', login, 'mailbox', 'INBOX', 'all'], { encoding: 'utf8' });
    if (r.status === 0) return;
  }
  for (const sub of ['new', 'cur']) rmSync(join(env.dovecot.mailRoot, login, 'Maildir', sub), { recursive: true, force: true });
  for (const sub of ['new', 'cur', 'tmp']) mkdirSync(join(env.dovecot.mailRoot, login, 'Maildir', sub), { recursive: true });
}
