/**
 * The block list: letters from a blocked sender go to the « Bloqués » folder (kept, never deleted), and
 * may be answered by an encrypted notice giving the reason.
 */

export type BlockReason = 'format' | 'unwanted' | 'other';

export const BLOCK_REASONS: Record<BlockReason, string> = {
  format: 'Format des messages inadapté',
  unwanted: 'Messages non désirés',
  other: 'Autre motif',
};

export const BLOCKED_FOLDER = 'Bloqués';

export interface BlockedSender {
  /** Normalised address as the user blocked it. */
  address: string;
  /** Matching key (see addressKey). */
  key: string;
  reason: BlockReason;
  /** Free text for « Autre motif » (shown in the notice when given). */
  note?: string;
  /** Answer each blocked letter with an encrypted notice. */
  notify: boolean;
  /** ISO 8601. */
  since: string;
}

export function isBlockReason(x: unknown): x is BlockReason {
  return x === 'format' || x === 'unwanted' || x === 'other';
}

/** Text of the notice sent back to a blocked sender (encrypted like any letter). */
export function blockNoticeText(b: Pick<BlockedSender, 'reason' | 'note'>, senderName?: string): string {
  const reason = b.reason === 'other' && b.note?.trim() ? b.note.trim() : BLOCK_REASONS[b.reason];
  return [
    'Bonjour,',
    '',
    `Votre message n’a pas été lu : ${senderName ? `${senderName} a bloqué` : 'le destinataire a bloqué'} les messages venant de votre adresse.`,
    `Motif : ${reason}.`,
    '',
    'Il est conservé et pourra être lu si le blocage est levé. Pour transmettre une information urgente, contactez le cabinet par un autre moyen.',
    '',
    'Message automatique envoyé par Pli.',
  ].join('\n');
}
