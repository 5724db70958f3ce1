import { describe, expect, it } from 'vitest';
import type { HostContext } from '../context';
import { silentLogger } from '../log/logger';
import { uiHandlers } from './ui';

function setup() {
  const emitted: { event: string; payload: { name: string; ms: number } }[] = [];
  const ctx = { emit: (event: string, payload: { name: string; ms: number }) => emitted.push({ event, payload }), log: silentLogger } as unknown as HostContext;
  return { emitted, mark: uiHandlers(ctx)['ui.mark']! };
}

describe('ui.mark', () => {
  it('counts the first usable inbox from the process start, less the password typing; later ones as the page measured', async () => {
    const { emitted, mark } = setup();
    // Node's performance clock starts with the process (or the test worker): the wait taken off must be
    // shorter than what has elapsed, whatever the machine's speed.
    const wait = Math.floor(performance.now() / 2);
    const before = performance.now();
    await mark({ name: 'inbox_interactive', ms: 900, userWaitMs: wait });
    const after = performance.now();
    const first = emitted[0]!;
    expect(first.event).toBe('timing');
    expect(first.payload.name).toBe('ui.inbox_interactive_ms');
    expect(first.payload.ms).toBeGreaterThanOrEqual(before - wait);
    expect(first.payload.ms).toBeLessThanOrEqual(after - wait);
    await mark({ name: 'inbox_interactive', ms: 432, userWaitMs: 50 });
    expect(emitted[1]!.payload).toEqual({ name: 'ui.inbox_interactive_ms', ms: 432 });
  });

  it('never reports a negative time when the wait is longer than the clock', async () => {
    const { emitted, mark } = setup();
    await mark({ name: 'inbox_interactive', ms: 900, userWaitMs: performance.now() + 60_000 });
    expect(emitted[0]!.payload.ms).toBe(0);
  });

  it('passes search timings through', async () => {
    const { emitted, mark } = setup();
    await mark({ name: 'search_shown', ms: 42.5 });
    expect(emitted).toEqual([{ event: 'timing', payload: { name: 'ui.search_ms', ms: 42.5 } }]);
  });
});
