import type { Worker } from 'node:worker_threads';
import { packOps, type IndexOp, type PackedOps, type SearchIndexDb } from './search-index';
import { startWorkerThread } from '../threads';

/** How the store hands its index work over: batches applied in the order posted. */
export interface SearchIndexWriter {
  /** True when `post` has applied the batch before it returns. */
  readonly synchronous: boolean;
  /** Queues a batch; returns its sequence number (1, 2, ...). */
  post(ops: IndexOp[]): number;
  /** Blocks this thread until every posted batch is in the index; false on timeout or failure. */
  drain(timeoutMs: number): boolean;
  close(): void;
}

/** In the store's own thread: for tools, test children and fixtures (no second thread to manage). */
export class InlineIndexWriter implements SearchIndexWriter {
  readonly synchronous = true;
  private seq = 0;
  constructor(private readonly db: SearchIndexDb) {}

  post(ops: IndexOp[]): number {
    this.db.apply(ops);
    return ++this.seq;
  }

  drain(): boolean {
    return true;
  }

  close(): void {
    this.db.close();
  }
}

const MAX_SPARE_BYTES = 16 << 20;

/** Shared between the store worker and the index worker: [applied sequence, state]. */
export const APPLIED = 0;
export const STATE = 1;
export const RUNNING = 0;
export const CLOSED = 1;
export const FAILED = 2;

export interface SearchWorkerInit {
  file: string;
  keyHex: string | null;
  shared: SharedArrayBuffer;
}

export type SearchWorkerRequest = { seq: number; ops: PackedOps } | { close: true };
export type SearchWorkerReply = { applied: number; buffer: ArrayBuffer } | { failed: string };

/**
 * In the search-index worker, in parallel with the store (used by the store worker, whose thread may
 * block on the shared state: searches wait for the letters already stored to be indexed).
 */
export class WorkerIndexWriter implements SearchIndexWriter {
  readonly synchronous = false;
  private posted = 0;
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;
  /** Buffers the worker gave back, for the next batches (see packOps). */
  private readonly spare: ArrayBuffer[] = [];

  constructor(file: string, key: Uint8Array | null, events: { applied: (seq: number) => void; failed: (reason: string) => void }) {
    const init: SearchWorkerInit = { file, keyHex: key ? Buffer.from(key).toString('hex') : null, shared: this.state.buffer as SharedArrayBuffer };
    // Its messages carry bytes, not strings: a small nursery does.
    this.worker = startWorkerThread(import.meta.url, './search-worker.ts', './search-worker.js', init, { maxYoungGenerationSizeMb: 4 });
    this.worker.on('message', (m: SearchWorkerReply) => {
      if (!('applied' in m)) return events.failed(m.failed);
      // Kept unless it grew for an exceptionally large batch.
      if (m.buffer.byteLength <= MAX_SPARE_BYTES && this.spare.length < 2) this.spare.push(m.buffer);
      events.applied(m.applied);
    });
    this.worker.on('error', (e) => {
      Atomics.store(this.state, STATE, FAILED);
      events.failed(e instanceof Error ? e.name : 'error');
    });
  }

  post(ops: IndexOp[]): number {
    const seq = ++this.posted;
    const packed = packOps(ops, this.spare.pop());
    this.worker.postMessage({ seq, ops: packed } satisfies SearchWorkerRequest, [packed.bytes]);
    return seq;
  }

  drain(timeoutMs: number): boolean {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const applied = Atomics.load(this.state, APPLIED);
      if (applied >= this.posted) return true;
      if (Atomics.load(this.state, STATE) !== RUNNING) return false;
      const left = end - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.state, APPLIED, applied, left);
    }
  }

  close(): void {
    if (Atomics.load(this.state, STATE) === RUNNING) {
      this.worker.postMessage({ close: true } satisfies SearchWorkerRequest);
      // The worker closes its database (deleting the journal) before it exits.
      const end = performance.now() + 30_000;
      while (Atomics.load(this.state, STATE) === RUNNING && performance.now() < end) Atomics.wait(this.state, STATE, RUNNING, 1000);
    }
    // Nothing it still says matters once closed (its queued replies would reach a closed store).
    this.worker.removeAllListeners('message');
    void this.worker.terminate();
  }
}
