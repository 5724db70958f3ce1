import { join } from 'node:path';
import { PliError } from '../shared/errors';
import type { Logger } from './log/logger';
import { KeyService } from './keys';
import { DB_FILE } from './profile/header';
import { openMailbox, type Mailbox } from './store/mailbox';

/**
 * An unlocked profile: the open mailbox and the services that need it. Created by unlock (or profile
 * creation) and closed by lock; nothing in it outlives the lock.
 */
export class Session {
  /** Key store and pad ledger: one per session, so that letter counters stay consistent. */
  readonly keys: KeyService;

  private constructor(
    readonly mailbox: Mailbox,
    readonly log: Logger,
  ) {
    this.keys = new KeyService(mailbox, { logger: log.child('keys') });
  }

  static async open(profileDir: string, dbKey: Buffer, log: Logger): Promise<Session> {
    try {
      const mailbox = await openMailbox({ file: join(profileDir, DB_FILE), key: dbKey, logger: log.child('store') });
      if (mailbox.abandonedAtOpen > 0) log.warn('pad reservations of an interrupted run abandoned', { count: mailbox.abandonedAtOpen });
      return new Session(mailbox, log);
    } finally {
      dbKey.fill(0);
    }
  }

  async close(): Promise<void> {
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
