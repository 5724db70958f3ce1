import type { HostContext } from '../context';
import type { RememberedCard } from '../signing';
import type { HandlerGroup } from './types';

const REMEMBERED = 'card.remembered';

/** The CPS card: presence, holder, PIN login; the first card used is remembered with the profile. */
export function cardHandlers(ctx: HostContext): HandlerGroup {
  const remembered = async (): Promise<RememberedCard[]> =>
    ctx.sessions.isOpen ? (((await ctx.sessions.get().mailbox.getSetting(REMEMBERED)) as RememberedCard[] | undefined) ?? []) : [];
  const status = async () => ctx.card.status((await remembered()).at(-1) ?? null);
  return {
    'card.status': status,
    'card.login': async ({ pin }) => {
      const card = ctx.card.login(pin);
      if (card && ctx.sessions.isOpen) {
        const known = await remembered();
        // Old certificates stay, so that letters signed with a previous card still verify.
        if (!known.some((k) => k.fingerprintSha256 === card.fingerprintSha256)) {
          await ctx.sessions.get().mailbox.setSetting(REMEMBERED, [...known, card]);
          await ctx.sessions.get().mailbox.audit('user', 'card.remember', card.nationalId ?? undefined);
        }
      }
      return status();
    },
  };
}
