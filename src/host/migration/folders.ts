import type { FolderRole } from '../store/schema';

/** Names legacy clients and webmail exports give their system folders (compared without case/accents). */
const SYSTEM_NAMES: Record<string, FolderRole> = {
  inbox: 'reception',
  reception: 'reception',
  'boite de reception': 'reception',
  'courrier entrant': 'reception',
  recus: 'reception',
  sent: 'sent',
  'sent items': 'sent',
  'sent messages': 'sent',
  'sent mail': 'sent',
  envoyes: 'sent',
  'elements envoyes': 'sent',
  'messages envoyes': 'sent',
  'courrier envoye': 'sent',
  drafts: 'drafts',
  brouillons: 'drafts',
  brouillon: 'drafts',
  trash: 'trash',
  'deleted items': 'trash',
  'deleted messages': 'trash',
  corbeille: 'trash',
  'elements supprimes': 'trash',
  archives: 'archive',
  archive: 'archive',
  outbox: 'outbox',
  'a envoyer': 'outbox',
  'boite d envoi': 'outbox',
  junk: 'trash',
  spam: 'trash',
  'a verifier': 'review',
};

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9]+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * A legacy folder name -> a system folder when it is one, else a user folder of that name. Imported
 * letters never land in "À envoyer": an old outbox copy is kept in Brouillons so nothing is sent again.
 */
export function mapFolderName(name: string): FolderRole | { name: string } {
  const base = name.replace(/\.(mbox|sbd|msf)$/i, '').replace(/^\./, '');
  const role = SYSTEM_NAMES[fold(base)];
  if (role === 'outbox') return 'drafts';
  if (role) return role;
  const clean = base.replace(/[\\/]+/g, ' ').trim();
  return clean === '' ? 'reception' : { name: clean };
}
