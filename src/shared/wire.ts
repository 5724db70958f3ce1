import { z } from 'zod';
import type { WireError } from './errors';

/**
 * Framing shared by the shells: the Electron IPC handler and the WebSocket carry the same messages.
 * Only the envelope is checked here; payloads are validated against the contract by the host.
 */
export const InvokeMessage = z.object({
  id: z.number().int().nonnegative(),
  command: z.string().max(100),
  payload: z.unknown(),
});
export type InvokeMessage = z.infer<typeof InvokeMessage>;

export type InvokeResult = { ok: true; result: unknown } | { ok: false; error: WireError };
export type ReplyMessage = { id: number } & InvokeResult;
export type EventMessage = { event: string; payload: unknown };

export const WireErrorSchema = z.object({
  code: z.string(),
  message_fr: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
