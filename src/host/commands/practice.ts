import { join } from 'node:path';
import type { PracticeProfileView } from '../../shared/domain';
import type { HostContext } from '../context';
import type { Mailbox } from '../store/mailbox';
import { loadProfiles, validateProfile, type PracticeProfile } from '../practice';
import type { HandlerGroup } from './types';

export const PRACTICE_SETTING = 'practice.profiles';

const toView = (p: PracticeProfile, extra: { enabled: boolean; outgoingFolder?: string }): PracticeProfileView => ({
  id: p.id,
  name: p.name_fr,
  folder: p.folder,
  fileNamePattern: p.fileNamePattern,
  extension: p.extension,
  charset: p.charset,
  lineEnd: p.lineEnd,
  line13: p.line13,
  line1: p.line1,
  okFile: p.okFile,
  ...extra,
});

/** The practice software's drop folders, kept in the mailbox; the shipped profiles until the user saves one. */
export async function practiceProfiles(mailbox: Mailbox, resourcesDir: string): Promise<PracticeProfileView[]> {
  const saved = (await mailbox.getSetting(PRACTICE_SETTING)) as PracticeProfileView[] | undefined;
  if (saved) return saved;
  return loadProfiles(join(resourcesDir, 'practice-profiles')).map((p) => toView(p, { enabled: false }));
}

export function practiceHandlers(ctx: HostContext): HandlerGroup {
  return {
    'practice.list': async () => ({ profiles: await practiceProfiles(ctx.sessions.get().mailbox, ctx.resourcesDir) }),
    'practice.save': async ({ profile }) => {
      // The drop-folder rules (pattern tokens, extension, charset) are checked by the exporter's validator.
      const { enabled, outgoingFolder, name, ...rest } = profile;
      const checked = toView(validateProfile({ ...rest, name_fr: name }, name), {
        enabled,
        ...(outgoingFolder ? { outgoingFolder } : {}),
      });
      const all = await practiceProfiles(ctx.sessions.get().mailbox, ctx.resourcesDir);
      const next = [...all.filter((p) => p.id !== checked.id), checked];
      await ctx.sessions.get().mailbox.setSetting(PRACTICE_SETTING, next);
      await ctx.sessions.get().mailbox.audit('user', 'practice.save', checked.id);
      await ctx.sessions.get().restartMail();
      return checked;
    },
  };
}
