import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PliError } from '../../shared/errors';
import { writeFileAtomic } from './atomic-file';

/**
 * Counter of wrong passwords, kept in a small side file so that the header itself is never rewritten
 * by a failed attempt. From the 3rd failure on, the next attempt must wait 1 s, then 2, 4… up to 30 s.
 */
const FILE = 'mailbox.unlock-failures.json';
const FREE_ATTEMPTS = 3;
const MAX_DELAY_S = 30;

interface Failures {
  failures: number;
  lastAt: number;
}

function read(dir: string): Failures {
  try {
    const v = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as Partial<Failures>;
    if (typeof v.failures === 'number' && typeof v.lastAt === 'number') return { failures: v.failures, lastAt: v.lastAt };
  } catch {}
  return { failures: 0, lastAt: 0 };
}

export function delaySeconds(failures: number): number {
  return failures < FREE_ATTEMPTS ? 0 : Math.min(MAX_DELAY_S, 2 ** (failures - FREE_ATTEMPTS));
}

/** Throws 'password_delay' when the previous failures ask for a wait that has not yet passed. */
export function enforceDelay(dir: string, now = Date.now()): void {
  const f = read(dir);
  const waitMs = delaySeconds(f.failures) * 1000;
  const remaining = f.lastAt + waitMs - now;
  if (remaining > 0) {
    const seconds = Math.ceil(remaining / 1000);
    throw new PliError(
      'password_delay',
      `Trop d’essais infructueux : patientez ${seconds} seconde${seconds > 1 ? 's' : ''} avant de réessayer.`,
      { seconds, failures: f.failures },
    );
  }
}

export function recordFailure(dir: string, now = Date.now()): number {
  const f = read(dir);
  const next = { failures: f.failures + 1, lastAt: now };
  writeFileAtomic(join(dir, FILE), JSON.stringify(next) + '\n');
  return next.failures;
}

export function resetFailures(dir: string): void {
  if (existsSync(join(dir, FILE))) rmSync(join(dir, FILE), { force: true });
}
