/**
 * The trusted-server simulator: a stand-in for the APICRYPT central server, for tests and the demo mode.
 * It is NOT the real server and holds only synthetic keys.
 *
 * SMTP submission (STARTTLS + AUTH) -> for an APICRYPT letter: decrypt with the sender's server-side pads,
 * read the recipient trailer, re-encrypt for each recipient with that recipient's pad (server-managed
 * offsets, never reused) -> deliver to Dovecot over LMTP. Unknown recipients get a DSN in the sender's
 * mailbox. Plain mail to addresses of the test domain passes through unchanged.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import { armorLetter, decodeLetterPayload, letterComments, openApz, openLetter, sealApz, sealedLengths, sealLetter, unarmor } from '../../../src/core/apicrypt/index';
import { makeServerCert } from './certs';
import { lmtpDeliver } from './lmtp-client';
import { crlf, findApicryptPart, findApzParts, headerValue, removeHeaders, splitEntity } from './mime';
import { PadAllocator, ServerKeys } from './server-keys';

export interface SimulatorUser {
  login: string;
  address: string;
  password: string;
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  /** Folder holding `Clefs/` (or the Clefs folder itself) with every user's key and Master. */
  keysDir: string;
  /** Server certificate; when absent the simulator makes its own (see `caPem` in the result). */
  tls?: { key: string; cert: string };
  /** 'starttls' (submission, default) or 'tls' (implicit, like port 465). */
  security?: 'starttls' | 'tls';
  users: SimulatorUser[];
  lmtp: { host: string; port: number };
  domain: string;
  /** Where the pad pointers are kept; a fresh temp folder (removed at stop) when absent. */
  stateDir?: string;
  /** One line per event, never letter text. Silent when absent. */
  log?: (line: string) => void;
}

export interface DeliveryRecord {
  kind: 'apicrypt' | 'plain' | 'dsn';
  from: string;
  recipient: string;
  ok: boolean;
  reason?: string;
  /** For re-encrypted letters: the pad ranges the simulator used. */
  user?: { owner: string; year: number; offset: number; length: number };
  master?: { owner: string; year: number; offset: number; length: number };
}

export interface TrustedServerSimulator {
  host: string;
  port: number;
  /** CA to trust for this server's certificate (its own, or undefined when a certificate was given). */
  caPem: string | undefined;
  certPem: string;
  deliveries: DeliveryRecord[];
  pads: PadAllocator;
  stop(): Promise<void>;
}

const NAME = 'trusted-server-simulator.localhost';

interface SessionUser {
  login: string;
  address: string;
}

export async function start(opts: SimulatorOptions): Promise<TrustedServerSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  const own = opts.tls ? undefined : makeServerCert();
  const tls = opts.tls ?? { key: own!.key, cert: own!.cert };
  const keys = new ServerKeys(opts.keysDir);
  const tempState = opts.stateDir ? undefined : mkdtempSync(join(tmpdir(), 'pli-trusted-server-'));
  const pads = new PadAllocator(keys, join(opts.stateDir ?? (tempState as string), 'pads.json'));
  const deliveries: DeliveryRecord[] = [];
  const domain = opts.domain.toLowerCase();
  const inDomain = (addr: string) => addr.toLowerCase().endsWith(`@${domain}`);

  const server = new SMTPServer({
    name: NAME,
    banner: 'APICRYPT trusted-server simulator (test stand-in, not the real server)',
    secure: opts.security === 'tls',
    key: tls.key,
    cert: tls.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    size: 12 * 1024 * 1024,
    logger: false,
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, cb) {
      const name = (auth.username ?? '').trim();
      const u = opts.users.find((x) => x.login === name || x.address.toLowerCase() === name.toLowerCase());
      if (!u || u.password !== auth.password) {
        log(`auth refused for a user`);
        return cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      }
      cb(null, { user: { login: u.login, address: u.address } satisfies SessionUser });
    },
    onMailFrom(address, session, cb) {
      const u = session.user as unknown as SessionUser | undefined;
      if (!u || address.address.toLowerCase() !== u.address.toLowerCase()) {
        return cb(Object.assign(new Error('5.7.1 Sender address does not belong to the authenticated user'), { responseCode: 553 }));
      }
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (!inDomain(address.address)) {
        return cb(Object.assign(new Error(`5.7.1 Relaying denied: the simulator only serves @${domain}`), { responseCode: 550 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          return cb(Object.assign(new Error('5.3.4 Message too big for the trusted-server simulator'), { responseCode: 552 }));
        }
        const raw = Buffer.concat(chunks);
        handle(raw, session)
          .then(() => cb(null, 'Message accepted by the trusted-server simulator'))
          .catch((e: unknown) => {
            log(`letter refused: ${(e as Error).message}`);
            const code = (e as { responseCode?: number }).responseCode ?? 451;
            cb(Object.assign(new Error((e as Error).message), { responseCode: code }));
          });
      });
    },
  });
  server.on('error', (e) => log(`smtp error: ${e.message}`));

  async function handle(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const sender = session.user as unknown as SessionUser;
    const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
    const text = raw.toString('latin1');
    const part = findApicryptPart(text);
    if (!part) return passThrough(text, sender, envelopeTo);
    let opened: ReturnType<typeof openLetter>;
    try {
      opened = openLetter(unarmor(part.text), keys.lookupPad);
    } catch (e) {
      throw Object.assign(new Error(`5.6.0 APICRYPT letter cannot be decrypted by the trusted server: ${(e as { code?: string }).code ?? (e as Error).message}`), { responseCode: 554 });
    }
    const { payload, outer, inner } = opened;
    const lens = sealedLengths(payload.length);
    pads.noteClientUse(outer.owner, outer.year, outer.offset, lens.user);
    pads.noteClientUse(inner.owner, inner.year, inner.offset, lens.master);
    // Attachments (.apz) are sealed with the sender's pads too: opened here, sealed again per recipient.
    const apz = findApzParts(text);
    const apzPayloads = apz.files.map((f) => {
      try {
        const o = openApz(f.bytes, keys.lookupPad);
        const l = sealedLengths(o.payload.length);
        pads.noteClientUse(o.outer.owner, o.outer.year, o.outer.offset, l.user);
        pads.noteClientUse(o.inner.owner, o.inner.year, o.inner.offset, l.master);
        return o.payload;
      } catch (e) {
        throw Object.assign(new Error(`5.6.0 APICRYPT attachment ${f.name} cannot be decrypted by the trusted server: ${(e as { code?: string }).code ?? (e as Error).message}`), { responseCode: 554 });
      }
    });
    const recipients = [...new Set(decodeLetterPayload(payload).recipients)];
    if (recipients.length === 0) {
      throw Object.assign(new Error('5.6.0 APICRYPT letter without recipient trailer (#DESTBEGIN#...#DESTEND#)'), { responseCode: 554 });
    }
    const failed: Array<{ recipient: string; status: string; reason: string }> = [];
    for (const r of recipients) {
      const address = r.includes('@') ? r : `${r}@${opts.domain}`;
      const local = address.slice(0, address.lastIndexOf('@'));
      const owner = inDomain(address) ? keys.resolveOwner(local) : undefined;
      const year = owner ? keys.yearFor(owner, outer.year) : undefined;
      if (!owner || year === undefined || !keys.get('Master', year)) {
        const reason = inDomain(address) ? 'no APICRYPT key for this recipient on the trusted server' : 'address not served by the trusted-server simulator';
        failed.push({ recipient: address, status: '5.1.1', reason });
        deliveries.push({ kind: 'apicrypt', from: sender.address, recipient: address, ok: false, reason });
        continue;
      }
      const master = pads.allocate('Master', year, lens.master);
      const user = pads.allocate(owner, year, lens.user);
      const body = armorLetter(sealLetter(payload, master, user), letterComments(master, user));
      const sealedApz = apzPayloads.map((p) => {
        const l = sealedLengths(p.length);
        return sealApz(p, pads.allocate('Master', year, l.master), pads.allocate(owner, year, l.user));
      });
      const withBody = part.replace(body);
      const mail = Buffer.from(received(sealedApz.length ? findApzParts(withBody).replace(sealedApz) : withBody, sender), 'latin1');
      const [res] = await lmtpDeliver({ ...opts.lmtp, from: sender.address, recipients: [address], message: mail });
      const ok = res?.ok ?? false;
      const rec: DeliveryRecord = {
        kind: 'apicrypt', from: sender.address, recipient: address, ok,
        user: { owner, year, offset: user.offset, length: lens.user },
        master: { owner: 'Master', year, offset: master.offset, length: lens.master },
      };
      if (!ok) {
        rec.reason = res?.reply ?? 'no LMTP reply';
        failed.push({ recipient: address, status: res && res.code >= 500 ? '5.1.1' : '4.0.0', reason: rec.reason });
      }
      deliveries.push(rec);
      log(`apicrypt letter ${ok ? 'delivered' : 'NOT delivered'} (${user.owner}.${year - 1900} @${user.offset})`);
    }
    if (failed.length) await sendDsn(text, sender, failed);
  }

  async function passThrough(text: string, sender: SessionUser, to: string[]): Promise<void> {
    const mail = Buffer.from(received(text, sender), 'latin1');
    const results = await lmtpDeliver({ ...opts.lmtp, from: sender.address, recipients: to, message: mail });
    const failed: Array<{ recipient: string; status: string; reason: string }> = [];
    for (const r of results) {
      deliveries.push({ kind: 'plain', from: sender.address, recipient: r.recipient, ok: r.ok, ...(r.ok ? {} : { reason: r.reply }) });
      if (!r.ok) failed.push({ recipient: r.recipient, status: r.code >= 500 ? '5.1.1' : '4.0.0', reason: r.reply });
    }
    log(`plain mail passed through to ${results.filter((r) => r.ok).length} recipient(s)`);
    if (failed.length) await sendDsn(text, sender, failed);
  }

  function received(text: string, sender: SessionUser): string {
    const date = new Date().toUTCString();
    return `Received: from ${sender.login} by ${NAME} (APICRYPT trusted-server simulator); ${date}\r\n${text}`;
  }

  async function sendDsn(original: string, sender: SessionUser, failed: Array<{ recipient: string; status: string; reason: string }>): Promise<void> {
    const dsn = buildDsn(original, sender.address, failed, opts.domain);
    const [res] = await lmtpDeliver({ ...opts.lmtp, from: '', recipients: [sender.address], message: Buffer.from(dsn, 'utf8') });
    for (const f of failed) deliveries.push({ kind: 'dsn', from: '', recipient: f.recipient, ok: res?.ok ?? false });
    log(`DSN for ${failed.length} recipient(s) ${res?.ok ? 'delivered' : 'NOT delivered'} to the sender`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as { port: number }).port;
  log(`trusted-server simulator listening on ${host}:${port} (${opts.security ?? 'starttls'})`);
  return {
    host,
    port,
    caPem: own?.caPem,
    certPem: tls.cert,
    deliveries,
    pads,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          if (tempState) rmSync(tempState, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/** A delivery-status notification (RFC 3464) in French for the sender, with the original headers. */
export function buildDsn(original: string, sender: string, failed: Array<{ recipient: string; status: string; reason: string }>, domain: string): string {
  const boundary = `dsn-${randomBytes(8).toString('hex')}`;
  const headers = removeHeaders(splitEntity(original).header, ['Bcc']);
  const date = new Date().toUTCString();
  const list = failed.map((f) => `  - ${f.recipient} : ${f.reason}`).join('\r\n');
  const perRecipient = failed
    .map((f) => `Final-Recipient: rfc822; ${f.recipient}\r\nAction: ${f.status.startsWith('5') ? 'failed' : 'delayed'}\r\nStatus: ${f.status}\r\nDiagnostic-Code: smtp; ${f.reason.replace(/\r?\n/g, ' ')}`)
    .join('\r\n\r\n');
  const originalId = headerValue(original, 'Message-ID');
  return crlf(
    [
      `From: Serveur de confiance (simulateur) <mailer-daemon@${domain}>`,
      `To: <${sender}>`,
      'Subject: Courrier non distribué',
      `Date: ${date}`,
      `Message-ID: <${randomBytes(10).toString('hex')}@${NAME}>`,
      ...(originalId ? [`In-Reply-To: ${originalId}`] : []),
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Votre courrier n’a pas pu être remis aux destinataires suivants :',
      list,
      '',
      'Vérifiez leurs adresses APICRYPT. (Message du simulateur du serveur de confiance, environnement de test.)',
      '',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      `Reporting-MTA: dns; ${NAME}`,
      `Arrival-Date: ${date}`,
      '',
      perRecipient,
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      headers,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}
