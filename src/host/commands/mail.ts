import { PliError } from '../../shared/errors';
import type { HostContext } from '../context';
import { detectKeyMedia } from '../key-media';
import { summaryView } from '../views';
import type { HandlerGroup } from './types';

const letterId = (id: string): number => {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new PliError('not_found', 'Courrier introuvable.');
  return n;
};

/** "Relever", retrying unreadable letters, re-exporting to the drop folder, attachments, key media. */
export function mailHandlers(ctx: HostContext): HandlerGroup {
  const session = () => ctx.sessions.get();
  return {
    'mail.sync': async () => {
      const r = await session().mail.sync();
      ctx.emit('letters.changed', { folderIds: [], newLetters: r.received });
      return r;
    },
    'letters.retry': async ({ id }) => {
      await session().mail.retryReview();
      const letter = await session().mailbox.getLetter(letterId(id));
      if (!letter) throw new PliError('not_found', 'Ce courrier n’existe plus.');
      await session().group.assertOpen(letter.folderId);
      ctx.emit('letters.changed', { folderIds: [], newLetters: 0 });
      return summaryView(letter, letter.recipients);
    },
    'letters.export': async ({ id }) => {
      if (!session().exports.active) {
        throw new PliError('export_not_configured', 'Aucun dossier de dépôt n’est activé : choisissez le dossier de votre logiciel métier dans les paramètres.');
      }
      const g = session().group;
      if (await g.isGroup()) {
        // Group practice: a letter goes to its doctor's practice software only, once attributed.
        const letter = await session().mailbox.getLetter(letterId(id));
        if (!letter) throw new PliError('not_found', 'Ce courrier n’existe plus.');
        const access = await g.access();
        await access.authorize(g.actor, 'letter.export', { ref: `letter:${id}`, folder: await access.letterScope(letter) });
        const profile = await g.dropProfileOf(letter.folderId);
        if (!profile || !session().exports.has(profile)) {
          throw new PliError(
            'export_no_doctor_folder',
            'Ce courrier n’est rangé chez aucun médecin ayant un dossier de dépôt actif : attribuez-le d’abord à un médecin, ou réglez son logiciel métier dans Paramètres > Cabinet de groupe.',
          );
        }
        await session().exports.exportLetter(letter.id, [profile]);
        return { ok: true as const };
      }
      await session().exports.exportLetter(letterId(id));
      await session().mailbox.audit('user', 'letters.export', id);
      return { ok: true as const };
    },
    'letters.attachment': async ({ letterId: lid, attachmentId }) => {
      const g = session().group;
      const letter = (await g.isGroup()) ? await (await g.access()).readLetter(g.actor, letterId(lid)) : await session().mailbox.getLetter(letterId(lid));
      const meta = letter?.attachments.find((a) => String(a.id) === attachmentId);
      const file = meta ? await session().mailbox.getAttachment(meta.id) : undefined;
      if (!file) throw new PliError('not_found', 'Cette pièce jointe est introuvable.');
      return { name: file.name, mediaType: file.mime, base64: Buffer.from(file.bytes).toString('base64') };
    },
    'keys.detectMedia': async () => ({ candidates: await detectKeyMedia() }),
  };
}
