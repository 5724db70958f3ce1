import net from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { PliError, isPliError } from '../../shared/errors';
import { silentLogger, type Logger } from '../log/logger';
import { networkError } from './net-errors';
import { probeCertificate, type Security } from './tls-probe';
import { isIp, type TlsTrust } from './tls-trust';

export interface Pop3Options {
  host: string;
  port: number;
  /** 'starttls': plain connection then STLS (port 110); 'tls': implicit TLS (port 995). */
  security: Security;
  user: string;
  password: string;
  trust: TlsTrust;
  /** Inactivity limit per command, in ms. */
  timeoutMs?: number;
  logger?: Logger;
}

export interface Pop3Stat {
  count: number;
  size: number;
}

const CRLF_DOT_CRLF = Buffer.from('\r\n.\r\n');

/**
 * A small POP3 client (RFC 1939, 2449 CAPA, 2595 STLS). One command at a time; multi-line answers are
 * collected as Buffer chunks and joined once, so a 10 MB letter costs one copy, not one per packet.
 * Never logs in over a connection that is not TLS.
 */
export class Pop3Client {
  capabilities = new Set<string>();
  private socket: net.Socket | TLSSocket;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: { multi: boolean; resolve: (r: { line: string; body?: Buffer }) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private readonly log: Logger;
  private readonly what = 'de réception (POP3)';

  private constructor(
    private readonly opts: Pop3Options,
    socket: net.Socket | TLSSocket,
  ) {
    this.socket = socket;
    this.log = (opts.logger ?? silentLogger).child('pop3');
    this.attach(socket);
  }

  /** Connects, secures the channel, logs in. Errors are PliErrors with French messages. */
  static async connect(opts: Pop3Options): Promise<Pop3Client> {
    const session = await opts.trust.session(opts.host, opts.port);
    let client: Pop3Client | undefined;
    try {
      const socket = opts.security === 'tls'
        ? await connected(tls.connect({ ...session.tls, host: opts.host, port: opts.port }), 'secureConnect', opts.timeoutMs)
        : await connected(net.connect({ host: opts.host, port: opts.port }), 'connect', opts.timeoutMs);
      client = new Pop3Client(opts, socket);
      await client.response(false); // greeting
      await client.capa();
      if (opts.security === 'starttls') {
        if (!client.capabilities.has('STLS')) {
          throw new PliError('pop3_stls_unavailable', `Le serveur de réception ${opts.host} ne propose pas de connexion chiffrée (STLS). Choisissez la sécurité « TLS » (port 995) ou contactez votre fournisseur.`, { host: opts.host, port: opts.port });
        }
        await client.command('STLS');
        await client.upgrade(session.tls);
        await client.capa();
      }
      await client.login();
      client.log.info('connecté', { host: opts.host, port: opts.port, security: opts.security });
      return client;
    } catch (e) {
      client?.destroy();
      if (!(e instanceof Error) || isPliError(e)) throw e;
      const explained = await opts.trust.explain(opts.host, opts.port, session, e, () =>
        probeCertificate({ host: opts.host, port: opts.port, security: opts.security, protocol: 'pop3', timeoutMs: opts.timeoutMs }),
      );
      if (explained) throw explained;
      throw networkError(e, opts.host, opts.port, 'de réception (POP3)') ?? protocolError(e, opts.host, opts.port);
    }
  }

  async stat(): Promise<Pop3Stat> {
    const { line } = await this.command('STAT');
    const m = /^\+OK\s+(\d+)\s+(\d+)/.exec(line);
    if (!m) throw this.malformed('STAT', line);
    return { count: Number(m[1]), size: Number(m[2]) };
  }

  /** Unique ids (RFC 1939 UIDL), in message-number order. */
  async uidl(): Promise<Array<{ n: number; uid: string }>> {
    const body = await this.multi('UIDL');
    return lines(body).map((l) => {
      const m = /^(\d+)\s+(\S+)/.exec(l);
      if (!m) throw this.malformed('UIDL', l);
      return { n: Number(m[1]), uid: m[2] as string };
    });
  }

  async list(): Promise<Array<{ n: number; size: number }>> {
    const body = await this.multi('LIST');
    return lines(body).map((l) => {
      const m = /^(\d+)\s+(\d+)/.exec(l);
      if (!m) throw this.malformed('LIST', l);
      return { n: Number(m[1]), size: Number(m[2]) };
    });
  }

  /** The message bytes as the server stores them (CRLF line ends), dot-unstuffed. */
  async retr(n: number): Promise<Buffer> {
    return this.multi(`RETR ${n}`);
  }

  async dele(n: number): Promise<void> {
    await this.command(`DELE ${n}`);
  }

  async noop(): Promise<void> {
    await this.command('NOOP');
  }

  async rset(): Promise<void> {
    await this.command('RSET');
  }

  /** Ends the session: the server applies deletions only now (UPDATE state). */
  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } finally {
      this.destroy();
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  // --- protocol plumbing -------------------------------------------------------------------------

  private async capa(): Promise<void> {
    try {
      const body = await this.multi('CAPA');
      this.capabilities = new Set(lines(body).map((l) => (l.split(/\s+/)[0] ?? '').toUpperCase()));
    } catch (e) {
      if (!(e instanceof PliError && e.code === 'pop3_error')) throw e;
      this.capabilities = new Set();
    }
  }

  private async login(): Promise<void> {
    try {
      await this.command(`USER ${this.opts.user}`, 'USER ***');
      await this.command(`PASS ${this.opts.password}`, 'PASS ***');
    } catch (e) {
      if (e instanceof PliError && e.code === 'pop3_error') {
        throw new PliError('auth_failed', `Identifiant ou mot de passe refusé par le serveur de réception ${this.opts.host}. Vérifiez le nom d’utilisateur (pour APICRYPT : la partie avant @ de votre adresse) et le mot de passe.`, { host: this.opts.host, port: this.opts.port, server: e.details?.server });
      }
      throw e;
    }
  }

  private async upgrade(options: tls.ConnectionOptions): Promise<void> {
    const plain = this.socket;
    this.detach(plain);
    if (this.buffered > 0) throw new PliError('pop3_error', 'Le serveur a envoyé des données inattendues avant le chiffrement. Connexion interrompue par sécurité.', { host: this.opts.host });
    const opts: tls.ConnectionOptions = { ...options, socket: plain, host: this.opts.host, port: this.opts.port };
    if (!isIp(this.opts.host)) opts.servername = this.opts.host;
    const secure = await connected(tls.connect(opts), 'secureConnect', this.opts.timeoutMs);
    this.socket = secure;
    this.attach(secure);
  }

  private readonly onData = (chunk: Buffer) => {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.multiState) this.scanChunk(chunk);
    else this.pump();
  };
  private readonly onError = (e: Error) => this.fail(e);
  private readonly onClose = () => this.fail(Object.assign(new Error('connection closed by server'), { code: 'ECONNRESET' }));
  private readonly onTimeout = () => {
    this.fail(new PliError('timeout', `Le serveur de réception ${this.opts.host} ne répond plus (délai dépassé). Réessayez plus tard.`, { host: this.opts.host, port: this.opts.port }));
    this.socket.destroy();
  };

  private attach(s: net.Socket): void {
    s.on('data', this.onData);
    s.on('error', this.onError);
    s.on('close', this.onClose);
    s.setTimeout(this.opts.timeoutMs ?? 30_000, this.onTimeout);
  }

  private detach(s: net.Socket): void {
    s.removeListener('data', this.onData);
    s.removeListener('error', this.onError);
    s.removeListener('close', this.onClose);
    s.setTimeout(0);
  }

  private fail(e: Error): void {
    if (!this.failure) this.failure = e;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(e);
  }

  private command(cmd: string, shown = cmd): Promise<{ line: string; body?: Buffer }> {
    this.log.debug('commande', { cmd: shown.split(' ')[0] });
    this.socket.write(cmd + '\r\n');
    return this.response(false);
  }

  private async multi(cmd: string): Promise<Buffer> {
    this.socket.write(cmd + '\r\n');
    const r = await this.response(true);
    return r.body ?? Buffer.alloc(0);
  }

  private response(multi: boolean): Promise<{ line: string; body?: Buffer }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { multi, resolve, reject };
      this.pump();
    });
  }

  /** A multi-line answer in progress: status line seen, terminator not yet. */
  private multiState: { line: string; eol: number; tail: Buffer; scannedTo: number } | undefined;

  /** Completes the pending response when enough bytes arrived. */
  private pump(): void {
    const w = this.waiter;
    if (!w || this.buffered === 0) return;
    let first = this.chunks[0] as Buffer;
    let eol = first.indexOf('\r\n');
    if (eol < 0 && this.chunks.length > 1) {
      first = this.joinAll();
      eol = first.indexOf('\r\n');
    }
    if (eol < 0) {
      if (this.buffered > 64 * 1024) this.fail(this.malformed('réponse', 'ligne trop longue'));
      return;
    }
    const line = first.subarray(0, eol).toString('latin1');
    if (line.startsWith('-ERR')) return this.settle(eol + 2, () => w.reject(this.serverError(line)));
    if (!line.startsWith('+OK')) return this.settle(eol + 2, () => w.reject(this.malformed('réponse', line)));
    if (!w.multi) return this.settle(eol + 2, () => w.resolve({ line }));
    // The body ends with CRLF.CRLF; the status line's CRLF counts as the first CRLF (empty body).
    const all = this.joinAll();
    const end = all.indexOf(CRLF_DOT_CRLF, eol);
    if (end >= 0) return this.finish(line, eol, end);
    this.multiState = { line, eol, tail: Buffer.from(all.subarray(Math.max(eol, all.length - 4))), scannedTo: all.length };
  }

  /** Searches only the new packet (plus a 4-byte overlap): linear in the letter size. */
  private scanChunk(chunk: Buffer): void {
    const ms = this.multiState;
    if (!ms) return;
    const window = Buffer.concat([ms.tail, chunk]);
    const i = window.indexOf(CRLF_DOT_CRLF);
    if (i >= 0) return this.finish(ms.line, ms.eol, ms.scannedTo - ms.tail.length + i);
    ms.tail = Buffer.from(window.subarray(Math.max(0, window.length - 4)));
    ms.scannedTo += chunk.length;
  }

  private finish(line: string, eol: number, end: number): void {
    const w = this.waiter;
    this.multiState = undefined;
    const all = this.joinAll();
    const body = unstuff(all.subarray(eol + 2, end + 2));
    this.settle(end + CRLF_DOT_CRLF.length, () => w?.resolve({ line, body }));
  }

  private joinAll(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private settle(consumed: number, then: () => void): void {
    const all = this.joinAll();
    const rest = all.subarray(consumed);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    this.waiter = undefined;
    then();
  }

  private serverError(line: string): PliError {
    return new PliError('pop3_error', `Le serveur de réception ${this.opts.host} a refusé la demande. Réessayez plus tard ; si le problème persiste, contactez votre fournisseur.`, { host: this.opts.host, server: line.slice(0, 200) });
  }

  private malformed(cmd: string, line: string): PliError {
    return new PliError('pop3_protocol', `Réponse inattendue du serveur de réception ${this.opts.host} (${cmd}). Vérifiez qu’il s’agit bien d’un serveur POP3.`, { host: this.opts.host, server: line.slice(0, 200) });
  }
}

function connected<T extends net.Socket>(socket: T, event: 'connect' | 'secureConnect', timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
    const onError = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    socket.once('error', onError);
    socket.once(event, () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}

function lines(body: Buffer): string[] {
  return body.toString('latin1').split('\r\n').filter((l) => l.length > 0);
}

/** Removes the leading dot of every line that starts with one (RFC 1939 byte-stuffing). */
export function unstuff(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  if (body[0] === 0x2e) from = 1;
  let i = body.indexOf('\r\n.', from);
  while (i >= 0) {
    parts.push(body.subarray(from, i + 2));
    from = i + 3;
    i = body.indexOf('\r\n.', from);
  }
  if (parts.length === 0 && from === 0) return body;
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}

function protocolError(e: Error, host: string, port: number): PliError {
  return new PliError('pop3_error', `La connexion au serveur de réception ${host} a échoué. Vérifiez l’adresse, le port et la sécurité choisis.`, { host, port, reason: e.message });
}
