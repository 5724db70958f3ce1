import { PliError } from '../../shared/errors';
import type { Security } from './tls-probe';

/**
 * Mail account settings (no secrets: the password lives in the encrypted mailbox and is passed to the
 * clients at connection time). Plain types; the contract layer validates what crosses IPC.
 */

export interface ServerEndpoint {
  host: string;
  port: number;
  security: Security;
}

export interface Pop3Settings extends ServerEndpoint {
  protocol: 'pop3';
  user: string;
  /** Delete from the server N days after the letter is safely stored; null = keep (default). */
  deleteAfterDays: number | null;
}

export interface ImapSettings extends ServerEndpoint {
  protocol: 'imap';
  user: string;
}

export interface SmtpSettings extends ServerEndpoint {
  user: string;
}

export type AccountPreset = 'apicrypt-classique' | 'generique';

export interface MailAccount {
  /** The user's APICRYPT (or other) address, also the envelope sender. */
  address: string;
  displayName?: string;
  preset: AccountPreset;
  incoming: Pop3Settings | ImapSettings;
  outgoing: SmtpSettings;
}

export const PRESET_LABELS: Record<AccountPreset, string> = {
  'apicrypt-classique': 'APICRYPT classique',
  generique: 'générique',
};

/**
 * Default APICRYPT servers. The classic service is a POP3 mailbox (port 110, STLS) and SMTP submission
 * (port 587, STARTTLS + AUTH); the host names are overridable because providers differ.
 */
export const APICRYPT_DEFAULT_HOSTS = { incoming: 'pop.apicrypt.org', outgoing: 'smtp.apicrypt.org' };

export function localPart(address: string): string {
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(0, at) : address;
}

export function checkAddress(address: string): string {
  const a = address.trim();
  if (!/^[^\s@,;<>"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(a)) {
    throw new PliError('account_bad_address', `L’adresse « ${a} » n’est pas une adresse de messagerie valide (exemple : prenom.NOM@medical75.apicrypt.org).`, { address: a });
  }
  return a;
}

/** "APICRYPT classique": POP3 110 with STLS + SMTP 587 with STARTTLS, user name = local part. */
export function apicryptClassicAccount(address: string, hosts: { incoming?: string; outgoing?: string } = {}): MailAccount {
  const a = checkAddress(address);
  const user = localPart(a);
  return {
    address: a,
    preset: 'apicrypt-classique',
    incoming: { protocol: 'pop3', host: hosts.incoming ?? APICRYPT_DEFAULT_HOSTS.incoming, port: 110, security: 'starttls', user, deleteAfterDays: null },
    outgoing: { host: hosts.outgoing ?? APICRYPT_DEFAULT_HOSTS.outgoing, port: 587, security: 'starttls', user },
  };
}

/** A generic account: the user gives every server; ports default from the protocol and security. */
export function genericAccount(input: {
  address: string;
  protocol: 'pop3' | 'imap';
  incomingHost: string;
  incomingSecurity?: Security;
  incomingPort?: number;
  outgoingHost: string;
  outgoingSecurity?: Security;
  outgoingPort?: number;
  user?: string;
}): MailAccount {
  const a = checkAddress(input.address);
  const user = input.user ?? a;
  const inSec = input.incomingSecurity ?? 'tls';
  const outSec = input.outgoingSecurity ?? 'starttls';
  const inPort = input.incomingPort ?? defaultPort(input.protocol, inSec);
  const incoming: Pop3Settings | ImapSettings =
    input.protocol === 'pop3'
      ? { protocol: 'pop3', host: input.incomingHost, port: inPort, security: inSec, user, deleteAfterDays: null }
      : { protocol: 'imap', host: input.incomingHost, port: inPort, security: inSec, user };
  return {
    address: a,
    preset: 'generique',
    incoming,
    outgoing: { host: input.outgoingHost, port: input.outgoingPort ?? defaultPort('smtp', outSec), security: outSec, user },
  };
}

export function defaultPort(protocol: 'pop3' | 'imap' | 'smtp', security: Security): number {
  if (protocol === 'pop3') return security === 'tls' ? 995 : 110;
  if (protocol === 'imap') return security === 'tls' ? 993 : 143;
  return security === 'tls' ? 465 : 587;
}
