import type { AppInfo, EventName, EventPayload, ProfileStatus } from '../shared/contract';
import type { LogSink, Logger } from './log/logger';
import type { SettingsFile } from './settings/settings-file';

/**
 * What every command group may use: the profile folder, logging, settings and the event channel.
 * The open mailbox and the services built on it are added by the session once the profile is unlocked.
 */
export interface HostContext {
  readonly profileDir: string;
  readonly version: string;
  readonly shell: AppInfo['shell'];
  readonly logSink: LogSink;
  readonly log: Logger;
  readonly settings: SettingsFile;
  profileStatus(): ProfileStatus;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}
