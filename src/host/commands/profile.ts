import { PliError } from '../../shared/errors';
import type { HostContext } from '../context';
import { changePassword, createProfile, unlock, unlockWithRecoveryCode } from '../profile/profile';
import { Session } from '../session';
import type { HandlerGroup } from './types';

/** Creating, unlocking, recovering and locking the profile's encrypted mailbox. */
export function profileHandlers(ctx: HostContext): HandlerGroup {
  const open = async (dbKey: Buffer) => {
    await ctx.sessions.set(
      await Session.open(ctx.profileDir, dbKey, {
        log: ctx.logSink.logger('session'),
        card: ctx.card,
        resourcesDir: ctx.resourcesDir,
        emit: (e, p) => ctx.emit(e, p),
      }),
    );
    ctx.emit('profile.changed', { status: 'open' });
    return { status: 'open' as const };
  };
  return {
    'profile.create': async ({ password, confirmation }) => {
      if (password !== confirmation) {
        throw new PliError('password_mismatch', 'Les deux mots de passe ne sont pas identiques. Saisissez-les à nouveau.');
      }
      const { recoveryCode, dbKey } = await createProfile(ctx.profileDir, password);
      ctx.log.info('profile created');
      await open(dbKey);
      return { recoveryCode };
    },
    'profile.unlock': async ({ password }) => open(await unlock(ctx.profileDir, password)),
    'profile.recover': async ({ recoveryCode, newPassword }) =>
      open(await unlockWithRecoveryCode(ctx.profileDir, recoveryCode, newPassword)),
    'profile.changePassword': async ({ oldPassword, newPassword }) => {
      await changePassword(ctx.profileDir, oldPassword, newPassword);
      ctx.log.info('password changed');
      return { ok: true as const };
    },
    'profile.lock': async () => {
      await ctx.sessions.clear();
      ctx.emit('profile.changed', { status: 'locked' });
      return { status: 'locked' as const };
    },
  };
}
