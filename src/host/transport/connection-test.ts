import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { PliError, toWireError, type WireError } from '../../shared/errors';
import type { Logger } from '../log/logger';
import type { MailAccount, ServerEndpoint } from './accounts';
import { ImapClient } from './imap-client';
import { networkError } from './net-errors';
import { Pop3Client } from './pop3-client';
import { SmtpClient } from './smtp-client';
import { openTlsSession, probeCertificate, type ProbeProtocol } from './tls-probe';
import type { TlsTrust } from './tls-trust';

export type StepName = 'dns' | 'tcp' | 'tls' | 'auth' | 'mailbox';

export interface ConnectionStep {
  server: 'incoming' | 'outgoing';
  step: StepName;
  ok: boolean;
  ms: number;
  message_fr: string;
  error?: WireError;
}

export interface ConnectionTestInput {
  account: MailAccount;
  incomingPassword: string;
  outgoingPassword: string;
  trust: TlsTrust;
  timeoutMs?: number;
  logger?: Logger;
  /** Called after each step, for a live display. */
  onStep?: (s: ConnectionStep) => void;
}

/**
 * "Tester la connexion": runs each step for the incoming then the outgoing server and stops a server's
 * chain at its first failure, so the user sees exactly where it breaks (name, network, certificate,
 * password, mailbox). Never throws: failures are steps.
 */
export async function testConnection(input: ConnectionTestInput): Promise<{ ok: boolean; steps: ConnectionStep[] }> {
  const steps: ConnectionStep[] = [];
  // Set by the auth step, used by the mailbox step (same logged-in connection).
  let incomingSession: { mailbox(): Promise<string>; close(): void } | undefined;
  const timeoutMs = input.timeoutMs ?? 15_000;
  const run = async (server: ConnectionStep['server'], step: StepName, okMessage: string, fn: () => Promise<string | void>): Promise<boolean> => {
    const t0 = performance.now();
    try {
      const extra = await fn();
      const s: ConnectionStep = { server, step, ok: true, ms: Math.round(performance.now() - t0), message_fr: extra ? `${okMessage} ${extra}` : okMessage };
      steps.push(s);
      input.onStep?.(s);
      return true;
    } catch (e) {
      const err = toWireError(e);
      const s: ConnectionStep = { server, step, ok: false, ms: Math.round(performance.now() - t0), message_fr: err.message_fr, error: err };
      steps.push(s);
      input.onStep?.(s);
      return false;
    }
  };

  const { account, trust } = input;
  const inc = account.incoming;
  const incProto: ProbeProtocol = inc.protocol;
  const incName = inc.protocol === 'pop3' ? 'POP3' : 'IMAP';
  const incomingOk =
    (await basics('incoming', inc, incProto, incName)) &&
    (await run('incoming', 'auth', `Identifiant et mot de passe acceptés par le serveur ${incName}.`, async () => {
      if (inc.protocol === 'pop3') {
        const c = await Pop3Client.connect({ ...inc, password: input.incomingPassword, trust, timeoutMs, logger: input.logger });
        incomingSession = {
          mailbox: async () => {
            const st = await c.stat();
            await c.quit();
            return `${st.count} message(s) sur le serveur.`;
          },
          close: () => c.destroy(),
        };
      } else {
        const c = await ImapClient.connect({ ...inc, password: input.incomingPassword, trust, timeoutMs, logger: input.logger });
        incomingSession = {
          mailbox: async () => {
            const box = await c.openInbox();
            await c.close();
            return `${box.exists} message(s) dans la boîte de réception.`;
          },
          close: () => void c.close(),
        };
      }
    })) &&
    (await run('incoming', 'mailbox', 'Boîte aux lettres accessible :', async () => {
      const s = incomingSession;
      if (!s) throw new PliError('internal', 'Session de réception absente.');
      try {
        return await s.mailbox();
      } catch (e) {
        s.close();
        throw e;
      }
    }));

  const out = account.outgoing;
  const outgoingOk =
    (await basics('outgoing', out, 'smtp', 'SMTP')) &&
    (await run('outgoing', 'auth', 'Le serveur SMTP accepte l’identifiant et le mot de passe (EHLO, STARTTLS, AUTH).', async () => {
      await new SmtpClient({ ...out, password: input.outgoingPassword, trust, timeoutMs, logger: input.logger }).verify();
    }));

  return { ok: incomingOk && outgoingOk && steps.every((s) => s.ok), steps };

  // --- DNS, TCP, TLS for one server ---
  async function basics(server: ConnectionStep['server'], ep: ServerEndpoint, protocol: ProbeProtocol, name: string): Promise<boolean> {
    return (
      (await run(server, 'dns', `Nom du serveur ${name} trouvé :`, async () => {
        try {
          const r = await lookup(ep.host);
          return r.address;
        } catch (e) {
          throw networkError(e, ep.host, ep.port, name) ?? e;
        }
      })) &&
      (await run(server, 'tcp', `Serveur ${name} joignable sur le port ${ep.port}.`, () => tcpCheck(ep, name, timeoutMs))) &&
      (await run(server, 'tls', `Connexion chiffrée (${ep.security === 'tls' ? 'TLS' : 'STARTTLS'}) et certificat vérifié.`, async () => {
        const session = await trust.session(ep.host, ep.port);
        try {
          const s = await openTlsSession({ host: ep.host, port: ep.port, security: ep.security, protocol, tls: session.tls, timeoutMs });
          const proto = s.getProtocol();
          s.destroy();
          return proto ? `(${proto})` : undefined;
        } catch (e) {
          const explained = await trust.explain(ep.host, ep.port, session, e, () => probeCertificate({ host: ep.host, port: ep.port, security: ep.security, protocol, timeoutMs }));
          if (explained) throw explained;
          const netErr = networkError(e, ep.host, ep.port, name);
          if (netErr) throw netErr;
          throw new PliError('tls_failed', `Le serveur ${name} ${ep.host} n’a pas pu établir de connexion chiffrée (${ep.security === 'tls' ? 'TLS' : 'STARTTLS'}). Vérifiez le port et la sécurité choisis.`, { host: ep.host, port: ep.port, reason: (e as Error).message });
        }
      }))
    );
  }
}

function tcpCheck(ep: ServerEndpoint, name: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: ep.host, port: ep.port });
    const timer = setTimeout(() => s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(networkError(e, ep.host, ep.port, name) ?? e);
    });
  });
}
