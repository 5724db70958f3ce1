import { PliError } from '../../../shared/errors';
import type { MailboxApi } from '../../store/protocol';
import type { ReceiveAccount } from './pipeline';

/** Setting (in the mailbox) holding the POP3 deletion delay of an account, in days; absent/null = keep. */
export const deleteAfterDaysKey = (accountId: number) => `accounts.${accountId}.deleteAfterDays`;

/** Reads an account's incoming settings and password from the encrypted mailbox. */
export async function loadReceiveAccount(mailbox: Pick<MailboxApi, 'receiveAccount' | 'getSetting'>, id: number): Promise<ReceiveAccount> {
  const row = await mailbox.receiveAccount(id);
  if (!row) throw new PliError('account_unknown', 'Ce compte de messagerie n’existe plus. Vérifiez vos comptes dans les réglages.', { id });
  if (row.protocol !== 'pop3' && row.protocol !== 'imap') {
    throw new PliError('account_not_incoming', `Le compte « ${row.name} » n’est pas un compte de réception (POP3 ou IMAP).`, { id });
  }
  if (!row.password) {
    throw new PliError('account_password_missing', `Le mot de passe du compte « ${row.name} » n’est pas enregistré : saisissez-le dans les réglages du compte.`, { id });
  }
  const days = (await mailbox.getSetting(deleteAfterDaysKey(id))) as number | null | undefined;
  return {
    id: String(row.id),
    protocol: row.protocol,
    host: row.host,
    port: row.port,
    security: row.security === 'starttls' ? 'starttls' : 'tls',
    user: row.username,
    password: row.password,
    deleteAfterDays: typeof days === 'number' ? days : null,
  };
}
