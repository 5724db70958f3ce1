import type { Worker } from 'node:worker_threads';
import { PliError } from '../../../shared/errors';
import { startWorkerThread } from '../../threads';
import type { LetterInput } from '../../store/types';
import type { ReaderInit, ReaderReply, ReaderRequest, ReaderUse } from './reader-protocol';

/** Its nursery, like the store thread's: batches of large letters pass through and die young. */
const READER_THREAD_LIMITS = { maxYoungGenerationSizeMb: 16 };

/**
 * A letter-reading thread (see reader-worker.ts), of one receive run or kept between runs (SharedReader).
 * Requests are answered in order;
 * a thread that dies fails every pending request with a typed error (the run stops, nothing is stored
 * from the unread messages, the next run fetches them again).
 */
export class ReaderThread {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (l: LetterInput[]) => void; reject: (e: unknown) => void }>();
  private broken: PliError | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: ReaderReply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if ('error' in m) w.reject(new PliError(m.error.code, m.error.message_fr, undefined, { cause: new Error(m.error.message) }));
      else w.resolve(m.letters);
    });
    const fail = (cause: unknown) => {
      this.broken ??= new PliError('internal', 'La lecture du courrier reçu s’est interrompue. Relevez de nouveau le courrier.', undefined, { cause });
      for (const w of this.waiting.values()) w.reject(this.broken);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`reader thread exited (${code})`)));
  }

  /** `url`: the built reader-worker.js (benchmarks); by default the one beside this module or bundle. */
  static start(init: ReaderInit, url?: URL): ReaderThread {
    return new ReaderThread(startWorkerThread(import.meta.url, './reader-worker.ts', './reader-worker.js', init, READER_THREAD_LIMITS, url));
  }

  /** A thread of a run's own, lent as SharedReader lends its kept one: given back, it ends. */
  static forOneRun(init: ReaderInit, url?: URL): ReaderLease {
    const reader = ReaderThread.start(init, url);
    return { reader, giveBack: () => reader.close() };
  }

  /** Reads these messages (copied: the caller keeps its buffers) into letters, in the same order. */
  read(raws: Uint8Array[]): Promise<LetterInput[]> {
    if (this.broken) return Promise.reject(this.broken);
    const copies = raws.map((r) => new Uint8Array(r));
    const req: ReaderRequest = { id: this.nextId++, raws: copies };
    return new Promise((resolve, reject) => {
      this.waiting.set(req.id, { resolve, reject });
      this.worker.postMessage(req, copies.map((c) => c.buffer));
    });
  }

  /** The keys (and trust) of a new run: the reads asked for from now on use them. */
  use(init: ReaderInit): void {
    this.worker.postMessage({ use: init } satisfies ReaderUse);
  }

  /** False once the thread died or was closed. */
  get usable(): boolean {
    return this.broken === undefined;
  }

  /** Whether the thread keeps the process alive (while a run uses it) or not (while it waits, idle). */
  hold(on: boolean): void {
    if (on) this.worker.ref();
    else this.worker.unref();
  }

  async close(): Promise<void> {
    this.broken ??= new PliError('internal', 'Lecture du courrier terminée.');
    await this.worker.terminate();
  }
}

/** A reading thread lent to one run, given back at its end. */
export interface ReaderLease {
  reader: ReaderThread;
  giveBack(): Promise<void>;
}

/**
 * One letter-reading thread kept between receive runs (the accounts of one « Relever », runs that follow
 * each other): a new thread reads its first thousand letters at about twice the CPU time per letter
 * (measured: 0.92 ms, then 0.41-0.45 ms once its code is optimized), which each large run paid again.
 * A run lends it with its own keys (`use`); idle for `idleMs` it is ended, the keys with it. One run at a
 * time: a run that finds it lent gets a thread of its own, ended with that run.
 */
export class SharedReader {
  private thread: ReaderThread | undefined;
  private lent = false;
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly opts: { url?: URL; idleMs?: number } = {}) {}

  lend(init: ReaderInit): ReaderLease {
    if (this.lent) return ReaderThread.forOneRun(init, this.opts.url);
    clearTimeout(this.idle);
    const kept = this.thread?.usable ? this.thread : undefined;
    if (kept) kept.use(init);
    else void this.thread?.close();
    const thread = kept ?? ReaderThread.start(init, this.opts.url);
    this.thread = thread;
    thread.hold(true);
    this.lent = true;
    return {
      reader: thread,
      giveBack: async () => {
        this.lent = false;
        if (this.thread !== thread) return;
        thread.hold(false);
        this.idle = setTimeout(() => void this.close(), this.opts.idleMs ?? SHARED_READER_IDLE_MS);
        this.idle.unref();
      },
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const t = this.thread;
    this.thread = undefined;
    await t?.close();
  }
}

/** How long a kept reader thread waits for the next run before it is ended. */
export const SHARED_READER_IDLE_MS = 60_000;
