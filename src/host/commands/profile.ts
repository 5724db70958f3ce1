import { PliError } from '../../shared/errors';
import type { HostContext } from '../context';
import { changePersonPassword, listPeople, unlockAs, type Person } from '../profile/people';
import { changePassword, createProfile, profileExists, unlock, unlockWithRecoveryCode } from '../profile/profile';
import { Session } from '../session';
import { prepareStoreWorker, type PreparedStoreWorker } from '../store';
import type { HandlerGroup } from './types';

/** Creating, unlocking, recovering and locking the profile's encrypted mailbox. */
export function profileHandlers(ctx: HostContext): HandlerGroup {
  const open = async (dbKey: Buffer, person?: Person, prepared?: PreparedStoreWorker) => {
    await ctx.sessions.set(
      await Session.open(
        ctx.profileDir,
        dbKey,
        {
          log: ctx.logSink.logger('session'),
          card: ctx.card,
          resourcesDir: ctx.resourcesDir,
          emit: (e, p) => ctx.emit(e, p),
        },
        person,
        prepared,
      ),
    );
    // Group practice: each session opening is in the audit log (who, with which role).
    if (person) await ctx.sessions.get().mailbox.audit(person.id, 'session.open', undefined, { role: person.role });
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
    'profile.unlock': async ({ password, personId }) => {
      // The store's thread starts while the key is derived from the password (ended if it is wrong);
      // once given to the mailbox, the mailbox owns it.
      const prepared = prepareStoreWorker();
      let unlocked: { dbKey: Buffer; person?: Person };
      try {
        unlocked = personId === undefined ? { dbKey: await unlock(ctx.profileDir, password) } : await unlockAs(ctx.profileDir, personId, password);
      } catch (e) {
        await prepared.discard();
        throw e;
      }
      return open(unlocked.dbKey, unlocked.person, prepared);
    },
    // Names and roles only, for the sign-in screen of a group practice (callable while locked).
    'profile.people': () => ({
      people: profileExists(ctx.profileDir)
        ? listPeople(ctx.profileDir).map((p) => ({ id: p.id, name: p.name, role: p.role, ...(p.doctorId ? { doctorId: p.doctorId } : {}) }))
        : [],
    }),
    'profile.recover': async ({ recoveryCode, newPassword }) =>
      open(await unlockWithRecoveryCode(ctx.profileDir, recoveryCode, newPassword)),
    'profile.changePassword': async ({ oldPassword, newPassword }) => {
      // In a person's session (group practice) it is that person's own password that changes.
      const person = ctx.sessions.isOpen ? ctx.sessions.get().person : undefined;
      if (person) await changePersonPassword(ctx.profileDir, person.id, oldPassword, newPassword);
      else await changePassword(ctx.profileDir, oldPassword, newPassword);
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
