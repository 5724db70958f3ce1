import type { HostContext } from '../context';
import type { HandlerGroup } from './types';

/** App identity, profile status and settings: available before the mailbox is unlocked. */
export function appHandlers(ctx: HostContext): HandlerGroup {
  return {
    'app.info': () => ({ name: 'Pli', version: ctx.version, shell: ctx.shell }),
    'profile.status': () => ({ status: ctx.profileStatus() }),
    'settings.get': () => ctx.settings.get(),
    'settings.update': ({ patch }) => {
      const next = ctx.settings.update(patch);
      ctx.emit('settings.changed', next);
      return next;
    },
  };
}
