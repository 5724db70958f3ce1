/**
 * The group practice inside an open session: who is signed in (a person of the practice, or the
 * profile's own password), the practice setup, the router and the access policy, and the group key
 * lock. Commands ask it whether the practice is in group mode; in individual mode nothing changes.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseHprim } from '../../core/hprim';
import { decide, type Action, type Actor, type Target } from '../../core/routing/policy';
import type { Logger } from '../log/logger';
import type { Person } from '../profile/people';
import type { Mailbox } from '../store/mailbox';
import type { Folder } from '../store/types';
import { GroupAccess } from './access';
import { GroupKeyLock, installationId } from './key-lock';
import { doctorName, loadPractice, policyContext, savePractice, type PracticeSetup } from './practice';
import { GroupRouter, ROUTER_ACTOR } from './router';
import { actorOf } from './session';

/** The actor of a session opened with the profile's own password: the practice's founder, an administrator. */
export const PROFILE_ACTOR: Actor = { id: 'profil', name: 'Mot de passe du profil', role: 'administrator' };

const EMPTY: PracticeSetup = { mode: 'individual', doctors: [], staff: [] };

/** This workstation's own configuration folder (never shared between workstations). */
function localConfigDir(): string {
  if (process.env.PLI_LOCAL_CONFIG_DIR) return process.env.PLI_LOCAL_CONFIG_DIR;
  return process.env.APPDATA ? join(process.env.APPDATA, 'Pli') : join(homedir(), '.config', 'pli');
}

/** What group mode means for one open session; created by the session, dropped at lock. */
export class SessionGroup {
  private setup: PracticeSetup | undefined;
  private loaded = false;
  private routerInst: GroupRouter | undefined;
  private lock: GroupKeyLock | undefined;

  constructor(
    private readonly mailbox: Mailbox,
    private readonly profileDir: string,
    readonly person: Person | undefined,
    private readonly log: Logger,
  ) {}

  /** The person's actor for the policy; the profile password stands for the administrator. */
  get actor(): Actor {
    return this.person ? actorOf(this.person) : PROFILE_ACTOR;
  }

  async practice(): Promise<PracticeSetup | undefined> {
    if (!this.loaded) {
      this.setup = await loadPractice(this.mailbox);
      this.loaded = true;
    }
    return this.setup;
  }

  /** The router and access policy (of the practice as set up, or of an empty one before any setup). */
  async router(): Promise<GroupRouter> {
    if (!this.routerInst) this.routerInst = new GroupRouter(this.mailbox, (await this.practice()) ?? EMPTY);
    return this.routerInst;
  }

  async access(): Promise<GroupAccess> {
    return (await this.router()).access;
  }

  /** True when the practice is a group practice: the policy applies to letters, received letters are routed. */
  async isGroup(): Promise<boolean> {
    return (await this.practice())?.mode === 'group';
  }

  /** Saves the setup (checked), updates the router and creates the doctors' folders and "À trier". */
  async save(next: PracticeSetup): Promise<PracticeSetup> {
    const saved = await savePractice(this.mailbox, next);
    this.setup = saved;
    this.loaded = true;
    const router = await this.router();
    router.setPractice(saved);
    if (saved.mode === 'group') await router.ensureFolders();
    return saved;
  }

  /**
   * Runs `fn` only if the policy allows the action: a refusal is audited and thrown (French reason);
   * an allowed action is audited once it has been done, with what it produced.
   */
  async guarded<T>(action: Action, target: Target, fn: () => Promise<T>, details: (r: T) => Record<string, unknown> = () => ({})): Promise<T> {
    const access = await this.access();
    const d = decide(this.actor, action, target, policyContext((await this.practice()) ?? EMPTY));
    if (!d.allowed) await access.authorize(this.actor, action, target); // audits the refusal, throws
    const r = await fn();
    await access.authorize(this.actor, action, target, details(r));
    return r;
  }

  /** Whether the person may open a folder (not audited: lists refresh often; reading a letter is). */
  async canOpen(folderId: number): Promise<boolean> {
    if (!(await this.isGroup())) return true;
    const access = await this.access();
    return decide(this.actor, 'folder.read', { folder: await access.folderScope(folderId) }, policyContext((await this.practice())!)).allowed;
  }

  /** Whether the person may see a letter (its folder, or where it was deleted from); not audited. */
  async canSee(letter: { folderId: number; trashedFrom?: number | null }): Promise<boolean> {
    if (!(await this.isGroup())) return true;
    const access = await this.access();
    return decide(this.actor, 'letter.read', { folder: await access.letterScope(letter) }, policyContext((await this.practice())!)).allowed;
  }

  /** Throws (and audits) when the person may not open the folder. */
  async assertOpen(folderId: number): Promise<void> {
    if (await this.canOpen(folderId)) return;
    const access = await this.access();
    await access.authorize(this.actor, 'folder.read', { ref: `folder:${folderId}`, folder: await access.folderScope(folderId) });
  }

  /** Display names of the audit log's actors. */
  async actorNames(people: readonly Person[]): Promise<Record<string, string>> {
    const names: Record<string, string> = { [PROFILE_ACTOR.id]: PROFILE_ACTOR.name, [ROUTER_ACTOR]: 'Tri automatique', user: 'Utilisateur (exercice individuel)' };
    for (const p of people) names[p.id] = p.name;
    return names;
  }

  /** The name of a folder for this person: their own doctor's folder is "Mes courriers". */
  folderName(f: Folder): string {
    return f.kind === 'doctor' && this.person?.role === 'doctor' && f.owner === this.person.doctorId ? 'Mes courriers' : f.name;
  }

  /**
   * Routes letters just stored by the receive path (group mode): each goes to its doctor's folder or to
   * "À trier". Returns, per letter, the drop-folder profile to export it to (null: not exported).
   */
  async routeReceived(ids: readonly number[]): Promise<Map<number, string | null> | undefined> {
    const practice = await this.practice();
    if (practice?.mode !== 'group') return undefined;
    const router = await this.router();
    const out = new Map<number, string | null>();
    const own = new Set([practice.commonAddress, practice.groupKeyOwner].filter((x): x is string => !!x).map((x) => x.toLowerCase()));
    for (const id of ids) {
      try {
        const letter = await this.mailbox.getLetter(id);
        if (!letter) continue;
        const source = letter.payload && letter.payload.length > 0 ? letter.payload : Buffer.from(letter.text);
        const documents = parseHprim(source).documents;
        // Trailer recipients are bare APICRYPT identifiers: give them a network domain for the address rules.
        const addresses = letter.recipients
          .filter((a) => !own.has(a.toLowerCase()) && !own.has(a.split('@')[0]!.toLowerCase()))
          .map((a) => (a.includes('@') ? a : `${a}@reseau.apicrypt.org`));
        const routed = await router.route(id, { documents, ...(letter.sender ? { sender: letter.sender } : {}), addresses });
        out.set(id, routed.dropProfileId ?? null);
      } catch (e) {
        // The letter stays where the receive path put it (Réception), visible to the secretariat.
        this.log.warn('routing failed', { letterId: id, error: e });
        out.set(id, null);
      }
    }
    return out;
  }

  /** The drop-folder profile of the doctor whose folder holds the letter (group mode), or null. */
  async dropProfileOf(folderId: number): Promise<string | null> {
    const practice = await this.practice();
    const scope = await (await this.access()).folderScope(folderId);
    if (scope.kind !== 'doctor') return null;
    return practice?.doctors.find((d) => d.id === scope.doctorId)?.dropProfileId ?? null;
  }

  doctorNames(): { id: string; name: string }[] {
    return (this.setup?.doctors ?? []).map((d) => ({ id: d.id, name: doctorName(d) }));
  }

  /**
   * One writer of the group key: taken at the first letter this session sends in group mode, kept
   * (with a heartbeat) until the session closes. Throws 'group_key_locked' naming the other workstation.
   */
  async assertGroupKey(): Promise<void> {
    const practice = await this.practice();
    if (practice?.mode !== 'group' || !practice.groupKeyOwner) return;
    if (!this.lock) {
      this.lock = GroupKeyLock.acquire({ profileDir: this.profileDir, keyOwner: practice.groupKeyOwner, installationId: installationId(localConfigDir()) });
      this.lock.startHeartbeat();
    }
    this.lock.assertHeld();
  }

  close(): void {
    this.lock?.release();
    this.lock = undefined;
  }
}
