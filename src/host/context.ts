import type { AppInfo, EventName, EventPayload, ProfileStatus } from '../shared/contract';
import type { LogSink, Logger } from './log/logger';
import type { CardAccess } from './card-access';
import type { SessionSlot } from './session';
import type { SettingsFile } from './settings/settings-file';

/**
 * What every command group may use: the profile folder, logging, settings and the event channel.
 * The open mailbox and the services built on it are added by the session once the profile is unlocked.
 */
export interface HostContext {
  readonly profileDir: string;
  readonly version: string;
  readonly shell: AppInfo['shell'];
  /** Shipped read-only files: practice profiles, IGC-Santé roots. */
  readonly resourcesDir: string;
  readonly logSink: LogSink;
  readonly log: Logger;
  readonly settings: SettingsFile;
  /** The unlocked mailbox and its services, when the profile is open. */
  readonly sessions: SessionSlot;
  /** The CPS card (loaded on first use). */
  readonly card: CardAccess;
  profileStatus(): ProfileStatus;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}
