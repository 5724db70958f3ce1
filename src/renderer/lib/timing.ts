import type { PliApi } from '../../shared/api';

/**
 * Timing marks for the host's `timing` events (tests and benchmarks wait on them; never shown).
 * Time the person spends on a screen that waits for them (typing the password) is not the app's:
 * it is measured here and subtracted from "inbox interactive".
 */
let waitingSince: number | undefined;
let userWaitMs = 0;
let inboxMarked = false;

/** A screen that waits for the person is shown (or shown again after a refusal). */
export function userWaitStart(): void {
  waitingSince ??= performance.now();
}

/** The person has answered (submitted the form). */
export function userWaitEnd(): void {
  if (waitingSince === undefined) return;
  userWaitMs += performance.now() - waitingSince;
  waitingSince = undefined;
}

/** Runs `fn` once the current frame has been painted. */
export function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

/** The inbox's first page is on screen and usable: reported once per page load. */
export function markInboxInteractive(api: PliApi): void {
  if (inboxMarked) return;
  inboxMarked = true;
  afterPaint(() => {
    const ms = Math.max(0, performance.now() - userWaitMs);
    api.invoke('ui.mark', { name: 'inbox_interactive', ms, userWaitMs }).catch(() => undefined);
  });
}

/** The results of a query typed at `typedAt` (a performance.now() time) are on screen. */
export function markSearchShown(api: PliApi, typedAt: number): void {
  afterPaint(() => {
    const ms = Math.max(0, performance.now() - typedAt);
    api.invoke('ui.mark', { name: 'search_shown', ms }).catch(() => undefined);
  });
}
