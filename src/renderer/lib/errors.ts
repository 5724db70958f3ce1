import { HostError } from '../../shared/api';

/** What the UI shows of a failure: the host's French message, its code, and a wait if it asked for one. */
export interface Problem {
  code: string;
  message: string;
  /** Seconds to wait before trying again (wrong password delays). */
  seconds?: number;
}

export function toProblem(e: unknown, fallback: string): Problem {
  if (e instanceof HostError) {
    // 'password_delay' says how long to wait now; 'password_wrong' may announce the next wait.
    const s = e.details?.seconds ?? e.details?.nextDelaySeconds;
    return {
      code: e.code,
      message: e.message_fr,
      ...(typeof s === 'number' && s > 0 ? { seconds: Math.ceil(s) } : {}),
    };
  }
  return { code: 'internal', message: fallback };
}
