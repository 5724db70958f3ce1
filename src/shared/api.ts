import type { CommandName, EventName, EventPayload, Request, Response } from './contract';
import type { WireError } from './errors';

/**
 * What the renderer sees of the host, whatever the shell (Delta Chat's runtime idea): the Electron
 * preload and the web client both implement it.
 */
export interface PliApi {
  invoke<C extends CommandName>(command: C, payload: Request<C>): Promise<Response<C>>;
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
}

/** Rejection value of PliApi.invoke: the host's typed error, as it crossed the boundary. */
export class HostError extends Error implements WireError {
  readonly code: string;
  readonly message_fr: string;
  readonly details?: Record<string, unknown>;
  constructor(e: WireError) {
    super(e.message_fr);
    this.name = 'HostError';
    this.code = e.code;
    this.message_fr = e.message_fr;
    if (e.details !== undefined) this.details = e.details;
  }
}
