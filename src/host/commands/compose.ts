import { randomBytes } from 'node:crypto';
import { Draft } from '../../shared/domain';
import { PliError } from '../../shared/errors';
import type { HostContext } from '../context';
import { recordCorrespondents } from '../directory';
import type { SendPipeline } from '../mail/send';
import type { Session } from '../session';
import type { HandlerGroup } from './types';

/**
 * The session's send pipeline (built by the host from the session's KeyService, the account's SMTP
 * client and signer); undefined while no sending account is configured.
 */
export type PipelineOf = (session: Session) => SendPipeline | undefined;

/** Default: a `sendPipeline` the session may carry. */
const sessionPipeline: PipelineOf = (s) => (s as Session & { sendPipeline?: SendPipeline }).sendPipeline;

/** Compose: send (store in "À envoyer", then the pipeline runs in the background) and save drafts. */
export function composeHandlers(ctx: HostContext, pipelineOf: PipelineOf = sessionPipeline): HandlerGroup {
  const changed = (folderIds: string[]) => ctx.emit('letters.changed', { folderIds, newLetters: 0 });
  /** The folders a letter on its way goes through, so that a window showing one of them refreshes it. */
  const sendingFolders = async (session: Session): Promise<string[]> =>
    (await session.mailbox.listFolders()).filter((f) => f.role === 'outbox' || f.role === 'sent').map((f) => String(f.id));
  return {
    'compose.send': async ({ draft }) => {
      const session = ctx.sessions.get();
      const pipeline = pipelineOf(session);
      if (!pipeline) {
        throw new PliError('account_missing', 'Aucun compte d’envoi n’est configuré : ajoutez votre compte APICRYPT dans les paramètres, puis renvoyez le courrier.');
      }
      const { letterId, warnings } = await pipeline.queue(draft);
      await recordCorrespondents(session.mailbox, [...draft.to, ...(draft.cc ?? [])].map((address) => ({ address })));
      const folders = await sendingFolders(session);
      changed(folders);
      // The letter is safe in "À envoyer"; the network part must not hold the command (nor fail it).
      void pipeline
        .run()
        .then((r) => {
          changed(folders);
          if (r.stoppedBy) ctx.emit('notice', { level: 'warning', message_fr: r.stoppedBy });
        })
        .catch((e: unknown) => ctx.log.error('send run failed', { error: e }));
      return { letterId: String(letterId), warnings };
    },
    'compose.saveDraft': async ({ draft }) => {
      const mailbox = ctx.sessions.get().mailbox;
      // A draft may be incomplete; only what would refuse it at sending time is checked (and reported later).
      const parsed = Draft.parse(draft);
      const now = Date.now();
      const { ids } = await mailbox.insertLetters([
        {
          kind: 'draft',
          folder: 'drafts',
          subject: parsed.subject,
          text: parsed.text,
          recipients: [...parsed.to, ...parsed.cc],
          ...(parsed.patient
            ? { patient: { surname: parsed.patient.surname, firstName: parsed.patient.firstName, ...(parsed.patient.birthDate ? { birthDate: parsed.patient.birthDate } : {}) } }
            : {}),
          // The whole draft, to reopen it as it was (the mailbox is encrypted).
          payload: new TextEncoder().encode(JSON.stringify(parsed)),
          attachments: parsed.attachments.map((a) => ({ name: a.name, mime: a.mediaType, bytes: new Uint8Array(Buffer.from(a.base64, 'base64')) })),
          receivedAt: now,
          read: true,
          contentHash: new Uint8Array(randomBytes(32)),
        },
      ]);
      const id = ids[0];
      if (id === undefined || id === null) throw new PliError('draft_not_saved', 'Le brouillon n’a pas pu être enregistré. Réessayez.');
      changed([]);
      return { letterId: String(id) };
    },
  };
}

