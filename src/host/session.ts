import { join } from 'node:path';
import type { EventName, EventPayload } from '../shared/contract';
import { PliError } from '../shared/errors';
import type { CardAccess } from './card-access';
import { practiceProfiles } from './commands/practice';
import { DropExports } from './exports/drop-exports';
import { KeyService } from './keys';
import type { Logger } from './log/logger';
import { MailService } from './mail/service';
import type { SendPipeline } from './mail/send';
import { SessionGroup } from './group/host-session';
import { DB_FILE } from './profile/header';
import type { Person } from './profile/people';
import { openMailbox, type Mailbox, type PreparedStoreWorker } from './store/mailbox';

export interface SessionDeps {
  log: Logger;
  card: CardAccess;
  resourcesDir: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/**
 * An unlocked profile: the open mailbox and the services that need it (keys, drop folders, mail).
 * Created by unlock (or profile creation) and closed by lock; nothing in it outlives the lock.
 */
export class Session {
  /** Key store and pad ledger: one per session, so that letter counters stay consistent. */
  readonly keys: KeyService;
  readonly exports: DropExports;
  readonly mail: MailService;
  /** Group practice: who is signed in, the policy, the router (inactive in individual mode). */
  readonly group: SessionGroup;

  private constructor(
    readonly mailbox: Mailbox,
    private readonly deps: SessionDeps,
    profileDir: string,
    person: Person | undefined,
  ) {
    const log = deps.log;
    this.group = new SessionGroup(mailbox, profileDir, person, log.child('group'));
    this.keys = new KeyService(mailbox, { logger: log.child('keys') });
    this.exports = new DropExports(mailbox, log.child('exports'), (e) => {
      if (e.type === 'exported') deps.emit('letters.changed', { folderIds: [], newLetters: 0 });
      if (e.type === 'failed') deps.emit('notice', { level: 'error', message_fr: e.message_fr });
    });
    this.mail = new MailService({
      mailbox,
      keys: this.keys,
      card: deps.card,
      exports: this.exports,
      resourcesDir: deps.resourcesDir,
      log: log.child('mail'),
      onProgress: (p) => deps.emit('sync.progress', p),
      onNewLetters: (n) => deps.emit('letters.changed', { folderIds: [], newLetters: n }),
      route: (ids) => this.group.routeReceived(ids),
    });
  }

  get log(): Logger {
    return this.deps.log;
  }

  get sendPipeline(): SendPipeline | undefined {
    return this.mail.sendPipeline;
  }

  /** The person signed in (group practice), or undefined when the profile's own password opened it. */
  get person(): Person | undefined {
    return this.group.person;
  }

  /** `prepared`: the store worker started while the key was derived (see prepareStoreWorker). */
  static async open(profileDir: string, dbKey: Buffer, deps: SessionDeps, person?: Person, prepared?: PreparedStoreWorker): Promise<Session> {
    let mailbox: Mailbox;
    try {
      mailbox = await openMailbox({ file: join(profileDir, DB_FILE), key: dbKey, logger: deps.log.child('store'), ...(prepared ? { prepared } : {}) });
    } finally {
      dbKey.fill(0);
    }
    if (mailbox.abandonedAtOpen > 0) deps.log.warn('pad reservations of an interrupted run abandoned', { count: mailbox.abandonedAtOpen });
    const session = new Session(mailbox, deps, profileDir, person);
    await session.restartMail();
    return session;
  }

  /** (Re)starts the drop folders and the mail pipelines from what the mailbox holds now. */
  async restartMail(): Promise<void> {
    await this.exports.start(await practiceProfiles(this.mailbox, this.deps.resourcesDir));
    await this.mail.start();
  }

  async close(): Promise<void> {
    this.group.close();
    await this.mail.stop();
    await this.exports.stop();
    await this.mailbox.close();
  }
}

/** Holds the current session, if any; commands that need the mailbox ask it here. */
export class SessionSlot {
  private current: Session | undefined;

  get(): Session {
    if (!this.current) {
      throw new PliError('profile_locked', 'La messagerie est verrouillée : saisissez votre mot de passe pour l’ouvrir.');
    }
    return this.current;
  }

  get isOpen(): boolean {
    return this.current !== undefined;
  }

  async set(session: Session): Promise<void> {
    await this.clear();
    this.current = session;
  }

  async clear(): Promise<void> {
    const s = this.current;
    this.current = undefined;
    await s?.close();
  }
}
