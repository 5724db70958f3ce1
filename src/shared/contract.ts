import { z } from 'zod';
import { commandNames, eventNames, type CommandName, type EventName } from './names';
import { Settings, SettingsPatch } from './settings';

/**
 * The one contract between the UI and the host. Every command is a request/response pair and every
 * event a payload, each with a schema: both shells (Electron IPC, web WebSocket) validate what crosses.
 * Adding a capability means adding it here first; the preload's allow-lists are derived from these names.
 */
export const ProfileStatus = z.enum(['new', 'locked', 'open']);
export type ProfileStatus = z.infer<typeof ProfileStatus>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  shell: z.enum(['electron', 'web', 'test']),
});
export type AppInfo = z.infer<typeof AppInfo>;

const Empty = z.object({}).strict();

export const commands = {
  'app.info': { request: Empty, response: AppInfo },
  'profile.status': { request: Empty, response: z.object({ status: ProfileStatus }) },
  'settings.get': { request: Empty, response: Settings },
  'settings.update': { request: z.object({ patch: SettingsPatch }).strict(), response: Settings },
} as const satisfies { [C in CommandName]: { request: z.ZodType; response: z.ZodType } };

export const events = {
  'profile.changed': z.object({ status: ProfileStatus }),
  'settings.changed': Settings,
} as const satisfies { [E in EventName]: z.ZodType };

// Every listed name has a schema (checked above) and every schema a listed name (checked here).
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const namesMatch: Exact<keyof typeof commands, CommandName> & Exact<keyof typeof events, EventName> = true;
void namesMatch;

export { commandNames, eventNames, type CommandName, type EventName };
export type Request<C extends CommandName> = z.input<(typeof commands)[C]['request']>;
export type Response<C extends CommandName> = z.infer<(typeof commands)[C]['response']>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;


export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
