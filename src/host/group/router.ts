/**
 * Host side of the routing of received letters: runs the pure engine on a stored letter, moves it into
 * its doctor's folder (kind 'doctor', owner = doctor id) or into "À trier", and says which drop-folder
 * profile should export it. Manual routing by the secretariat goes through the access policy and can
 * become a learned rule.
 */
import type { Actor } from '../../core/routing/policy';
import { RoutingDirectory, routeLetter, ruleKey } from '../../core/routing/route';
import { A_TRIER, type RouteDecision, type RoutingRule } from '../../core/routing/types';
import type { HprimDocument } from '../../core/hprim/types';
import { PliError } from '../../shared/errors';
import type { MailboxApi } from '../store/protocol';
import { A_TRIER_NAME, GroupAccess } from './access';
import { doctorName, routingDoctors, type PracticeSetup } from './practice';

export const RULES_SETTING = 'group.routingRules';
/** The audit actor of automatic routing. */
export const ROUTER_ACTOR = 'tri-automatique';

export type RouterMailbox = Pick<
  MailboxApi,
  'listFolders' | 'createFolder' | 'moveLetters' | 'getLetter' | 'getSetting' | 'setSetting' | 'audit' | 'listAudit'
>;

export interface RouteInput {
  documents: readonly Pick<HprimDocument, 'recipient' | 'sender'>[];
  /** The letter's sender address. */
  sender?: string;
  /** The letter's recipient addresses (To, trailer). */
  addresses?: readonly string[];
}

export type RoutedLetter = RouteDecision & {
  letterId: number;
  folderId: number;
  /** The drop-folder profile to export to (undefined for "À trier" or a doctor without one). */
  dropProfileId?: string;
};

export interface GroupFolders {
  aTrier: number;
  doctors: Record<string, number>;
}

export class GroupRouter {
  readonly access: GroupAccess;
  private directory: RoutingDirectory;
  private folders?: GroupFolders;
  private cachedRules?: RoutingRule[];

  constructor(
    private readonly mailbox: RouterMailbox,
    private practice: PracticeSetup,
    access?: GroupAccess,
  ) {
    this.directory = new RoutingDirectory(routingDoctors(practice));
    this.access = access ?? new GroupAccess(mailbox, practice);
  }

  setPractice(p: PracticeSetup): void {
    this.practice = p;
    this.directory = new RoutingDirectory(routingDoctors(p));
    this.access.setPractice(p);
    this.folders = undefined;
  }

  /** Creates the missing per-doctor folders and "À trier"; returns their ids. */
  async ensureFolders(): Promise<GroupFolders> {
    if (this.folders) return this.folders;
    let list = await this.mailbox.listFolders();
    const doctors: Record<string, number> = {};
    for (const d of this.practice.doctors) {
      const f = list.find((x) => x.kind === 'doctor' && x.owner === d.id);
      doctors[d.id] = f ? f.id : await this.mailbox.createFolder(doctorName(d), { owner: d.id });
    }
    list = await this.mailbox.listFolders();
    const t = list.find((x) => x.kind === 'user' && x.name === A_TRIER_NAME && x.parentId === null);
    const aTrier = t ? t.id : await this.mailbox.createFolder(A_TRIER_NAME);
    this.folders = { aTrier, doctors };
    return this.folders;
  }

  async rules(): Promise<RoutingRule[]> {
    this.cachedRules ??= ((await this.mailbox.getSetting(RULES_SETTING)) as RoutingRule[] | undefined) ?? [];
    return this.cachedRules;
  }

  /** Pure decision for a letter, without moving it (previews, tests). */
  async decide(input: RouteInput): Promise<RouteDecision> {
    const common = this.practice.commonAddress?.toLowerCase();
    return routeLetter(
      this.directory,
      {
        recipients: input.documents.map((d) => d.recipient),
        hprimSenders: input.documents.map((d) => d.sender),
        ...(input.sender ? { sender: input.sender } : {}),
        addresses: (input.addresses ?? []).filter((a) => a.toLowerCase() !== common),
      },
      await this.rules(),
    );
  }

  /** Routes a stored letter: moves it and returns where it went and which drop folder exports it. */
  async route(letterId: number, input: RouteInput): Promise<RoutedLetter> {
    const folders = await this.ensureFolders();
    const decision = await this.decide(input);
    const folderId = decision.target === A_TRIER ? folders.aTrier : folders.doctors[decision.target]!;
    await this.mailbox.moveLetters([letterId], folderId);
    await this.mailbox.audit(ROUTER_ACTOR, 'letter.route', `letter:${letterId}`, {
      to: decision.target,
      reason: decision.reason,
      ...('candidates' in decision && decision.candidates.length > 0 ? { candidates: decision.candidates } : {}),
    });
    return this.result(letterId, folderId, decision);
  }

  private result(letterId: number, folderId: number, decision: RouteDecision): RoutedLetter {
    const doctor = decision.target === A_TRIER ? undefined : this.practice.doctors.find((d) => d.id === decision.target);
    return { ...decision, letterId, folderId, ...(doctor?.dropProfileId ? { dropProfileId: doctor.dropProfileId } : {}) };
  }

  /**
   * A person sorts a letter by hand to a doctor. With `remember`, the letter's sender becomes a rule:
   * its next letters go to this doctor without a human.
   */
  async routeByHand(actor: Actor, letterId: number, doctorId: string, opts: { rememberSender?: string } = {}): Promise<RoutedLetter> {
    const doctor = this.practice.doctors.find((d) => d.id === doctorId);
    if (!doctor) throw new PliError('doctor_unknown', 'Ce médecin ne fait pas partie du cabinet : vérifiez Paramètres > Cabinet de groupe.', { doctorId });
    const folders = await this.ensureFolders();
    const folderId = folders.doctors[doctorId]!;
    await this.access.moveLetters(actor, [letterId], folderId, { manualRoute: doctorId });
    if (opts.rememberSender) await this.addRule(actor, opts.rememberSender, doctorId);
    const reason_fr = `Trié à la main par ${actor.name}.`;
    return this.result(letterId, folderId, { target: doctorId, reason: 'rule', reason_fr });
  }

  /** "Sender X always for doctor Y" (replaces an earlier rule for the same sender). */
  async addRule(actor: Actor, sender: string, doctorId: string): Promise<RoutingRule> {
    const key = ruleKey(sender);
    if (key === '') throw new PliError('rule_sender_empty', 'Indiquez l’expéditeur (adresse ou nom) de la règle de tri.');
    if (!this.practice.doctors.some((d) => d.id === doctorId)) {
      throw new PliError('doctor_unknown', 'Ce médecin ne fait pas partie du cabinet : vérifiez Paramètres > Cabinet de groupe.', { doctorId });
    }
    await this.access.authorize(actor, 'routing.rule', { ref: `rule:${key}`, doctorId });
    const rule: RoutingRule = { sender: key, doctorId, createdBy: actor.id, createdAt: Date.now() };
    const next = [...(await this.rules()).filter((r) => ruleKey(r.sender) !== key), rule];
    await this.mailbox.setSetting(RULES_SETTING, next);
    this.cachedRules = next;
    return rule;
  }

  async removeRule(actor: Actor, sender: string): Promise<boolean> {
    const key = ruleKey(sender);
    await this.access.authorize(actor, 'routing.rule', { ref: `rule:${key}` }, { removed: true });
    const before = await this.rules();
    const next = before.filter((r) => ruleKey(r.sender) !== key);
    await this.mailbox.setSetting(RULES_SETTING, next);
    this.cachedRules = next;
    return next.length !== before.length;
  }
}
