import type { z } from 'zod';
import type { CommandName, Response, commands } from '../../shared/contract';

/** One command's handler: receives the validated request, returns the response the contract declares. */
export type Handler<C extends CommandName> = (
  req: z.infer<(typeof commands)[C]['request']>,
) => Promise<Response<C>> | Response<C>;

export type Handlers = { [C in CommandName]: Handler<C> };

/** A group of handlers for one area of the app (profile, letters, keys…). */
export type HandlerGroup = Partial<Handlers>;
