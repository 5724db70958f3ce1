import { PliError } from '../../shared/errors';

/** Maps a socket-level failure (DNS, TCP, timeout) to a French error; null when it is something else. */
export function networkError(err: unknown, host: string, port: number, what: string): PliError | null {
  const code = (err as { code?: unknown } | undefined)?.code;
  const details = { host, port, code: typeof code === 'string' ? code : undefined, reason: String((err as Error | undefined)?.message ?? err) };
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new PliError('dns_failed', `Le nom du serveur ${what} « ${host} » est introuvable. Vérifiez l’adresse du serveur et votre connexion à Internet.`, details);
    case 'ECONNREFUSED':
      return new PliError('connection_refused', `Le serveur ${what} ${host} refuse la connexion sur le port ${port}. Vérifiez le port et la sécurité choisis.`, details);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return new PliError('network_unreachable', `Le serveur ${what} ${host} est injoignable. Vérifiez votre connexion à Internet.`, details);
    case 'ECONNRESET':
    case 'EPIPE':
      return new PliError('connection_lost', `La connexion au serveur ${what} ${host} a été coupée. Réessayez dans un instant.`, details);
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
    case 'CONNECT_TIMEOUT':
    case 'GREETING_TIMEOUT':
    case 'UPGRADE_TIMEOUT':
      return new PliError('timeout', `Le serveur ${what} ${host} ne répond pas (délai dépassé). Réessayez plus tard.`, details);
    default:
      return null;
  }
}
