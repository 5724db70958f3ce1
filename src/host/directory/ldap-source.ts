/**
 * An LDAP directory (annuaire d'établissement, de GHT, of a regional health network) read with ldapts:
 * anonymous or simple bind, ldaps:// or StartTLS with an extra CA, paged searches (RFC 2696) so that a
 * server size limit does not cut results. Filters come from core/directory's buildLdapFilter, where every
 * value typed by the user is escaped.
 */
import { Client, InvalidCredentialsError, InvalidDNSyntaxError, NoSuchObjectError, SizeLimitExceededError } from 'ldapts';
import { isIP } from 'node:net';
import { rootCertificates, type ConnectionOptions } from 'node:tls';
import { buildLdapFilter, escapeFilterValue, LDAP_ATTRIBUTES, mapLdapEntry, type DirectoryEntry, type LdapQuery, type SourceId } from '../../core/directory';
import { PliError } from '../../shared/errors';
import { silentLogger, type Logger } from '../log/logger';

export interface LdapSourceConfig {
  /** Short id; the source id becomes 'ldap:<id>'. */
  id: string;
  label?: string;
  /** ldap://host[:port] or ldaps://host[:port]. */
  url: string;
  baseDn: string;
  /** Absent: anonymous. */
  bind?: { dn: string; password: string };
  /** For ldap:// only: upgrade with StartTLS before binding. */
  startTls?: boolean;
  /** Extra trusted CA certificates (PEM), added to the system ones. */
  caPem?: string | string[];
  /** Default 10 s: per connection and per operation. */
  timeoutMs?: number;
  /** Default 200. */
  pageSize?: number;
  objectClass?: string;
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG',
]);
const NET_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

function errorCode(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** Any failure of ldapts or of the socket, as a PliError with a French message saying what to check. */
export function ldapError(e: unknown, cfg: Pick<LdapSourceConfig, 'url' | 'baseDn'>): PliError {
  if (e instanceof PliError) return e;
  const details = { url: cfg.url };
  const code = errorCode(e);
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof InvalidCredentialsError) {
    return new PliError(
      'ldap_invalid_credentials',
      'L’annuaire LDAP a refusé l’identifiant ou le mot de passe. Vérifiez le compte de connexion (DN) et le mot de passe dans les réglages de l’annuaire, ou laissez-les vides pour une connexion anonyme.',
      details, { cause: e },
    );
  }
  if (e instanceof InvalidDNSyntaxError) {
    return new PliError('ldap_invalid_dn', 'Le compte de connexion (DN) ou la base de recherche de l’annuaire LDAP est mal écrit (exemple : cn=lecteur,dc=exemple,dc=fr).', details, { cause: e });
  }
  if (e instanceof NoSuchObjectError) {
    return new PliError('ldap_base_not_found', `La base de recherche « ${cfg.baseDn} » n’existe pas sur ce serveur LDAP. Vérifiez-la dans les réglages de l’annuaire.`, details, { cause: e });
  }
  if ((code && TLS_CODES.has(code)) || /certificate|self.signed|SSL|TLS|wrong version/i.test(msg)) {
    return new PliError(
      'ldap_tls',
      'La connexion sécurisée (TLS) à l’annuaire LDAP a échoué : le certificat du serveur n’est pas reconnu ou ne correspond pas à son nom. Ajoutez le certificat de l’autorité (CA) de l’annuaire dans ses réglages, ou vérifiez l’adresse du serveur.',
      { ...details, reason: code ?? 'tls' }, { cause: e },
    );
  }
  if ((code && NET_CODES.has(code)) || /timeout|timed out|connect|closed/i.test(msg)) {
    return new PliError(
      'ldap_unreachable',
      `Le serveur d’annuaire ${cfg.url} ne répond pas. Vérifiez l’adresse et le port, votre connexion au réseau, ou réessayez plus tard ; les résultats déjà enregistrés restent disponibles hors ligne.`,
      { ...details, reason: code ?? 'timeout' }, { cause: e },
    );
  }
  return new PliError('ldap_failed', 'L’annuaire LDAP a renvoyé une erreur. Réessayez ; si cela persiste, transmettez le journal de Pli à votre support.', { ...details, reason: msg.slice(0, 200) }, { cause: e });
}

export class LdapDirectorySource {
  readonly sourceId: SourceId;
  private readonly log: Logger;

  constructor(readonly config: LdapSourceConfig, logger: Logger = silentLogger) {
    if (!/^ldaps?:\/\/[^\s/]+\/?$/i.test(config.url)) {
      throw new PliError('ldap_bad_url', `L’adresse d’annuaire « ${config.url} » n’est pas valide : elle s’écrit ldap://serveur:389 ou ldaps://serveur:636.`);
    }
    if (!config.baseDn.trim()) throw new PliError('ldap_no_base', 'Indiquez la base de recherche de l’annuaire (par exemple dc=annuaire,dc=exemple,dc=fr).');
    this.sourceId = `ldap:${config.id}`;
    this.log = logger.child('directory.ldap');
  }

  private tlsOptions(): ConnectionOptions {
    const ca = this.config.caPem === undefined ? [] : Array.isArray(this.config.caPem) ? this.config.caPem : [this.config.caPem];
    // Extra CAs are added to Node's bundled ones, never replace verification.
    const opts: ConnectionOptions = { rejectUnauthorized: true, minVersion: 'TLSv1.2' };
    if (ca.length) {
      opts.ca = [...ca, ...rootCertificates];
    }
    return opts;
  }

  /** Connects (and binds) a fresh client; the caller unbinds. */
  private async connect(): Promise<Client> {
    const timeout = this.config.timeoutMs ?? 10_000;
    const secure = this.config.url.toLowerCase().startsWith('ldaps://');
    // ldapts goes TLS as soon as tlsOptions are given: pass them only for ldaps://.
    const client = new Client({ url: this.config.url, timeout, connectTimeout: timeout, strictDN: true, ...(secure ? { tlsOptions: this.tlsOptions() } : {}) });
    try {
      if (this.config.startTls && !secure) {
        const host = new URL(this.config.url).hostname;
        await client.startTLS({ ...this.tlsOptions(), ...(isIP(host) ? {} : { servername: host }) });
      }
      if (this.config.bind) await client.bind(this.config.bind.dn, this.config.bind.password);
      return client;
    } catch (e) {
      await client.unbind().catch(() => {});
      throw ldapError(e, this.config);
    }
  }

  /** Connects, binds and reads the base entry: what the settings screen's « Tester » button does. */
  async test(): Promise<void> {
    const client = await this.connect();
    try {
      await client.search(this.config.baseDn, { scope: 'base', attributes: ['1.1'] });
    } catch (e) {
      throw ldapError(e, this.config);
    } finally {
      await client.unbind().catch(() => {});
    }
  }

  /**
   * Entries matching the query (every page, up to `max`); the whole directory when `query` is undefined
   * (for an offline copy).
   */
  async search(query: LdapQuery | undefined, max = 1000): Promise<DirectoryEntry[]> {
    const objectClass = this.config.objectClass ?? 'inetOrgPerson';
    const filter = query === undefined ? `(objectClass=${escapeFilterValue(objectClass)})` : buildLdapFilter(query, objectClass);
    if (!filter) return [];
    const t0 = Date.now();
    const client = await this.connect();
    const out: DirectoryEntry[] = [];
    try {
      const pages = client.searchPaginated(this.config.baseDn, {
        scope: 'sub',
        filter,
        attributes: LDAP_ATTRIBUTES,
        paged: { pageSize: this.config.pageSize ?? 200 },
        timeLimit: Math.ceil((this.config.timeoutMs ?? 10_000) / 1000),
      });
      for await (const page of pages) {
        for (const raw of page.searchEntries) {
          const e = mapLdapEntry(raw, this.sourceId);
          if (e) out.push(e);
        }
        if (out.length >= max) break;
      }
    } catch (e) {
      // A server without paging support still returns what fits its size limit.
      if (!(e instanceof SizeLimitExceededError) || out.length === 0) throw ldapError(e, this.config);
    } finally {
      await client.unbind().catch(() => {});
    }
    this.log.debug('ldap search', { source: this.sourceId, results: out.length, ms: Date.now() - t0 });
    return out.slice(0, max);
  }
}
