import { randomBytes } from 'node:crypto';
import { decide, type Target } from '../../core/routing/policy';
import { Draft } from '../../shared/domain';
import { PliError } from '../../shared/errors';
import type { HostContext } from '../context';
import { policyContext } from '../group/practice';
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
    'compose.send': async ({ draft, onBehalfOf }) => {
      const session = ctx.sessions.get();
      // (A session without group support, as some tests build, is an individual practice.)
      const g = (session as Partial<Session>).group;
      const practice = g ? await g.practice() : undefined;
      const inGroup = g !== undefined && practice?.mode === 'group';
      if (onBehalfOf !== undefined && !inGroup) {
        throw new PliError('not_group_practice', 'L’envoi « pour le compte de » un médecin n’existe qu’en cabinet de groupe.');
      }
      // Group practice: who sends, in whose name, and who signs, go through the policy (and the audit log).
      let sendTarget: Target | undefined;
      let sendDetails: Record<string, unknown> = {};
      if (inGroup) {
        const access = await g!.access();
        const doctorId = onBehalfOf ?? g.actor.doctorId;
        if (onBehalfOf !== undefined && !practice.doctors.some((d) => d.id === onBehalfOf)) {
          throw new PliError('doctor_unknown', 'Ce médecin ne fait pas partie du cabinet : vérifiez Paramètres > Cabinet de groupe.', { doctorId: onBehalfOf });
        }
        if (draft.sign) {
          let card: { present: boolean; rpps?: string } | undefined;
          if (g.actor.role === 'doctor') {
            try {
              card = ctx.card.status(null);
            } catch {
              card = undefined;
            }
          }
          if (g.actor.role === 'doctor' && !card?.present) {
            throw new PliError('card_absent', 'Insérez votre carte CPS dans le lecteur pour signer ce courrier, ou décochez « Signer ».');
          }
          await access.authorize(g.actor, 'letter.sign', { ref: 'nouveau-courrier', ...(doctorId ? { doctorId } : {}), ...(card?.rpps ? { card: { rpps: card.rpps } } : {}) });
        }
        sendTarget = { ...(doctorId ? { doctorId } : {}) };
        sendDetails = onBehalfOf ? { onBehalfOf, preparedBy: g.actor.id } : {};
        const d = decide(g.actor, 'letter.send', sendTarget, policyContext(practice));
        if (!d.allowed) await access.authorize(g.actor, 'letter.send', { ref: 'nouveau-courrier', ...sendTarget }, sendDetails); // audits, throws
        // One writer of the group key: refused while another workstation holds it.
        await g.assertGroupKey();
      }
      const pipeline = pipelineOf(session);
      if (!pipeline) {
        throw new PliError('account_missing', 'Aucun compte d’envoi n’est configuré : ajoutez votre compte APICRYPT dans les paramètres, puis renvoyez le courrier.');
      }
      const { letterId, warnings } = await pipeline.queue(draft);
      if (inGroup && sendTarget) await (await g.access()).authorize(g.actor, 'letter.send', { ref: `letter:${letterId}`, ...sendTarget }, sendDetails);
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

