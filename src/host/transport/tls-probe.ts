import net from 'node:net';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import { certificateInfo, isIp, type CertificateInfo } from './tls-trust';

export type Security = 'starttls' | 'tls';
export type ProbeProtocol = 'pop3' | 'imap' | 'smtp';

/**
 * Opens a TLS session with a server without logging in: implicit TLS, or the protocol's STARTTLS
 * dance (POP3 STLS, IMAP STARTTLS, SMTP EHLO + STARTTLS). Used to read the certificate for the user
 * and by the connection test. Sends no credentials and no mail.
 */
export async function openTlsSession(opts: {
  host: string;
  port: number;
  security: Security;
  protocol: ProbeProtocol;
  tls: ConnectionOptions;
  timeoutMs?: number;
}): Promise<TLSSocket> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const base: ConnectionOptions = { ...opts.tls, host: opts.host, port: opts.port };
  if (!isIp(opts.host) && base.servername === undefined) base.servername = opts.host;
  if (opts.security === 'tls') return handshake(tls.connect(base), timeoutMs);
  const plain = net.connect({ host: opts.host, port: opts.port });
  plain.setTimeout(timeoutMs, () => plain.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
  try {
    await starttlsDance(plain, opts.protocol);
  } catch (e) {
    plain.destroy();
    throw e;
  }
  plain.setTimeout(0);
  return handshake(tls.connect({ ...base, socket: plain }), timeoutMs);
}

/** Reads the server certificate, trusting nothing (for display only). */
export async function probeCertificate(opts: { host: string; port: number; security: Security; protocol: ProbeProtocol; timeoutMs?: number }): Promise<CertificateInfo> {
  const socket = await openTlsSession({ ...opts, tls: { rejectUnauthorized: false } });
  try {
    const cert = socket.getPeerCertificate(false);
    if (!cert || !cert.raw) throw new Error('no peer certificate');
    return certificateInfo(cert);
  } finally {
    socket.destroy();
  }
}

function handshake(socket: TLSSocket, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('TLS handshake timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
    const onError = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    socket.once('error', onError);
  });
}

/** Minimal line reader for the plain-text part of the dance. */
function starttlsDance(socket: net.Socket, protocol: ProbeProtocol): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let stage = 0;
    const send = (line: string) => socket.write(line + '\r\n');
    const fail = (msg: string) => done(Object.assign(new Error(msg), { code: 'STARTTLS_FAILED' }));
    const done = (err?: Error) => {
      socket.removeListener('data', onData);
      socket.removeListener('error', done);
      socket.removeListener('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onClose = () => fail('connection closed during STARTTLS');
    const onLine = (line: string): boolean => {
      if (protocol === 'pop3') {
        if (!line.startsWith('+OK')) return fail(`POP3: ${line}`), true;
        if (stage++ === 0) send('STLS');
        else return done(), true;
      } else if (protocol === 'imap') {
        if (stage === 0) {
          if (!/^\* (OK|PREAUTH)/i.test(line)) return fail(`IMAP: ${line}`), true;
          stage = 1;
          send('p1 STARTTLS');
        } else if (line.startsWith('p1 ')) {
          if (/^p1 OK/i.test(line)) return done(), true;
          return fail(`IMAP: ${line}`), true;
        }
      } else {
        const code = line.slice(0, 3);
        const last = line[3] !== '-';
        if (!last) return false;
        if (stage === 0) {
          if (code !== '220') return fail(`SMTP: ${line}`), true;
          stage = 1;
          send('EHLO pli.localhost');
        } else if (stage === 1) {
          if (code !== '250') return fail(`SMTP: ${line}`), true;
          stage = 2;
          send('STARTTLS');
        } else {
          if (code !== '220') return fail(`SMTP: ${line}`), true;
          return done(), true;
        }
      }
      return false;
    };
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        if (onLine(line)) return;
      }
      if (buf.length > 64 * 1024) fail('line too long');
    };
    socket.on('data', onData);
    socket.once('error', done);
    socket.once('close', onClose);
  });
}
