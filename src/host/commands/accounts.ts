import type { HostContext } from '../context';
import { accountForTransport, listAccounts, mailTrust, saveAccount } from '../mail/accounts';
import { testConnection } from '../transport/connection-test';
import type { HandlerGroup } from './types';

/** Mail accounts: list, save (password kept in the mailbox), and the step-by-step connection test. */
export function accountHandlers(ctx: HostContext): HandlerGroup {
  const mailbox = () => ctx.sessions.get().mailbox;
  return {
    'accounts.list': async () => ({ accounts: await listAccounts(mailbox()) }),
    'accounts.save': async ({ account, password }) => {
      const saved = await saveAccount(mailbox(), account, password);
      await mailbox().audit('user', 'accounts.save', saved.address);
      // The session's send and receive services read accounts when they start: restart them.
      await ctx.sessions.get().restartMail();
      return saved;
    },
    'accounts.test': async ({ id }) => {
      const t = await accountForTransport(mailbox(), id);
      const result = await testConnection({ ...t, trust: mailTrust(mailbox()), logger: ctx.log.child('connection-test') });
      return {
        steps: result.steps.map((s) => ({ step: `${s.server}.${s.step}`, ok: s.ok, ms: Math.round(s.ms), message_fr: s.message_fr })),
      };
    },
  };
}
