import { WebSocket } from 'ws';
import type { EventName, EventPayload } from '../../src/shared/contract';
import type { ServedPli } from './served-pli';

export interface HostEvent<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
  /** performance.now() of this process when the event arrived. */
  at: number;
}

/**
 * A second client of a served Pli's WebSocket that only listens: the shell sends every host event to
 * every client, so tests and benchmarks can read the `timing` events the window's marks produce.
 * It presents the run's token as the page does (cookie) and the page's Origin.
 */
export class HostEvents {
  readonly events: HostEvent[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { event?: EventName; payload?: unknown };
      if (!msg.event) return;
      this.events.push({ event: msg.event, payload: msg.payload as never, at: performance.now() });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(pli: ServedPli): Promise<HostEvents> {
    const ws = new WebSocket(`ws://127.0.0.1:${pli.port}/api`, { headers: { Origin: pli.origin, Cookie: `pli_token=${pli.token}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new HostEvents(ws);
  }

  /** Timing values (ms) of one name, in arrival order. */
  timings(name: EventPayload<'timing'>['name']): number[] {
    return this.events.filter((e) => e.event === 'timing' && (e.payload as EventPayload<'timing'>).name === name).map((e) => (e.payload as EventPayload<'timing'>).ms);
  }

  /** Waits until `count` timing events of that name have arrived (or `timeoutMs` passed). */
  async waitForTimings(name: EventPayload<'timing'>['name'], count: number, timeoutMs = 30_000): Promise<number[]> {
    const deadline = performance.now() + timeoutMs;
    while (this.timings(name).length < count) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timing ${name}: ${this.timings(name).length} of ${count} after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.timings(name);
  }

  close(): void {
    this.ws.close();
  }
}
