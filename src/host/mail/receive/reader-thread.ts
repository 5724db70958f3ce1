import { Worker } from 'node:worker_threads';
import { PliError } from '../../../shared/errors';
import { startWorkerThread } from '../../threads';
import type { LetterInput } from '../../store/types';
import type { ReaderInit, ReaderReply, ReaderRequest } from './reader-protocol';

/** Its nursery, like the store thread's: batches of large letters pass through and die young. */
const READER_THREAD_LIMITS = { maxYoungGenerationSizeMb: 16 };

/**
 * The letter-reading thread of one receive run (see reader-worker.ts). Requests are answered in order;
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
    const worker = url
      ? new Worker(url, { workerData: init, resourceLimits: READER_THREAD_LIMITS })
      : startWorkerThread(import.meta.url, './reader-worker.ts', './reader-worker.js', init, READER_THREAD_LIMITS);
    return new ReaderThread(worker);
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

  async close(): Promise<void> {
    this.broken ??= new PliError('internal', 'Lecture du courrier terminée.');
    await this.worker.terminate();
  }
}
