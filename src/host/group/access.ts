/**
 * Every action of a person in a group practice goes through `authorize`: the pure policy decides, a
 * refusal becomes PliError('forbidden') with the French reason, and both outcomes land in the audit log
 * (who read, moved, exported, sent what and when). Targets are ids, never patient identities.
 */
import { decide, type Action, type Actor, type FolderScope, type Target } from '../../core/routing/policy';
import { PliError } from '../../shared/errors';
import type { MailboxApi } from '../store/protocol';
import type { Folder, Letter } from '../store/types';
import { policyContext, type PracticeSetup } from './practice';

export type AccessMailbox = Pick<MailboxApi, 'audit' | 'listFolders' | 'getLetter' | 'moveLetters' | 'listAudit'>;

export class GroupAccess {
  private folders = new Map<number, Folder>();

  constructor(
    private readonly mailbox: AccessMailbox,
    private practice: PracticeSetup,
  ) {}

  setPractice(p: PracticeSetup): void {
    this.practice = p;
  }

  /** Throws 'forbidden' (French reason) when the person may not; records the attempt either way. */
  async authorize(actor: Actor, action: Action, target: Target = {}, details: Record<string, unknown> = {}): Promise<void> {
    const d = decide(actor, action, target, policyContext(this.practice));
    const scope = (f: FolderScope | undefined) => (f ? (f.kind === 'doctor' ? `doctor:${f.doctorId}` : f.kind) : undefined);
    await this.mailbox.audit(actor.id, action, target.ref, {
      outcome: d.allowed ? 'allowed' : 'refused',
      role: actor.role,
      ...(target.folder ? { folder: scope(target.folder) } : {}),
      ...(target.destination ? { destination: scope(target.destination) } : {}),
      ...(target.doctorId ? { doctor: target.doctorId } : {}),
      ...details,
    });
    if (!d.allowed) throw new PliError('forbidden', d.message_fr, { action, ...(target.ref ? { target: target.ref } : {}) });
  }

  /** The policy's view of a folder: a doctor's folder (kind 'doctor', owner = doctor id), "À trier", or shared. */
  async folderScope(folderId: number): Promise<FolderScope> {
    let f = this.folders.get(folderId);
    if (!f) {
      this.folders = new Map((await this.mailbox.listFolders()).map((x) => [x.id, x]));
      f = this.folders.get(folderId);
    }
    if (f?.kind === 'doctor' && f.owner) return { kind: 'doctor', doctorId: f.owner };
    if (f?.kind === 'user' && f.name === A_TRIER_NAME) return { kind: 'a_trier' };
    return { kind: 'shared' };
  }

  /**
   * The policy's view of where a letter is: its folder, or, in the Corbeille, the folder it was deleted
   * from (a doctor's deleted letter stays that doctor's).
   */
  async letterScope(letter: Pick<Letter, 'folderId' | 'trashedFrom'>): Promise<FolderScope> {
    if (letter.trashedFrom) {
      await this.folderScope(letter.folderId);
      if (this.folders.get(letter.folderId)?.role === 'trash') return this.folderScope(letter.trashedFrom);
    }
    return this.folderScope(letter.folderId);
  }

  /** Opens a letter for reading, if the person may see its folder. */
  async readLetter(actor: Actor, letterId: number): Promise<Letter> {
    const letter = await this.mailbox.getLetter(letterId);
    if (!letter) throw new PliError('letter_unknown', 'Ce courrier n’existe plus (supprimé ou déplacé).', { letterId });
    await this.authorize(actor, 'letter.read', { ref: `letter:${letterId}`, folder: await this.letterScope(letter) });
    return letter;
  }

  /** Moves letters the person may see into another folder. */
  async moveLetters(actor: Actor, letterIds: number[], folderId: number, details: Record<string, unknown> = {}): Promise<number> {
    const destination = await this.folderScope(folderId);
    for (const id of letterIds) {
      const letter = await this.mailbox.getLetter(id);
      if (!letter) throw new PliError('letter_unknown', 'Ce courrier n’existe plus (supprimé ou déplacé).', { letterId: id });
      await this.authorize(actor, 'letter.move', { ref: `letter:${id}`, folder: await this.letterScope(letter), destination }, details);
    }
    return this.mailbox.moveLetters(letterIds, folderId);
  }

  /** The folders this person may open ("Mes courriers", delegated colleagues, "À trier"...), without auditing. */
  async visibleFolders(actor: Actor): Promise<Folder[]> {
    const all = await this.mailbox.listFolders();
    this.folders = new Map(all.map((x) => [x.id, x]));
    const ctx = policyContext(this.practice);
    const out: Folder[] = [];
    for (const f of all) if (decide(actor, 'folder.read', { folder: await this.folderScope(f.id) }, ctx).allowed) out.push(f);
    return out;
  }

  /** The secretariat's dashboard: letters waiting to be sorted, per-doctor counts, the outbox. */
  async dashboard(actor: Actor): Promise<{ aTrier: { total: number; unread: number }; doctors: { doctorId: string; folderId: number; total: number; unread: number }[]; outbox: number }> {
    await this.authorize(actor, 'folder.read', { ref: 'tableau-de-bord', folder: { kind: 'a_trier' } });
    const folders = await this.mailbox.listFolders();
    const t = folders.find((f) => f.kind === 'user' && f.name === A_TRIER_NAME);
    return {
      aTrier: { total: t?.total ?? 0, unread: t?.unread ?? 0 },
      doctors: folders.filter((f) => f.kind === 'doctor' && f.owner).map((f) => ({ doctorId: f.owner!, folderId: f.id, total: f.total, unread: f.unread })),
      outbox: folders.find((f) => f.role === 'outbox')?.total ?? 0,
    };
  }

  /** The audit log as CSV, for an administrator (the export itself is logged). */
  async exportAuditCsv(actor: Actor, names: Readonly<Record<string, string>> = {}): Promise<string> {
    return auditCsv(await this.auditEntries(actor), names);
  }

  /** The audit log, oldest first (everything, for the viewer and the CSV export). */
  async auditEntries(actor: Actor, limit = 1_000_000): Promise<AuditEntry[]> {
    await this.authorize(actor, 'audit.read', { ref: 'audit' });
    return (await this.mailbox.listAudit(limit)).reverse();
  }
}

export const A_TRIER_NAME = 'À trier';

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
}

/** French labels of the audited actions (viewer and CSV). */
export const ACTION_LABELS: Readonly<Record<string, string>> = {
  'folder.read': 'ouverture de dossier',
  'letter.read': 'lecture',
  'letter.move': 'déplacement',
  'letter.export': 'dépôt dans le logiciel métier',
  'letter.send': 'envoi',
  'letter.sign': 'signature',
  'letter.route': 'tri automatique',
  'routing.rule': 'règle de tri',
  'people.manage': 'gestion des personnes',
  'practice.configure': 'réglages du cabinet',
  'audit.read': 'consultation du journal',
  'session.open': 'ouverture de session',
  'letters.move': 'déplacement',
  'letters.export': 'dépôt dans le logiciel métier',
  'trash.empty': 'vidage de la corbeille',
  'keys.importMedium': 'import de clefs',
  'practice.save': 'réglage du dossier de dépôt',
};

function csvField(v: string): string {
  return /[";\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The audit log as CSV for a spreadsheet: `;` separators (French Excel), UTF-8 with a BOM (so that
 * accents survive), CRLF line ends, dates in ISO 8601 (UTC).
 */
export function auditCsv(entries: readonly AuditEntry[], names: Readonly<Record<string, string>> = {}): string {
  const rows = [['Date', 'Personne', 'Identifiant', 'Action', 'Code action', 'Cible', 'Résultat', 'Détails']];
  for (const e of entries) {
    const det = (e.details ?? {}) as Record<string, unknown>;
    const outcome = det.outcome === 'refused' ? 'refusé' : det.outcome === 'allowed' ? 'autorisé' : '';
    const rest = Object.fromEntries(Object.entries(det).filter(([k]) => k !== 'outcome'));
    rows.push([
      new Date(e.at).toISOString(),
      names[e.actor] ?? e.actor,
      e.actor,
      ACTION_LABELS[e.action] ?? e.action,
      e.action,
      e.target ?? '',
      outcome,
      Object.keys(rest).length > 0 ? JSON.stringify(rest) : '',
    ]);
  }
  return '\uFEFF' + rows.map((r) => r.map(csvField).join(';')).join('\r\n') + '\r\n';
}
