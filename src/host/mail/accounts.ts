import { readFileSync } from 'node:fs';
import type { Account } from '../../shared/domain';
import { PliError } from '../../shared/errors';
import type { MailAccount } from '../transport/accounts';
import { TlsTrust, type PinStore, type PinnedCertificate } from '../transport/tls-trust';
import type { Mailbox } from '../store/mailbox';

/**
 * Mail accounts as the contract shows them (one address: an incoming server and an SMTP server), kept
 * in the mailbox as two account rows plus this small index. Passwords stay in the mailbox and are read
 * only by the transport.
 */
interface AccountIndexEntry {
  id: string;
  address: string;
  preset: Account['preset'];
  incomingId: number;
  outgoingId: number;
}
const INDEX = 'accounts.index';
const PINS = 'tls.pins';

async function index(mailbox: Mailbox): Promise<AccountIndexEntry[]> {
  return ((await mailbox.getSetting(INDEX)) as AccountIndexEntry[] | undefined) ?? [];
}

export async function listAccounts(mailbox: Mailbox): Promise<Account[]> {
  const rows = new Map((await mailbox.listAccountRows()).map((r) => [r.id, r]));
  return (await index(mailbox)).flatMap((a) => {
    const inc = rows.get(a.incomingId);
    const out = rows.get(a.outgoingId);
    if (!inc || !out) return [];
    const sec = (s: string) => (s === 'starttls' ? 'starttls' : 'tls') as 'starttls' | 'tls';
    return [
      {
        id: a.id,
        address: a.address,
        preset: a.preset,
        incoming: { kind: inc.protocol === 'imap' ? 'imap' : 'pop3', host: inc.host, port: inc.port, security: sec(inc.security), user: inc.username },
        outgoing: { host: out.host, port: out.port, security: sec(out.security), user: out.username },
        hasPassword: inc.hasPassword && out.hasPassword,
      } satisfies Account,
    ];
  });
}

/** Creates or updates an account; the password (one for both servers, as APICRYPT accounts have) if given. */
export async function saveAccount(mailbox: Mailbox, account: Omit<Account, 'hasPassword' | 'id'> & { id?: string | undefined }, password?: string): Promise<Account> {
  const all = await index(mailbox);
  const existing = account.id ? all.find((a) => a.id === account.id) : undefined;
  if (account.id && !existing) throw new PliError('account_unknown', 'Ce compte de messagerie n’existe plus.');
  const incomingId = await mailbox.saveAccountRow({
    ...(existing ? { id: existing.incomingId } : {}),
    name: account.address,
    protocol: account.incoming.kind,
    host: account.incoming.host,
    port: account.incoming.port,
    username: account.incoming.user,
    security: account.incoming.security,
    ...(password !== undefined ? { password } : {}),
  });
  const outgoingId = await mailbox.saveAccountRow({
    ...(existing ? { id: existing.outgoingId } : {}),
    name: account.address,
    protocol: 'smtp',
    host: account.outgoing.host,
    port: account.outgoing.port,
    username: account.outgoing.user,
    security: account.outgoing.security,
    ...(password !== undefined ? { password } : {}),
  });
  const entry: AccountIndexEntry = { id: existing?.id ?? String(incomingId), address: account.address, preset: account.preset, incomingId, outgoingId };
  await mailbox.setSetting(INDEX, [...all.filter((a) => a.id !== entry.id), entry]);
  const saved = (await listAccounts(mailbox)).find((a) => a.id === entry.id);
  if (!saved) throw new PliError('internal', 'Erreur interne : compte non enregistré.');
  return saved;
}

/** The account with its passwords, for the transport only. */
export async function accountForTransport(mailbox: Mailbox, id: string): Promise<{ account: MailAccount; incomingPassword: string; outgoingPassword: string; incomingId: number }> {
  const entry = (await index(mailbox)).find((a) => a.id === id);
  if (!entry) throw new PliError('account_unknown', 'Ce compte de messagerie n’existe plus. Vérifiez vos comptes dans les paramètres.');
  const inc = await mailbox.receiveAccount(entry.incomingId);
  const out = await mailbox.receiveAccount(entry.outgoingId);
  if (!inc || !out) throw new PliError('account_unknown', 'Ce compte de messagerie est incomplet : enregistrez-le à nouveau dans les paramètres.');
  if (!inc.password || !out.password) {
    throw new PliError('account_password_missing', `Le mot de passe du compte ${entry.address} n’est pas enregistré : saisissez-le dans les paramètres.`);
  }
  const sec = (s: string) => (s === 'starttls' ? 'starttls' : 'tls') as 'starttls' | 'tls';
  return {
    incomingId: entry.incomingId,
    incomingPassword: inc.password,
    outgoingPassword: out.password,
    account: {
      address: entry.address,
      preset: entry.preset === 'apicrypt' ? 'apicrypt-classique' : 'generique',
      incoming:
        inc.protocol === 'imap'
          ? { protocol: 'imap', host: inc.host, port: inc.port, security: sec(inc.security), user: inc.username }
          : { protocol: 'pop3', host: inc.host, port: inc.port, security: sec(inc.security), user: inc.username, deleteAfterDays: null },
      outgoing: { host: out.host, port: out.port, security: sec(out.security), user: out.username },
    },
  };
}

/** Certificates the user accepted explicitly, per server, kept in the mailbox. */
export class MailboxPinStore implements PinStore {
  constructor(private readonly mailbox: Mailbox) {}
  async get(host: string, port: number): Promise<PinnedCertificate | undefined> {
    const pins = ((await this.mailbox.getSetting(PINS)) as Record<string, PinnedCertificate> | undefined) ?? {};
    return pins[`${host.toLowerCase()}:${port}`];
  }
  async set(host: string, port: number, pin: PinnedCertificate): Promise<void> {
    const pins = ((await this.mailbox.getSetting(PINS)) as Record<string, PinnedCertificate> | undefined) ?? {};
    await this.mailbox.setSetting(PINS, { ...pins, [`${host.toLowerCase()}:${port}`]: pin });
  }
}

/**
 * Server certificate trust: the system's authorities, those of NODE_EXTRA_CA_CERTS (Node's usual way to
 * add an organisation's authority), and the certificates the user pinned.
 */
export function mailTrust(mailbox: Mailbox): TlsTrust {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  let extraCaPems: string[] = [];
  if (extra) {
    try {
      extraCaPems = [readFileSync(extra, 'utf8')];
    } catch {
      extraCaPems = [];
    }
  }
  return new TlsTrust({ extraCaPems, pins: new MailboxPinStore(mailbox) });
}
