/**
 * Who may do what in a group practice (pure). Medical secrecy first: a doctor sees their own letters
 * (and those of colleagues who delegated to them), the secretariat sorts every doctor's letters, the
 * administrator manages people and settings but reads no letter, and only a doctor, in their own session
 * and with their own card, signs in their name.
 */

export type Role = 'doctor' | 'secretary' | 'administrator';

export interface Actor {
  id: string;
  name: string;
  role: Role;
  /** For role 'doctor': the doctor of the practice this person is. */
  doctorId?: string;
}

export type Action =
  | 'folder.read'
  | 'letter.read'
  | 'letter.move'
  | 'letter.export'
  | 'letter.send'
  | 'letter.sign'
  | 'routing.rule'
  | 'people.manage'
  | 'practice.configure'
  | 'audit.read';

/** The folder concerned: a doctor's folder, "À trier", or another shared folder (Réception, Envoyés...). */
export type FolderScope = { kind: 'doctor'; doctorId: string } | { kind: 'a_trier' } | { kind: 'shared' };

export interface Target {
  /** Letter id, folder id or person id, for the audit log. */
  ref?: string;
  folder?: FolderScope;
  /** Move: where the letter goes. */
  destination?: FolderScope;
  /** Send / sign: the doctor in whose name. */
  doctorId?: string;
  /** Sign: the card in the reader (certificate fingerprint and RPPS). */
  card?: { fingerprint?: string; rpps?: string };
}

export interface PolicyContext {
  /** Per doctor: the doctors allowed to read their folder (délégation). */
  delegations: Readonly<Record<string, readonly string[]>>;
  /** Per doctor: what identifies their card. */
  cards: Readonly<Record<string, { fingerprint?: string; rpps?: string }>>;
  /** Display names, for messages. */
  doctorNames: Readonly<Record<string, string>>;
}

export type Decision = { allowed: true } | { allowed: false; message_fr: string };

const OK: Decision = { allowed: true };
const no = (message_fr: string): Decision => ({ allowed: false, message_fr });

function canSeeFolder(actor: Actor, folder: FolderScope, ctx: PolicyContext): boolean {
  if (actor.role === 'secretary') return true;
  if (actor.role === 'administrator') return false;
  if (folder.kind !== 'doctor') return true;
  if (folder.doctorId === actor.doctorId) return true;
  return actor.doctorId !== undefined && (ctx.delegations[folder.doctorId] ?? []).includes(actor.doctorId);
}

function folderLabel(folder: FolderScope, ctx: PolicyContext): string {
  if (folder.kind === 'doctor') return `du dossier du ${ctx.doctorNames[folder.doctorId] ?? 'médecin'}`;
  return folder.kind === 'a_trier' ? 'du dossier « À trier »' : 'de ce dossier';
}

function seeFolder(actor: Actor, folder: FolderScope | undefined, ctx: PolicyContext, verb: string): Decision {
  const f = folder ?? { kind: 'shared' as const };
  if (canSeeFolder(actor, f, ctx)) return OK;
  if (actor.role === 'administrator') {
    return no(`Le rôle administrateur gère les personnes et les réglages mais ne donne pas accès aux courriers : ${verb} est réservé aux médecins et au secrétariat.`);
  }
  return no(
    `Vous n’avez pas accès ${folderLabel(f, ctx)} : ${verb} n’est possible qu’avec une délégation de ce médecin (Paramètres > Cabinet de groupe > Délégations).`,
  );
}

function sameCard(a: { fingerprint?: string; rpps?: string } | undefined, b: { fingerprint?: string; rpps?: string }): boolean {
  if (!a) return false;
  if (b.fingerprint && a.fingerprint) return b.fingerprint.toLowerCase() === a.fingerprint.toLowerCase();
  if (b.rpps && a.rpps) return b.rpps === a.rpps;
  return false;
}

/** The decision for one action; the host turns a refusal into PliError('forbidden') and audits both. */
export function decide(actor: Actor, action: Action, target: Target, ctx: PolicyContext): Decision {
  switch (action) {
    case 'folder.read':
      return seeFolder(actor, target.folder, ctx, 'l’ouvrir');
    case 'letter.read':
      return seeFolder(actor, target.folder, ctx, 'lire ce courrier');
    case 'letter.export':
      return seeFolder(actor, target.folder, ctx, 'déposer ce courrier dans le logiciel métier');
    case 'letter.move': {
      const from = seeFolder(actor, target.folder, ctx, 'déplacer ce courrier');
      if (!from.allowed) return from;
      // A doctor may hand a letter to a colleague or back to the secretariat, not pick from elsewhere.
      return OK;
    }
    case 'routing.rule':
      return actor.role === 'administrator'
        ? no('Les règles de tri sont créées par le secrétariat ou les médecins, en triant un courrier.')
        : OK;
    case 'letter.send': {
      if (actor.role === 'administrator') return no('Le rôle administrateur ne permet pas d’envoyer de courrier.');
      if (actor.role === 'doctor' && target.doctorId !== undefined && target.doctorId !== actor.doctorId) {
        return no(
          `Vous ne pouvez pas envoyer un courrier au nom du ${ctx.doctorNames[target.doctorId] ?? 'médecin'} : seul le secrétariat prépare les courriers pour le compte d’un médecin.`,
        );
      }
      return OK;
    }
    case 'letter.sign': {
      const doctor = target.doctorId ?? actor.doctorId;
      const who = doctor ? (ctx.doctorNames[doctor] ?? 'médecin') : 'médecin';
      if (actor.role !== 'doctor' || doctor === undefined || doctor !== actor.doctorId) {
        return no(
          `Seul le ${who} peut signer en son nom, dans sa propre session et avec sa carte CPS : le courrier part non signé, préparé « pour le compte de » ce médecin.`,
        );
      }
      const expected = ctx.cards[doctor];
      if (!expected || (!expected.fingerprint && !expected.rpps)) {
        return no('Aucune carte CPS n’est encore associée à votre profil de médecin : insérez votre carte une première fois dans Paramètres > Cabinet de groupe.');
      }
      if (!sameCard(target.card, expected)) {
        return no(`La carte insérée n’est pas celle du ${who} : insérez votre propre carte CPS pour signer.`);
      }
      return OK;
    }
    case 'people.manage':
    case 'practice.configure':
    case 'audit.read':
      return actor.role === 'administrator'
        ? OK
        : no('Action réservée à un administrateur du cabinet : demandez-lui de l’effectuer depuis sa session.');
  }
}
