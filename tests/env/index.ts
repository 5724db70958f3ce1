// `node --import tsx tests/env/index.ts start`: starts the test servers (Dovecot, OpenLDAP; makes the
// TLS CA, the test PKI and the SoftHSM2 tokens) in one fresh temp folder, writes env.json, prints
// `PLI_TEST_ENV=<path>` and stays alive. SIGTERM/SIGINT stop every server and remove the folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot } from './dovecot';
import { DOMAIN, makePki } from './pki';
import { reportUnexpectedDeaths, stopServer, type Server } from './servers';
import { startSlapd } from './slapd';
import { makeSoftHsm } from './softhsm';
import { makeTls } from './tls';
import { CHROMIUMS, tool } from './tools';
import type { TestEnv, TestUser } from './types';

const USER_LOGINS = ['jean.DUPONT', 'paul.MARTIN', 'cabinet.LESTILLEULS', 'secretariat', 'plain.USER'];

const testUsers = (): TestUser[] =>
  USER_LOGINS.map((login) => ({ login, address: `${login}@${DOMAIN}`, password: `test-${login}` }));

const log = (msg: string) => process.stderr.write(`pli test env: ${msg}\n`);

async function start(): Promise<void> {
  const t0 = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'pli-env-'));
  const servers: Server[] = [];
  let shuttingDown = false;

  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    await Promise.all(servers.map((s) => stopServer(s)));
    await rm(dir, { recursive: true, force: true }).catch((e) => log(`could not remove ${dir}: ${String(e)}`));
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));
  // If whoever started us dies without signalling, do not leave servers behind.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(0);
  }, 1000);

  try {
    const chromium = tool(CHROMIUMS);
    const users = testUsers();
    const timings: string[] = [];
    const timed = async <T>(label: string, p: Promise<T>): Promise<T> => {
      const t = Date.now();
      const r = await p;
      timings.push(`${label} ${((Date.now() - t) / 1000).toFixed(1)} s`);
      return r;
    };
    const register = (s: Server) => {
      servers.push(s);
      if (shuttingDown) void stopServer(s);
    };
    // Each server starts as soon as what it needs exists: Dovecot needs TLS, the tokens need the PKI,
    // the directory needs both (it publishes the card holders' certificates).
    const tlsP = timed('tls', makeTls(dir));
    const pkiP = timed('pki', makePki(dir));
    const dovecotP = tlsP.then((tls) => timed('dovecot', startDovecot(dir, tls, users, register)));
    const softhsmP = pkiP.then((pki) => timed('softhsm', makeSoftHsm(dir, pki.users)));
    const ldapP = Promise.all([tlsP, pkiP]).then(([tls, pki]) => timed('slapd', startSlapd(dir, tls, pki, register)));
    // Wait for all before failing, so nothing is still spawning while we clean up.
    const settled = await Promise.allSettled([tlsP, pkiP, dovecotP, softhsmP, ldapP]);
    const failures = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    if (failures.length > 0) throw new Error([...new Set(failures.map((f) => (f instanceof Error ? f.message : String(f))))].join('\n'));
    const [tls, pki, dovecot, softhsm, ldap] = await Promise.all([tlsP, pkiP, dovecotP, softhsmP, ldapP]);
    const env: TestEnv = {
      dir,
      domain: DOMAIN,
      tls: { caCertPath: tls.caCertPath, caCertPem: tls.caCertPem },
      users,
      dovecot,
      pki: {
        rootCertPath: pki.rootCertPath,
        intermediateCertPath: pki.intermediateCertPath,
        foreignRootCertPath: pki.foreignRootCertPath,
        foreignUserCertPath: pki.foreignUserCertPath,
        foreignUserKeyPath: pki.foreignUserKeyPath,
        users: pki.users,
        p12Path: pki.p12Path,
        p12Password: pki.p12Password,
      },
      softhsm,
      ldap,
      chromium,
    };
    const envPath = join(dir, 'env.json');
    await writeFile(envPath, `${JSON.stringify(env, null, 2)}\n`);
    log(
      `ready in ${((Date.now() - t0) / 1000).toFixed(1)} s — IMAP ${dovecot.imapPort}, IMAPS ${dovecot.imapsPort}, ` +
        `POP3 ${dovecot.pop3Port}, POP3S ${dovecot.pop3sPort}, LMTP ${dovecot.lmtpPort}, LDAP ${ldap.url}, ${ldap.entries} entries ` +
        `(${timings.join(', ')})`,
    );
    reportUnexpectedDeaths();
    process.stdout.write(`PLI_TEST_ENV=${envPath}\n`);
  } catch (e) {
    log(`failed to start: ${e instanceof Error ? e.message : String(e)}`);
    await shutdown(1);
  }
}

const command = process.argv[2];
if (command === 'start') {
  void start();
} else {
  process.stderr.write('usage: node --import tsx tests/env/index.ts start\n');
  process.exit(2);
}
