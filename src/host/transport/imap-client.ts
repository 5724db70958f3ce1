// Loaded when the first IMAP account connects: imapflow costs a quarter of a second at start-up.
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import { PliError, isPliError } from '../../shared/errors';
import { silentLogger, type Logger } from '../log/logger';
import { networkError } from './net-errors';
import { probeCertificate, type Security } from './tls-probe';
import type { TlsTrust } from './tls-trust';

export interface ImapOptions {
  host: string;
  port: number;
  /** 'starttls' (port 143) or 'tls' (port 993). */
  security: Security;
  user: string;
  password: string;
  trust: TlsTrust;
  timeoutMs?: number;
  logger?: Logger;
}

/** Where the last fetch stopped; a changed uidValidity means the server renumbered: start over. */
export interface ImapCursor {
  uidValidity: number;
  lastUid: number;
}

export interface ImapNewMessage {
  uid: number;
  size: number;
  seen: boolean;
}

const WHAT = 'de réception (IMAP)';

/**
 * A thin wrapper over imapflow for the inbox only: list what is new since a cursor, fetch the raw
 * source, mark seen, and watch with IDLE. imapflow's own logs are bridged without any content.
 */
export class ImapClient {
  private constructor(
    private readonly flow: ImapFlow,
    private readonly opts: ImapOptions,
  ) {}

  static async connect(opts: ImapOptions): Promise<ImapClient> {
    const log = (opts.logger ?? silentLogger).child('imap');
    const session = await opts.trust.session(opts.host, opts.port);
    const timeout = opts.timeoutMs ?? 30_000;
    const options: ImapFlowOptions = {
      host: opts.host,
      port: opts.port,
      secure: opts.security === 'tls',
      doSTARTTLS: opts.security === 'starttls' ? true : undefined,
      auth: { user: opts.user, pass: opts.password },
      tls: session.tls,
      logger: bridgeLogger(log),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: 5 * 60_000,
      disableAutoIdle: true,
      clientInfo: { name: 'Pli' },
    };
    if (options.doSTARTTLS === undefined) delete options.doSTARTTLS;
    const { ImapFlow: Flow } = await import('imapflow');
    const flow = new Flow(options);
    // A socket error after connect must not crash the host; the next call reports it.
    flow.on('error', (e: Error) => log.warn('erreur de connexion', { code: (e as { code?: string }).code }));
    try {
      await flow.connect();
    } catch (e) {
      flow.close();
      if (isPliError(e)) throw e;
      if ((e as { authenticationFailed?: boolean }).authenticationFailed) {
        throw new PliError('auth_failed', `Identifiant ou mot de passe refusé par le serveur ${WHAT} ${opts.host}. Vérifiez le nom d’utilisateur et le mot de passe.`, { host: opts.host, port: opts.port, server: String((e as { responseText?: string }).responseText ?? '') });
      }
      const explained = await opts.trust.explain(opts.host, opts.port, session, e, () =>
        probeCertificate({ host: opts.host, port: opts.port, security: opts.security, protocol: 'imap', timeoutMs: timeout }),
      );
      if (explained) throw explained;
      throw networkError(e, opts.host, opts.port, WHAT) ?? new PliError('imap_error', `La connexion au serveur ${WHAT} ${opts.host} a échoué. Vérifiez l’adresse, le port et la sécurité choisis.`, { host: opts.host, port: opts.port, reason: (e as Error).message });
    }
    log.info('connecté', { host: opts.host, port: opts.port, security: opts.security });
    return new ImapClient(flow, opts);
  }

  /** Selects INBOX and returns its identity (uidValidity) and size. */
  async openInbox(): Promise<{ uidValidity: number; uidNext: number; exists: number }> {
    const box = await this.guard(() => this.flow.mailboxOpen('INBOX'));
    return { uidValidity: Number(box.uidValidity), uidNext: box.uidNext, exists: box.exists };
  }

  /** Messages of INBOX after the cursor (all of them when the cursor is absent or stale). */
  async listNew(cursor?: ImapCursor): Promise<{ uidValidity: number; messages: ImapNewMessage[] }> {
    const box = await this.openInbox();
    const from = cursor && cursor.uidValidity === box.uidValidity ? cursor.lastUid + 1 : 1;
    const messages: ImapNewMessage[] = [];
    if (box.exists === 0 || from >= box.uidNext) return { uidValidity: box.uidValidity, messages };
    await this.guard(async () => {
      for await (const m of this.flow.fetch(`${from}:*`, { uid: true, size: true, flags: true }, { uid: true })) {
        // `n:*` always returns the last message even when its uid is below n.
        if (m.uid >= from) messages.push({ uid: m.uid, size: m.size ?? 0, seen: m.flags?.has('\\Seen') ?? false });
      }
    });
    messages.sort((a, b) => a.uid - b.uid);
    return { uidValidity: box.uidValidity, messages };
  }

  /** The raw RFC 5322 bytes of one message (does not set \Seen: BODY.PEEK). */
  async fetchSource(uid: number): Promise<Buffer> {
    const m = await this.guard(() => this.flow.fetchOne(String(uid), { source: true }, { uid: true }));
    if (!m || !m.source) {
      throw new PliError('imap_message_gone', 'Ce message n’existe plus sur le serveur (supprimé entre-temps).', { uid });
    }
    return m.source;
  }

  /** Sources of several messages in one FETCH, in uid order. */
  async *fetchSources(uids: number[]): AsyncGenerator<{ uid: number; source: Buffer }> {
    if (uids.length === 0) return;
    const it = this.flow.fetch(uids.join(','), { uid: true, source: true }, { uid: true });
    for (;;) {
      const next = await this.guard(() => it.next());
      if (next.done) return;
      if (next.value.source) yield { uid: next.value.uid, source: next.value.source };
    }
  }

  async markSeen(uids: number | number[]): Promise<void> {
    const list = Array.isArray(uids) ? uids : [uids];
    if (list.length === 0) return;
    await this.guard(() => this.flow.messageFlagsAdd(list.join(','), ['\\Seen'], { uid: true }));
  }

  /**
   * Watches INBOX with IDLE; `onNew` is called with the new message count when mail arrives.
   * Any other command interrupts IDLE (imapflow handles that); call stop() to end watching.
   */
  async watchInbox(onNew: (info: { count: number; prevCount: number }) => void): Promise<{ stop(): void }> {
    await this.openInbox();
    const listener = (data: { path: string; count: number; prevCount: number }) => {
      if (data.path === 'INBOX' && data.count > data.prevCount) onNew({ count: data.count, prevCount: data.prevCount });
    };
    this.flow.on('exists', listener);
    let stopped = false;
    const loop = async () => {
      while (!stopped && this.flow.usable) {
        try {
          await this.flow.idle();
        } catch {
          return;
        }
      }
    };
    void loop();
    return {
      stop: () => {
        stopped = true;
        this.flow.off('exists', listener);
      },
    };
  }

  get usable(): boolean {
    return this.flow.usable;
  }

  async close(): Promise<void> {
    try {
      await this.flow.logout();
    } catch {
      this.flow.close();
    }
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isPliError(e)) throw e;
      throw networkError(e, this.opts.host, this.opts.port, WHAT) ?? new PliError('imap_error', `Le serveur ${WHAT} ${this.opts.host} a refusé la demande. Réessayez plus tard.`, { host: this.opts.host, server: String((e as { responseText?: string }).responseText ?? (e as Error).message ?? '') });
    }
  }
}

/** imapflow logs carry protocol lines (and so letter content at debug level): keep only warnings, no payload. */
function bridgeLogger(log: Logger): ImapFlowOptions['logger'] {
  const pick = (o: unknown) => {
    const r = o as { msg?: unknown; code?: unknown; err?: { code?: unknown } } | undefined;
    return { msg: typeof r?.msg === 'string' ? r.msg.slice(0, 120) : '', code: r?.code ?? r?.err?.code };
  };
  return {
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: (o: unknown) => {
      const p = pick(o);
      log.warn('imapflow', { detail: p.msg, code: p.code });
    },
    error: (o: unknown) => {
      const p = pick(o);
      log.error('imapflow', { detail: p.msg, code: p.code });
    },
    fatal: (o: unknown) => {
      const p = pick(o);
      log.error('imapflow', { detail: p.msg, code: p.code });
    },
  };
}
