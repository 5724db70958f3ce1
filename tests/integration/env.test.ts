// Proves every test server started by tests/env really works: Dovecot (IMAP STARTTLS, IMAPS, POP3 STLS,
// LMTP), SoftHSM2 tokens, the test PKI, OpenLDAP (paged + plain searches). Needs PLI_TEST_ENV.
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomUUID, verify as verifySignature, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { Client as LdapClient, SizeLimitExceededError } from 'ldapts';
import * as pkcs11js from 'pkcs11js';
import { describe, expect, it } from 'vitest';
import { testEnv } from '../env/current';
import { locate, missingPackages, planPrereqs, type Probe } from '../env/tools';
import type { TestEnv, TestUser } from '../env/types';

const env = (): TestEnv => testEnv();
const user = (login: string): TestUser => {
  const u = env().users.find((x) => x.login === login);
  if (!u) throw new Error(`no test user ${login}`);
  return u;
};

function openssl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('openssl', args, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

/** Line-oriented reader over a socket (plain or TLS) for the raw POP3/LMTP dialogues. */
class LineConn {
  private buf = '';
  private waiters: Array<(line: string) => void> = [];
  constructor(public sock: Socket | TLSSocket) {
    this.attach(sock);
  }
  attach(sock: Socket | TLSSocket): void {
    this.sock = sock;
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.buf += d;
      for (let i = this.buf.indexOf('\r\n'); i >= 0 && this.waiters.length > 0; i = this.buf.indexOf('\r\n')) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        this.waiters.shift()?.(line);
      }
    });
  }
  /** Detaches from the plain socket before a TLS upgrade. */
  detach(): void {
    this.sock.removeAllListeners('data');
  }
  line(): Promise<string> {
    const i = this.buf.indexOf('\r\n');
    if (i >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      return Promise.resolve(line);
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timeout waiting for a server line')), 10_000);
      this.waiters.push((l) => {
        clearTimeout(t);
        resolve(l);
      });
    });
  }
  async cmd(text: string): Promise<string> {
    this.sock.write(`${text}\r\n`);
    return this.line();
  }
}

const plainConnect = (port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });

const tlsUpgrade = (socket: Socket | undefined, port: number, ca: string[]): Promise<TLSSocket> =>
  new Promise((resolve, reject) => {
    const s = tlsConnect({ ...(socket ? { socket } : { host: '127.0.0.1', port }), ca, servername: 'localhost' }, () => resolve(s));
    s.once('error', reject);
  });

function imap(login: string, opts: { secure: boolean; ca?: string[] }): ImapFlow {
  const e = env();
  const u = user(login);
  return new ImapFlow({
    host: e.dovecot.host,
    port: opts.secure ? e.dovecot.imapsPort : e.dovecot.imapPort,
    secure: opts.secure,
    doSTARTTLS: opts.secure ? undefined : true,
    auth: { user: u.login, pass: u.password },
    tls: { ca: opts.ca ?? [e.tls.caCertPem] },
    logger: false,
  });
}

describe('prereqs planning', () => {
  const fakeProbe = (present: string[]): Probe => ({ exists: (p) => present.includes(p), pathDirs: ['/usr/bin', '/usr/sbin'] });
  const everything = [
    '/usr/sbin/dovecot', '/usr/bin/doveadm', '/usr/lib/dovecot/imap', '/usr/lib/dovecot/pop3', '/usr/lib/dovecot/lmtp',
    '/usr/sbin/slapd', '/usr/sbin/slapadd', '/usr/bin/ldapsearch', '/usr/bin/softhsm2-util', '/usr/lib/softhsm/libsofthsm2.so',
    '/usr/bin/pkcs11-tool', '/usr/bin/openssl', '/usr/bin/chromium', '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  ];

  it('finds nothing missing when every tool is there', () => {
    const missing = missingPackages(fakeProbe(everything));
    expect(missing).toEqual({ required: [], optional: [] });
    expect(planPrereqs(missing, false)).toEqual({ action: 'ok' });
  });

  it('maps missing tools to Debian packages, once each', () => {
    const present = everything.filter((p) => !p.includes('slap') && !p.includes('lmtp') && !p.includes('ldapsearch'));
    const missing = missingPackages(fakeProbe(present));
    expect(missing).toEqual({ required: ['dovecot-lmtpd', 'slapd'], optional: ['ldap-utils'] });
  });

  it('installs as root, prints one line otherwise', () => {
    const missing = { required: ['softhsm2', 'opensc'], optional: ['ldap-utils'] };
    expect(planPrereqs(missing, true)).toEqual({ action: 'install', packages: ['softhsm2', 'opensc', 'ldap-utils'] });
    const plan = planPrereqs(missing, false);
    expect(plan.action).toBe('fail');
    if (plan.action !== 'fail') return;
    expect(plan.message).not.toContain('\n');
    expect(plan.message).toContain('apt-get install softhsm2 opensc ldap-utils');
    // Only an optional tool missing: a non-root user can still run the tests.
    expect(planPrereqs({ required: [], optional: ['ldap-utils'] }, false)).toEqual({ action: 'ok' });
  });

  it('locates commands on the search path and absolute candidates in order', () => {
    const probe = fakeProbe(['/usr/sbin/slapd', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so']);
    expect(locate('slapd', probe)).toBe('/usr/sbin/slapd');
    expect(locate('dovecot', probe)).toBeUndefined();
    expect(locate(['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'], probe)).toBe(
      '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
    );
  });
});

describe('env.json', () => {
  it('lists the fixture users with their addresses and passwords', () => {
    const e = env();
    expect(e.domain).toBe('medical75.apicrypt.org');
    expect(e.users.map((u) => u.login)).toEqual(['jean.DUPONT', 'paul.MARTIN', 'cabinet.LESTILLEULS', 'secretariat', 'plain.USER']);
    for (const u of e.users) {
      expect(u.address).toBe(`${u.login}@medical75.apicrypt.org`);
      expect(u.password).toBe(`test-${u.login}`);
    }
    expect(existsSync(e.chromium)).toBe(true);
    expect(existsSync(e.softhsm.module)).toBe(true);
  });
});

describe('Dovecot', () => {
  it('IMAP: STARTTLS with the test CA, then login as jean.DUPONT', async () => {
    const client = imap('jean.DUPONT', { secure: false });
    await client.connect();
    try {
      const sock = (client as unknown as { socket: TLSSocket }).socket;
      expect(sock.encrypted).toBe(true);
      expect(sock.authorized).toBe(true);
      expect(client.authenticated).toBeTruthy();
      const box = await client.mailboxOpen('INBOX');
      expect(box.path).toBe('INBOX');
    } finally {
      await client.logout();
    }
  });

  it('IMAP: the server certificate is refused without the test CA', async () => {
    const client = imap('jean.DUPONT', { secure: false, ca: [readFileSync(env().pki.rootCertPath, 'utf8')] });
    client.on('error', () => {});
    await expect(client.connect()).rejects.toThrow();
  });

  it('IMAP: a wrong password is refused', async () => {
    const e = env();
    const client = new ImapFlow({
      host: e.dovecot.host,
      port: e.dovecot.imapsPort,
      secure: true,
      auth: { user: 'jean.DUPONT', pass: 'wrong' },
      tls: { ca: [e.tls.caCertPem] },
      logger: false,
    });
    client.on('error', () => {});
    await expect(client.connect()).rejects.toThrow();
  });

  it('IMAPS and POP3S: implicit TLS verified against the test CA', async () => {
    const e = env();
    for (const port of [e.dovecot.imapsPort, e.dovecot.pop3sPort]) {
      const s = await tlsUpgrade(undefined, port, [e.tls.caCertPem]);
      expect(s.authorized).toBe(true);
      const conn = new LineConn(s);
      expect(await conn.line()).toMatch(/^(\* OK|\+OK)/);
      s.destroy();
    }
  });

  it('POP3: STLS then USER/PASS and STAT', async () => {
    const e = env();
    const u = user('paul.MARTIN');
    const plain = await plainConnect(e.dovecot.pop3Port);
    const conn = new LineConn(plain);
    expect(await conn.line()).toMatch(/^\+OK/);
    expect(await conn.cmd('STLS')).toMatch(/^\+OK/);
    conn.detach();
    const secure = await tlsUpgrade(plain, e.dovecot.pop3Port, [e.tls.caCertPem]);
    expect(secure.authorized).toBe(true);
    conn.attach(secure);
    expect(await conn.cmd(`USER ${u.login}`)).toMatch(/^\+OK/);
    expect(await conn.cmd(`PASS ${u.password}`)).toMatch(/^\+OK/);
    expect(await conn.cmd('STAT')).toMatch(/^\+OK \d+ \d+$/);
    expect(await conn.cmd('QUIT')).toMatch(/^\+OK/);
    secure.destroy();
  });

  it('LMTP delivers a message that IMAP then shows', async () => {
    const e = env();
    const u = user('jean.DUPONT');
    const subject = `pli env test ${randomUUID()}`;
    const conn = new LineConn(await plainConnect(e.dovecot.lmtpPort));
    expect(await conn.line()).toMatch(/^220 /);
    conn.sock.write('LHLO localhost\r\n');
    for (let l = await conn.line(); !l.startsWith('250 '); l = await conn.line()) expect(l).toMatch(/^250-/);
    expect(await conn.cmd('MAIL FROM:<paul.MARTIN@medical75.apicrypt.org>')).toMatch(/^250 /);
    expect(await conn.cmd(`RCPT TO:<${u.address}>`)).toMatch(/^250 /);
    expect(await conn.cmd('RCPT TO:<nobody.HERE@medical75.apicrypt.org>')).toMatch(/^550 /);
    expect(await conn.cmd('DATA')).toMatch(/^354 /);
    const message = [
      'From: paul.MARTIN@medical75.apicrypt.org',
      `To: ${u.address}`,
      `Subject: ${subject}`,
      'Date: Sun, 22 Nov 2026 10:00:00 +0100',
      '',
      'Bonjour, ceci est un test.',
      '.',
    ].join('\r\n');
    expect(await conn.cmd(message)).toMatch(/^250 /);
    expect(await conn.cmd('QUIT')).toMatch(/^221 /);
    conn.sock.destroy();

    const client = imap('jean.DUPONT', { secure: true });
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      const found = await client.search({ header: { subject } }, { uid: true });
      expect(found).toHaveLength(1);
      // Leave the shared mailbox as we found it.
      await client.messageDelete(found || [], { uid: true });
      expect(await client.search({ header: { subject } }, { uid: true })).toHaveLength(0);
    } finally {
      await client.logout();
    }
  });
});

describe('SoftHSM2 token of jean.DUPONT', () => {
  it('logs in with PIN 1234 and finds the four card objects by label; the keys match the certificates', () => {
    const e = env();
    const token = e.softhsm.tokens['jean.DUPONT'];
    expect(token).toBeDefined();
    if (!token) return;
    const previousConf = process.env.SOFTHSM2_CONF;
    process.env.SOFTHSM2_CONF = token.conf;
    const p11 = new pkcs11js.PKCS11();
    p11.load(e.softhsm.module);
    p11.C_Initialize();
    try {
      const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === token.label);
      expect(slot).toBeDefined();
      if (!slot) return;
      const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      const byLabel = (label: string): Buffer[] => {
        p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_LABEL, value: label }]);
        const found = p11.C_FindObjects(session, 10);
        p11.C_FindObjectsFinal(session);
        return found;
      };
      // Private keys stay invisible before login, as on a real card.
      expect(byLabel('CPS_PRIV_SIG')).toHaveLength(0);
      p11.C_Login(session, pkcs11js.CKU_USER, token.pin);
      const objects = {
        sigCert: { label: 'Certificat de Signature CPS', id: 'E828BD080F8025000001FF001001' },
        sigKey: { label: 'CPS_PRIV_SIG', id: 'E828BD080F8025000001FF001001' },
        authCert: { label: "Certificat d'Authentification CPS", id: 'E828BD080F8025000001FF001002' },
        authKey: { label: 'CPS_PRIV_AUT', id: 'E828BD080F8025000001FF001002' },
      };
      const handles: Record<string, Buffer> = {};
      for (const [name, o] of Object.entries(objects)) {
        const found = byLabel(o.label);
        expect(found, o.label).toHaveLength(1);
        const h = found[0] as Buffer;
        handles[name] = h;
        const [id] = p11.C_GetAttributeValue(session, h, [{ type: pkcs11js.CKA_ID }]);
        expect((id?.value as Buffer).toString('hex').toUpperCase()).toBe(o.id);
      }
      // The signature key signs, and the signature verifies with the token's signature certificate.
      const [certValue] = p11.C_GetAttributeValue(session, handles.sigCert as Buffer, [{ type: pkcs11js.CKA_VALUE }]);
      const cert = new X509Certificate(certValue?.value as Buffer);
      expect(cert.subject).toContain('CN=810002813839');
      const data = Buffer.from('lettre de test');
      p11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, handles.sigKey as Buffer);
      const sig = p11.C_Sign(session, data, Buffer.alloc(256));
      expect(verifySignature('sha256', data, createPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' })), sig)).toBe(true);
      p11.C_Logout(session);
      p11.C_CloseSession(session);
    } finally {
      p11.C_Finalize();
      if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = previousConf;
    }
  });
});

describe('test PKI', () => {
  it('chains the card certificates to the test root with openssl verify, and not the foreign one', async () => {
    const { pki } = env();
    const jean = pki.users['jean.DUPONT'];
    expect(jean).toBeDefined();
    if (!jean) return;
    const ok = await openssl(['verify', '-CAfile', pki.rootCertPath, '-untrusted', pki.intermediateCertPath, jean.certPath, jean.authCertPath]);
    expect(ok.out).toContain(`${jean.certPath}: OK`);
    expect(ok.code).toBe(0);
    const foreign = await openssl(['verify', '-CAfile', pki.rootCertPath, '-untrusted', pki.intermediateCertPath, pki.foreignUserCertPath]);
    expect(foreign.code).not.toBe(0);
    const foreignOwn = await openssl(['verify', '-CAfile', pki.foreignRootCertPath, pki.foreignUserCertPath]);
    expect(foreignOwn.code).toBe(0);
  });

  it('gives card certificates the IGC-Santé subject shape and signature key usage', () => {
    const { pki } = env();
    const jean = pki.users['jean.DUPONT'];
    if (!jean) throw new Error('no PKI user jean.DUPONT');
    expect(jean).toMatchObject({ rpps: '10002813839', surname: 'DUPONT', givenName: 'JEAN' });
    const cert = new X509Certificate(readFileSync(jean.certPath));
    // Multi-valued RDN (Node lists it in DER set order), title, country.
    expect(cert.subject.split('\n')).toEqual(['C=FR', 'title=Médecin', 'GN=JEAN + SN=DUPONT + CN=810002813839']);
    expect(cert.issuer).toContain('CN=TEST AC IGC-SANTE FORT PERSONNES');
    expect(cert.checkPrivateKey(createPrivateKey(readFileSync(jean.keyPath, 'utf8')))).toBe(true);
    expect(new X509Certificate(readFileSync(pki.rootCertPath)).subject).toContain('CN=TEST AC RACINE IGC-SANTE FORT');
  });

  it('opens the organisation PKCS#12 with its password', async () => {
    const { pki } = env();
    const r = await openssl(['pkcs12', '-in', pki.p12Path, '-passin', `pass:${pki.p12Password}`, '-nokeys', '-clcerts']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('CABINET LES TILLEULS');
    const bad = await openssl(['pkcs12', '-in', pki.p12Path, '-passin', 'pass:wrong', '-nokeys']);
    expect(bad.code).not.toBe(0);
  });
});

describe('OpenLDAP directory', () => {
  it('returns every entry through a paged search, but caps a plain one', async () => {
    const { ldap } = env();
    const client = new LdapClient({ url: ldap.url });
    try {
      await client.bind(ldap.bindDn, ldap.bindPassword);
      const paged = await client.search(ldap.baseDn, {
        scope: 'sub',
        filter: '(objectClass=inetOrgPerson)',
        attributes: ['uid'],
        paged: { pageSize: 500 },
      });
      expect(ldap.entries).toBeGreaterThanOrEqual(2000);
      expect(paged.searchEntries.length).toBe(ldap.entries);
      await expect(
        client.search(ldap.baseDn, { scope: 'sub', filter: '(objectClass=inetOrgPerson)', attributes: ['uid'] }),
      ).rejects.toBeInstanceOf(SizeLimitExceededError);
    } finally {
      await client.unbind();
    }
  });

  it('finds jean.DUPONT by surname over ldaps with the test CA', async () => {
    const e = env();
    const client = new LdapClient({ url: e.ldap.ldapsUrl, tlsOptions: { ca: [e.tls.caCertPem] } });
    try {
      const { searchEntries } = await client.search(e.ldap.baseDn, {
        scope: 'sub',
        filter: '(sn=DUPONT)',
        attributes: ['cn', 'mail', 'title', 'employeeNumber', 'userCertificate;binary'],
      });
      expect(searchEntries.length).toBeGreaterThan(1);
      const jean = searchEntries.find((x) => x.mail === 'jean.DUPONT@medical75.apicrypt.org');
      expect(jean).toMatchObject({ cn: 'Jean DUPONT', title: 'Médecin', employeeNumber: '10002813839' });
      const der = jean?.['userCertificate;binary'];
      expect(Buffer.isBuffer(der)).toBe(true);
      expect(new X509Certificate(der as Buffer).subject).toContain('CN=810002813839');
    } finally {
      await client.unbind();
    }
  });
});
