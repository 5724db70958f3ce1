/**
 * Errors that cross the contract. Every failure a user can meet carries a stable code (for tests, logs
 * and support) and a French message that says what happened and, where possible, what to do next.
 */
export interface WireError {
  code: string;
  message_fr: string;
  details?: Record<string, unknown>;
}

export class PliError extends Error implements WireError {
  readonly code: string;
  readonly message_fr: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message_fr: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    // The English-free message is also the Error message so that stack traces read naturally.
    super(`${code}: ${message_fr}`, options);
    this.name = 'PliError';
    this.code = code;
    this.message_fr = message_fr;
    if (details !== undefined) this.details = details;
  }

  toWire(): WireError {
    return this.details === undefined
      ? { code: this.code, message_fr: this.message_fr }
      : { code: this.code, message_fr: this.message_fr, details: this.details };
  }
}

export function isPliError(e: unknown): e is PliError {
  return e instanceof PliError;
}

/** Turns anything thrown into a wire error without leaking internals (stack, paths, letter text). */
export function toWireError(e: unknown): WireError {
  if (e instanceof PliError) return e.toWire();
  return { code: 'internal', message_fr: 'Erreur interne inattendue. Le journal de Pli contient les détails techniques.' };
}
