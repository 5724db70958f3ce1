import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apicryptClassicAccount, genericAccount } from '../../src/host/transport/accounts';
import { testConnection } from '../../src/host/transport/connection-test';
import { ImapClient } from '../../src/host/transport/imap-client';
import { Pop3Client } from '../../src/host/transport/pop3-client';
import { SmtpClient } from '../../src/host/transport/smtp-client';
import { MemoryPinStore, TlsTrust, fingerprintOfPem } from '../../src/host/transport/tls-trust';
import { testEnv, type TestEnv } from '../env/current';
import { makeServerCert } from '../support/trusted-server/certs';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';
import { start, type TrustedServerSimulator } from '../support/trusted-server/index';
import { lmtpDeliver } from '../support/trusted-server/lmtp-client';

let env: TestEnv;
let sim: TrustedServerSimulator;
const token = () => randomBytes(6).toString('hex');
const user = (login: string) => {
  const u = env.users.find((x) => x.login === login);
  if (!u) throw new Error(`no test user ${login}`);
  return u;
};
const envTrust = () => new TlsTrust({ extraCaPems: [env.tls.caCertPem] });

/** Delivers a small message straight into a Dovecot mailbox. */
async function deliver(login: string, marker: string, body = 'Bonjour.\r\n'): Promise<Buffer> {
  const msg = Buffer.from(`From: <test@${env.domain}>\r\nTo: <${user(login).address}>\r\nSubject: test transport\r\nMessage-ID: ${marker}\r\n\r\n${body}`, 'latin1');
  const res = await lmtpDeliver({ host: env.dovecot.host, port: env.dovecot.lmtpPort, from: `test@${env.domain}`, recipients: [user(login).address], message: msg });
  expect(res.map((r) => r.ok)).toEqual([true]);
  return msg;
}

/** The certificate Dovecot presents, read independently of the code under test. */
function dovecotFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: env.dovecot.host, port, ca: [env.tls.caCertPem] }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.destroy();
    });
    s.on('error', reject);
  });
}

beforeAll(async () => {
  env = testEnv();
  sim = await start(simulatorOptionsFromEnv(env));
});

afterAll(async () => {
  await sim?.stop();
});

describe('POP3 client', () => {
  it('fetches with STLS: STAT, UIDL, LIST, RETR with dot-unstuffing, DELE applied at QUIT', async () => {
    const u = user('secretariat');
    const marker = `<pop3-${token()}@pli.test>`;
    const body = `.premier point\r\n..deux points\r\nfin ${token()}\r\n`;
    await deliver(u.login, marker, body);
    const opts = { host: env.dovecot.host, port: env.dovecot.pop3Port, security: 'starttls' as const, user: u.login, password: u.password, trust: envTrust() };
    const c = await Pop3Client.connect(opts);
    expect(c.capabilities.has('UIDL')).toBe(true);
    const stat = await c.stat();
    const uidl = await c.uidl();
    const list = await c.list();
    expect(uidl.length).toBe(stat.count);
    expect(list.reduce((a, m) => a + m.size, 0)).toBe(stat.size);
    let found: { n: number; uid: string } | undefined;
    for (const m of [...uidl].reverse()) {
      const raw = await c.retr(m.n);
      if (raw.includes(marker)) {
        found = m;
        expect(raw.length).toBe(list.find((l) => l.n === m.n)?.size);
        expect(raw.subarray(raw.indexOf('\r\n\r\n') + 4).toString('latin1')).toBe(body);
        break;
      }
    }
    expect(found).toBeDefined();
    await c.dele(found!.n);
    await c.quit();

    const again = await Pop3Client.connect(opts);
    const after = await again.uidl();
    await again.quit();
    expect(after.map((m) => m.uid)).not.toContain(found!.uid);
  });

  it('works over implicit TLS (POP3S) and reports a wrong password in French', async () => {
    const u = user('plain.USER');
    const c = await Pop3Client.connect({ host: env.dovecot.host, port: env.dovecot.pop3sPort, security: 'tls', user: u.login, password: u.password, trust: envTrust() });
    expect((await c.stat()).count).toBeGreaterThanOrEqual(0);
    await c.quit();
    const err = await Pop3Client.connect({ host: env.dovecot.host, port: env.dovecot.pop3Port, security: 'starttls', user: u.login, password: 'mauvais', trust: envTrust() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth_failed' });
    expect((err as { message_fr: string }).message_fr).toMatch(/mot de passe refusé/);
  });
});

describe('IMAP client', () => {
  it('lists new messages since a cursor, fetches the source, sets \\Seen', async () => {
    const u = user('secretariat');
    const c = await ImapClient.connect({ host: env.dovecot.host, port: env.dovecot.imapPort, security: 'starttls', user: u.login, password: u.password, trust: envTrust() });
    try {
      const before = await c.openInbox();
      const cursor = { uidValidity: before.uidValidity, lastUid: before.uidNext - 1 };
      const marker = `<imap-${token()}@pli.test>`;
      const sent = await deliver(u.login, marker);
      const news = await c.listNew(cursor);
      expect(news.messages.length).toBe(1);
      const m = news.messages[0]!;
      expect(m.seen).toBe(false);
      const src = await c.fetchSource(m.uid);
      expect(src.includes(marker)).toBe(true);
      expect(src.subarray(src.length - sent.length).equals(sent)).toBe(true);
      await c.markSeen(m.uid);
      const again = await c.listNew({ uidValidity: cursor.uidValidity, lastUid: m.uid - 1 });
      expect(again.messages.map((x) => [x.uid, x.seen])).toEqual([[m.uid, true]]);
      const batch: Array<{ uid: number; source: Buffer }> = [];
      for await (const x of c.fetchSources([m.uid])) batch.push(x);
      expect(batch.map((x) => [x.uid, x.source.equals(src)])).toEqual([[m.uid, true]]);
      // A stale uidValidity means "start over": everything is listed again.
      const all = await c.listNew({ uidValidity: cursor.uidValidity + 1, lastUid: m.uid });
      expect(all.messages.length).toBe((await c.openInbox()).exists);
    } finally {
      await c.close();
    }
  });

  it('notifies through IDLE when a letter is delivered', async () => {
    const u = user('plain.USER');
    const c = await ImapClient.connect({ host: env.dovecot.host, port: env.dovecot.imapsPort, security: 'tls', user: u.login, password: u.password, trust: envTrust() });
    try {
      let resolveNew: (n: { count: number }) => void = () => {};
      const arrived = new Promise<{ count: number }>((r) => (resolveNew = r));
      const watch = await c.watchInbox((info) => resolveNew(info));
      const before = (await Promise.race([arrived, new Promise((r) => setTimeout(r, 300, 'none'))])) as unknown;
      expect(before).toBe('none');
      await deliver(u.login, `<idle-${token()}@pli.test>`);
      const got = await Promise.race([arrived, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no IDLE notification within 10 s')), 10_000))]);
      expect(got.count).toBeGreaterThan(0);
      watch.stop();
    } finally {
      await c.close();
    }
  });

  it('reports a wrong password in French', async () => {
    const u = user('plain.USER');
    const err = await ImapClient.connect({ host: env.dovecot.host, port: env.dovecot.imapPort, security: 'starttls', user: u.login, password: 'mauvais', trust: envTrust() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth_failed' });
    expect((err as { message_fr: string }).message_fr).toMatch(/mot de passe refusé/);
  });
});

describe('server certificate trust', () => {
  it('refuses an untrusted certificate with its fingerprint, then connects once the user accepted it', async () => {
    const u = user('plain.USER');
    const pins = new MemoryPinStore();
    const noCa = new TlsTrust({ pins });
    const opts = { host: env.dovecot.host, port: env.dovecot.pop3Port, security: 'starttls' as const, user: u.login, password: u.password, trust: noCa };
    const err = (await Pop3Client.connect(opts).catch((e: unknown) => e)) as { code: string; message_fr: string; details: Record<string, string> };
    expect(err.code).toBe('tls_untrusted');
    expect(err.details.fingerprint256).toBe(await dovecotFingerprint(env.dovecot.pop3sPort));
    expect(err.details.subject).toMatch(/CN=localhost/);
    expect(err.details.issuer).toMatch(/Pli TEST TLS CA/);
    expect(err.message_fr).toMatch(/empreinte SHA-256/);

    await noCa.accept(env.dovecot.host, env.dovecot.pop3Port, { fingerprint256: err.details.fingerprint256!, certPem: err.details.certPem!, subject: err.details.subject!, issuer: err.details.issuer! });
    const c = await Pop3Client.connect(opts);
    await c.quit();
    // The pin is per server: the IMAP port is still untrusted.
    await expect(ImapClient.connect({ ...opts, port: env.dovecot.imapPort })).rejects.toMatchObject({ code: 'tls_untrusted' });
  });

  it('refuses a pinned server whose certificate changed (tls_changed), even if a CA vouches for the new one', async () => {
    const u = user('plain.USER');
    const other = makeServerCert('Autre serveur');
    const pins = new MemoryPinStore();
    pins.set(env.dovecot.host, env.dovecot.imapPort, { fingerprint256: fingerprintOfPem(other.cert), certPem: other.cert, subject: 'CN=Autre serveur', issuer: 'CN=Autre serveur CA', acceptedAt: new Date().toISOString() });
    const err = (await ImapClient.connect({ host: env.dovecot.host, port: env.dovecot.imapPort, security: 'starttls', user: u.login, password: u.password, trust: new TlsTrust({ pins, extraCaPems: [env.tls.caCertPem] }) }).catch((e: unknown) => e)) as { code: string; message_fr: string; details: Record<string, string> };
    expect(err.code).toBe('tls_changed');
    expect(err.message_fr).toMatch(/a changé/);
    expect(err.details.pinnedFingerprint256).toBe(fingerprintOfPem(other.cert));
    expect(err.details.fingerprint256).toBe(await dovecotFingerprint(env.dovecot.imapsPort));
  });

  it('detects a changed certificate on a restarted SMTP server (pinned self-managed cert)', async () => {
    const jean = user('jean.DUPONT');
    const first = await start(simulatorOptionsFromEnv(env));
    const port = first.port;
    const pins = new MemoryPinStore();
    const trust = new TlsTrust({ pins });
    const smtp = () => new SmtpClient({ host: first.host, port, security: 'starttls', user: jean.login, password: jean.password, trust });
    const err = (await smtp().verify().catch((e: unknown) => e)) as { code: string; details: Record<string, string> };
    expect(err.code).toBe('tls_untrusted');
    expect(err.details.fingerprint256).toBe(fingerprintOfPem(first.certPem));
    await trust.accept(first.host, port, { fingerprint256: err.details.fingerprint256!, certPem: err.details.certPem!, subject: err.details.subject!, issuer: err.details.issuer! });
    await smtp().verify();
    await first.stop();

    const second = await start(simulatorOptionsFromEnv(env, { port }));
    try {
      const changed = (await smtp().verify().catch((e: unknown) => e)) as { code: string; details: Record<string, string> };
      expect(changed.code).toBe('tls_changed');
      expect(changed.details.fingerprint256).toBe(fingerprintOfPem(second.certPem));
    } finally {
      await second.stop();
    }
  });
});

describe('connection test', () => {
  it('reports every step, and where it breaks', async () => {
    const u = user('paul.MARTIN');
    const account = apicryptClassicAccount(u.address, { incoming: env.dovecot.host, outgoing: sim.host });
    account.incoming.port = env.dovecot.pop3Port;
    account.outgoing.port = sim.port;
    const trust = new TlsTrust({ extraCaPems: [env.tls.caCertPem, sim.caPem as string] });
    const ok = await testConnection({ account, incomingPassword: u.password, outgoingPassword: u.password, trust });
    expect(ok.steps.map((s) => `${s.server}:${s.step}:${s.ok}`)).toEqual([
      'incoming:dns:true', 'incoming:tcp:true', 'incoming:tls:true', 'incoming:auth:true', 'incoming:mailbox:true',
      'outgoing:dns:true', 'outgoing:tcp:true', 'outgoing:tls:true', 'outgoing:auth:true',
    ]);
    expect(ok.ok).toBe(true);
    for (const s of ok.steps) expect(s.ms).toBeGreaterThanOrEqual(0);

    const imap = genericAccount({ address: u.address, protocol: 'imap', incomingHost: env.dovecot.host, incomingPort: env.dovecot.imapsPort, outgoingHost: sim.host, outgoingPort: 1, user: u.login });
    const bad = await testConnection({ account: imap, incomingPassword: 'mauvais', outgoingPassword: u.password, trust });
    expect(bad.ok).toBe(false);
    expect(bad.steps.map((s) => `${s.server}:${s.step}:${s.ok}`)).toEqual([
      'incoming:dns:true', 'incoming:tcp:true', 'incoming:tls:true', 'incoming:auth:false', 'outgoing:dns:true', 'outgoing:tcp:false',
    ]);
    expect(bad.steps[3]?.error?.code).toBe('auth_failed');
    expect(bad.steps[3]?.message_fr).toMatch(/mot de passe refusé/);
    expect(bad.steps[5]?.error?.code).toBe('connection_refused');

    const untrusted = await testConnection({ account, incomingPassword: u.password, outgoingPassword: u.password, trust: new TlsTrust() });
    const tlsStep = untrusted.steps.find((s) => s.server === 'incoming' && s.step === 'tls');
    expect(tlsStep?.ok).toBe(false);
    expect(tlsStep?.error?.code).toBe('tls_untrusted');
    expect(tlsStep?.error?.details?.fingerprint256).toBe(await dovecotFingerprint(env.dovecot.pop3sPort));
  });
});
