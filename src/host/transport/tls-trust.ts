import { X509Certificate } from 'node:crypto';
import tls, { type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { PliError } from '../../shared/errors';

/**
 * Server certificate trust. A certificate is accepted when it chains to a system root or to one of the
 * extra CA PEMs, or when the user explicitly accepted (pinned) this exact certificate for this server.
 * A pinned server that presents another certificate is refused ('tls_changed'): the user must look again.
 *
 * The check runs inside Node's handshake (ca + checkServerIdentity), so a client library never sends a
 * password over a connection we did not accept. Details for the user (fingerprint, subject, issuer) come
 * from a second, data-free probe connection, made only after a failure.
 */

export interface PinnedCertificate {
  /** SHA-256 fingerprint, colon-separated uppercase hex (Node's `fingerprint256`). */
  fingerprint256: string;
  /** The server certificate itself, PEM, so that it can serve as a partial trust anchor. */
  certPem: string;
  subject: string;
  issuer: string;
  acceptedAt: string;
}

/** Per-server pins; the mailbox persists them. Sync or async implementations are both fine. */
export interface PinStore {
  get(host: string, port: number): PinnedCertificate | undefined | Promise<PinnedCertificate | undefined>;
  set(host: string, port: number, pin: PinnedCertificate): void | Promise<void>;
}

export class MemoryPinStore implements PinStore {
  private readonly pins = new Map<string, PinnedCertificate>();
  get(host: string, port: number): PinnedCertificate | undefined {
    return this.pins.get(`${host.toLowerCase()}:${port}`);
  }
  set(host: string, port: number, pin: PinnedCertificate): void {
    this.pins.set(`${host.toLowerCase()}:${port}`, pin);
  }
}

/** What the user is shown about a certificate before accepting it. */
export interface CertificateInfo {
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  certPem: string;
}

/** TLS options for one connection, plus what the handshake check found (read after a failure). */
export interface TrustSession {
  tls: ConnectionOptions;
  /** The refusal raised inside the handshake (pin mismatch), if any. */
  rejection(): PliError | undefined;
}

export type ProbeFn = () => Promise<CertificateInfo>;

const CERT_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'CERT_REVOKED',
]);

const PIN_MARK = Symbol('pliTlsRejection');

function pemOf(raw: Buffer): string {
  const b64 = raw.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}

function dnString(dn: unknown): string {
  if (!dn || typeof dn !== 'object') return '';
  return Object.entries(dn as Record<string, string | string[]>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

export function certificateInfo(cert: PeerCertificate): CertificateInfo {
  return {
    fingerprint256: cert.fingerprint256,
    subject: dnString(cert.subject),
    issuer: dnString(cert.issuer),
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    certPem: pemOf(cert.raw),
  };
}

/** Fingerprint of a PEM certificate in the same notation as Node's `fingerprint256`. */
export function fingerprintOfPem(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** True when an error thrown by a TLS connection (or a library on top of one) is about the certificate. */
export function isCertificateError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; [PIN_MARK]?: unknown };
  if (e[PIN_MARK]) return true;
  if (typeof e.code === 'string' && CERT_ERROR_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && /certificate|self[- ]signed|altnames|verify the first/i.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isCertificateError(e.cause);
}

function reasonFr(err: unknown): string {
  const code = (err as { code?: string } | undefined)?.code ?? '';
  const msg = String((err as { message?: string } | undefined)?.message ?? '');
  if (code === 'CERT_HAS_EXPIRED' || /expired/i.test(msg)) return 'le certificat a expiré';
  if (code === 'CERT_NOT_YET_VALID') return 'le certificat n’est pas encore valide';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altnames|hostname/i.test(msg)) return 'le certificat ne porte pas le nom de ce serveur';
  if (/self[- ]signed/i.test(msg) || code.includes('SELF_SIGNED')) return 'le certificat est auto-signé';
  return 'le certificat n’est signé par aucune autorité reconnue';
}

export class TlsTrust {
  private readonly ca: string[];
  private readonly pins: PinStore;

  constructor(opts: { extraCaPems?: string[]; pins?: PinStore; useSystemCas?: boolean } = {}) {
    this.ca = [...(opts.useSystemCas === false ? [] : tls.rootCertificates), ...(opts.extraCaPems ?? [])];
    this.pins = opts.pins ?? new MemoryPinStore();
  }

  /** Builds the TLS options for one connection to host:port. */
  async session(host: string, port: number): Promise<TrustSession> {
    const pin = await this.pins.get(host, port);
    let rejection: PliError | undefined;
    const checkServerIdentity = (name: string, cert: PeerCertificate): Error | undefined => {
      if (pin) {
        if (cert.fingerprint256 === pin.fingerprint256) return undefined;
        rejection = changedError(host, port, pin, certificateInfo(cert));
        return Object.assign(new Error(rejection.message), { code: 'PLI_TLS_CHANGED', [PIN_MARK]: true });
      }
      return tls.checkServerIdentity(name, cert);
    };
    const options: ConnectionOptions = {
      ca: pin ? [...this.ca, pin.certPem] : this.ca,
      // Lets the pinned certificate itself act as trust anchor even when its issuer is unknown.
      allowPartialTrustChain: pin !== undefined,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      checkServerIdentity,
    };
    if (!isIp(host)) options.servername = host;
    return { tls: options, rejection: () => rejection };
  }

  /**
   * Turns a failed connection into the error the user sees. Certificate failures are explained with a
   * probe (fingerprint, subject, issuer); anything else is returned unchanged (null).
   */
  async explain(host: string, port: number, session: TrustSession, err: unknown, probe: ProbeFn): Promise<PliError | null> {
    const rejected = session.rejection();
    if (rejected) return rejected;
    if (!isCertificateError(err)) return null;
    let info: CertificateInfo;
    try {
      info = await probe();
    } catch (probeErr) {
      return new PliError(
        'tls_untrusted',
        `Le certificat du serveur ${host}:${port} n’est pas reconnu (${reasonFr(err)}) et n’a pas pu être lu. Vérifiez l’adresse du serveur.`,
        { host, port, reason: String((err as Error).message ?? err), probe: String((probeErr as Error).message ?? probeErr) },
      );
    }
    const pin = await this.pins.get(host, port);
    if (pin && pin.fingerprint256 !== info.fingerprint256) return changedError(host, port, pin, info);
    return new PliError(
      'tls_untrusted',
      `Le certificat du serveur ${host}:${port} n’est pas reconnu : ${reasonFr(err)}. Comparez son empreinte SHA-256 avec celle que vous a donnée votre fournisseur, puis acceptez-le seulement si elles sont identiques.`,
      { host, port, fingerprint256: info.fingerprint256, subject: info.subject, issuer: info.issuer, validFrom: info.validFrom, validTo: info.validTo, certPem: info.certPem, reason: String((err as Error).message ?? err) },
    );
  }

  /** The user's explicit choice: trust this exact certificate for this server from now on. */
  async accept(host: string, port: number, info: Pick<CertificateInfo, 'fingerprint256' | 'certPem' | 'subject' | 'issuer'>): Promise<PinnedCertificate> {
    if (fingerprintOfPem(info.certPem) !== info.fingerprint256) {
      throw new PliError('tls_pin_mismatch', 'L’empreinte ne correspond pas au certificat présenté. Relancez le test de connexion.', { host, port });
    }
    const pin: PinnedCertificate = { fingerprint256: info.fingerprint256, certPem: info.certPem, subject: info.subject, issuer: info.issuer, acceptedAt: new Date().toISOString() };
    await this.pins.set(host, port, pin);
    return pin;
  }
}

function changedError(host: string, port: number, pin: PinnedCertificate, now: CertificateInfo): PliError {
  return new PliError(
    'tls_changed',
    `Le certificat du serveur ${host}:${port} a changé depuis que vous l’avez accepté. La connexion est refusée : cela peut être un renouvellement normal ou une interception. Contactez votre fournisseur avant d’accepter le nouveau certificat.`,
    { host, port, pinnedFingerprint256: pin.fingerprint256, fingerprint256: now.fingerprint256, subject: now.subject, issuer: now.issuer, certPem: now.certPem },
  );
}

export function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
