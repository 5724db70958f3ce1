import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  commandNames,
  commands,
  events,
  isCommandName,
  type AppInfo,
  type EventName,
  type EventPayload,
  type ProfileStatus,
} from '../shared/contract';
import { PliError, toWireError } from '../shared/errors';
import type { InvokeResult } from '../shared/wire';
import { LogSink, type Logger } from './log/logger';
import { SettingsFile } from './settings/settings-file';
import { appHandlers } from './commands/app';
import { cardHandlers } from './commands/card';
import { accountHandlers } from './commands/accounts';
import { composeHandlers } from './commands/compose';
import { directoryHandlers } from './commands/directory';
import { groupHandlers } from './commands/group';
import { keyHandlers } from './commands/keys';
import { mailHandlers } from './commands/mail';
import { migrationHandlers } from './commands/migration';
import { letterHandlers } from './commands/letters';
import { practiceHandlers } from './commands/practice';
import { uiHandlers } from './commands/ui';
import { CardAccess } from './card-access';
import { profileHandlers } from './commands/profile';
import { SessionSlot } from './session';
import { profileExists } from './profile/profile';
import type { HandlerGroup, Handlers } from './commands/types';
import type { HostContext } from './context';

export interface HostOptions {
  /** The profile folder (user data): mailbox, settings, logs. */
  profileDir: string;
  version: string;
  shell: AppInfo['shell'];
  /** Shipped read-only files (resources/ in a checkout, the app's resources folder when packaged). */
  resourcesDir: string;
  /** Echo log lines to stderr as well (development and tests). */
  logEcho?: boolean;
}

export type EventListener = (event: EventName, payload: unknown) => void;

/**
 * The host: the single object that owns the profile and implements the contract. Both shells create
 * one and forward untrusted messages to `invoke`, which validates them before any handler runs.
 */
export class Host implements HostContext {
  readonly log: Logger;
  readonly logSink: LogSink;
  readonly settings: SettingsFile;
  readonly profileDir: string;
  readonly version: string;
  readonly shell: AppInfo['shell'];
  readonly resourcesDir: string;
  readonly sessions = new SessionSlot();
  readonly card: CardAccess;
  private readonly listeners = new Set<EventListener>();
  private readonly handlers: Handlers;

  constructor(private readonly opts: HostOptions) {
    mkdirSync(opts.profileDir, { recursive: true, mode: 0o700 });
    this.logSink = new LogSink({ dir: join(opts.profileDir, 'logs'), echo: opts.logEcho ?? false });
    this.log = this.logSink.logger('host');
    this.settings = new SettingsFile(opts.profileDir, this.logSink.logger('settings'));
    this.profileDir = opts.profileDir;
    this.version = opts.version;
    this.shell = opts.shell;
    this.resourcesDir = opts.resourcesDir;
    this.card = new CardAccess(
      {
        modulePath: () => this.settings.get().cardModulePath,
        idleMinutes: () => this.settings.get().cardIdleMinutes,
        log: this.logSink.logger('card'),
      },
      () =>
        void Promise.resolve(this.handlers['card.status']({})).then((s) => this.emit('card.changed', s), () => undefined),
    );
    this.handlers = assemble([
      appHandlers(this),
      profileHandlers(this),
      letterHandlers(this),
      cardHandlers(this),
      keyHandlers(this),
      practiceHandlers(this),
      uiHandlers(this),
      accountHandlers(this),
      composeHandlers(this),
      mailHandlers(this),
      migrationHandlers(this),
      directoryHandlers(this),
      groupHandlers(this),
    ]);
    this.log.info('host started', { version: opts.version, shell: opts.shell });
  }

  profileStatus(): ProfileStatus {
    if (this.sessions.isOpen) return 'open';
    // The mailbox header is written when the password is first set; until then the profile is new.
    return profileExists(this.profileDir) ? 'locked' : 'new';
  }

  /** Entry point for every message from a shell: untrusted input, validated here. */
  async invoke(command: unknown, payload: unknown): Promise<InvokeResult> {
    if (!isCommandName(command)) {
      return { ok: false, error: { code: 'unknown_command', message_fr: 'Commande inconnue.' } };
    }
    const spec = commands[command];
    const req = spec.request.safeParse(payload ?? {});
    if (!req.success) {
      this.log.warn('invalid request', { command, issues: req.error.issues.map((i) => i.path.join('.')) });
      return {
        ok: false,
        error: { code: 'invalid_request', message_fr: 'Requête invalide.', details: { command } },
      };
    }
    const started = performance.now();
    try {
      const handler = this.handlers[command] as (r: unknown) => unknown;
      const result = await handler(req.data);
      const res = spec.response.safeParse(result);
      if (!res.success) {
        this.log.error('handler returned an invalid response', { command });
        throw new PliError('internal', 'Erreur interne : réponse invalide.');
      }
      this.log.debug('command', { command, ms: Math.round(performance.now() - started) });
      return { ok: true, result: res.data };
    } catch (e) {
      this.log.error('command failed', { command, error: e });
      return { ok: false, error: toWireError(e) };
    }
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload);
    for (const l of this.listeners) {
      try {
        l(event, checked);
      } catch (e) {
        this.log.error('event listener failed', { event, error: e });
      }
    }
  }

  async close(): Promise<void> {
    await this.sessions.clear();
    this.card.close();
    this.listeners.clear();
    this.log.info('host stopped');
  }
}

export function createHost(opts: HostOptions): Host {
  return new Host(opts);
}

/** Every command gets a handler: the groups' ones, or a clear refusal for what this build lacks. */
function assemble(groups: HandlerGroup[]): Handlers {
  const unavailable = () => {
    throw new PliError('not_available', 'Cette fonction n’est pas encore disponible dans cette version de Pli.');
  };
  const all: Record<string, unknown> = Object.fromEntries(commandNames.map((n) => [n, unavailable]));
  for (const g of groups) Object.assign(all, g);
  return all as Handlers;
}
