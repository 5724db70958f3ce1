// Loaded when the first letter is sent or an account tested, not at start-up.
import type nodemailer from 'nodemailer';
import { PliError, isPliError } from '../../shared/errors';
import { silentLogger, type Logger } from '../log/logger';
import { networkError } from './net-errors';
import { probeCertificate, type Security } from './tls-probe';
import type { TlsTrust, TrustSession } from './tls-trust';

export interface SmtpOptions {
  host: string;
  port: number;
  /** 'starttls' (port 587, STARTTLS required) or 'tls' (port 465). */
  security: Security;
  user: string;
  password: string;
  trust: TlsTrust;
  timeoutMs?: number;
  logger?: Logger;
}

export interface SmtpEnvelope {
  from: string;
  to: string[];
}

export interface SmtpSendResult {
  accepted: string[];
  rejected: Array<{ recipient: string; server: string }>;
  /** The server's final reply (e.g. "250 2.0.0 Ok: queued as …"). */
  response: string;
}

const WHAT = 'd’envoi (SMTP)';

type Transport = ReturnType<typeof nodemailer.createTransport>;

/**
 * SMTP submission through nodemailer: raw RFC 5322 bytes with an explicit envelope (the letter is built
 * and encrypted before, this only carries it). TLS is always required; AUTH always used.
 */
export class SmtpClient {
  /** One pooled connection reused across sends (a TLS handshake + AUTH per letter would dominate). */
  private pooled: { transport: Transport; session: TrustSession } | undefined;

  constructor(private readonly opts: SmtpOptions) {}

  /** Connects, secures, authenticates and quits: proves the account works. */
  async verify(): Promise<void> {
    const { transport, session } = await this.create(false);
    try {
      await transport.verify();
    } catch (e) {
      throw await this.mapError(e, session);
    } finally {
      transport.close();
    }
  }

  async sendRaw(envelope: SmtpEnvelope, raw: Buffer): Promise<SmtpSendResult> {
    this.pooled ??= await this.create(true);
    const { transport, session } = this.pooled;
    try {
      const info = await transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
      const rejectedErrors = (info as { rejectedErrors?: Array<{ recipient?: string; response?: string }> }).rejectedErrors ?? [];
      return {
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map((r: unknown) => {
          const recipient = String(r);
          return { recipient, server: rejectedErrors.find((e) => e.recipient === recipient)?.response ?? '' };
        }),
        response: info.response ?? '',
      };
    } catch (e) {
      // After a failure start from a fresh connection (and fresh trust decision) next time.
      this.close();
      throw await this.mapError(e, session);
    }
  }

  /** Closes the pooled connection (QUIT). */
  close(): void {
    this.pooled?.transport.close();
    this.pooled = undefined;
  }

  private async create(pool: boolean): Promise<{ transport: Transport; session: TrustSession }> {
    const o = this.opts;
    const session = await o.trust.session(o.host, o.port);
    const timeout = o.timeoutMs ?? 30_000;
    const mailer = (await import('nodemailer')).default;
    const transport = mailer.createTransport({
      host: o.host,
      port: o.port,
      secure: o.security === 'tls',
      requireTLS: o.security === 'starttls',
      auth: { user: o.user, pass: o.password },
      tls: session.tls,
      name: 'pli.localhost',
      logger: false,
      debug: false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: Math.max(timeout, 60_000),
      ...(pool ? { pool: true, maxConnections: 1, maxMessages: Infinity } : {}),
    });
    (o.logger ?? silentLogger).child('smtp').debug('connexion', { host: o.host, port: o.port, security: o.security });
    return { transport, session };
  }

  private async mapError(e: unknown, session: TrustSession): Promise<PliError> {
    const o = this.opts;
    if (isPliError(e)) return e;
    const err = e as { code?: string; responseCode?: number; response?: string; message?: string; rejected?: unknown };
    const server = err.response ?? '';
    const base = { host: o.host, port: o.port, server, responseCode: err.responseCode };
    if (err.code === 'EAUTH') {
      return new PliError('auth_failed', `Identifiant ou mot de passe refusé par le serveur ${WHAT} ${o.host}. Vérifiez le nom d’utilisateur (pour APICRYPT : la partie avant @ de votre adresse) et le mot de passe.`, { ...base, retryable: false });
    }
    if (err.responseCode === undefined || err.code === 'ETLS' || err.code === 'ESOCKET' || err.code === 'ECONNECTION') {
      const explained = await o.trust.explain(o.host, o.port, session, e, () =>
        probeCertificate({ host: o.host, port: o.port, security: o.security, protocol: 'smtp', timeoutMs: o.timeoutMs }),
      );
      if (explained) return explained;
      const cause = (e as { cause?: unknown }).cause ?? e;
      const net = networkError(cause, o.host, o.port, WHAT) ?? networkError({ code: err.code === 'ETIMEDOUT' ? 'ETIMEDOUT' : undefined }, o.host, o.port, WHAT);
      if (net) return new PliError(net.code, net.message_fr, { ...net.details, retryable: true });
      if (/STARTTLS/i.test(err.message ?? '')) {
        return new PliError('smtp_starttls_unavailable', `Le serveur ${WHAT} ${o.host} ne propose pas de connexion chiffrée (STARTTLS). Choisissez « TLS » (port 465) ou contactez votre fournisseur.`, { ...base, retryable: false });
      }
      if (err.responseCode === undefined) {
        return new PliError('smtp_error', `La connexion au serveur ${WHAT} ${o.host} a échoué. Vérifiez l’adresse, le port et la sécurité choisis.`, { ...base, reason: err.message, retryable: true });
      }
    }
    const code = err.responseCode ?? 0;
    if (err.code === 'EENVELOPE') {
      return new PliError('smtp_recipients_refused', `Le serveur ${WHAT} a refusé les destinataires de ce courrier. Vérifiez les adresses. Réponse du serveur : ${server}`, { ...base, retryable: code >= 400 && code < 500 });
    }
    if (code === 552 || /size/i.test(server)) {
      return new PliError('smtp_too_large', `Le serveur ${WHAT} refuse ce courrier car il est trop volumineux. Réduisez la taille des pièces jointes.`, { ...base, retryable: false });
    }
    if (code >= 400 && code < 500) {
      return new PliError('smtp_temporary', `Le serveur ${WHAT} est momentanément indisponible ; le courrier reste dans « À envoyer » et partira automatiquement plus tard.`, { ...base, retryable: true });
    }
    return new PliError('smtp_rejected', `Le serveur ${WHAT} a refusé ce courrier. Réponse du serveur : ${server || 'aucune'}`, { ...base, retryable: false });
  }
}
