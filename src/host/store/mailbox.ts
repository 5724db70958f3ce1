import type { Worker } from 'node:worker_threads';
import { PliError } from '../../shared/errors';
import { startWorkerThread } from '../threads';
import { silentLogger, type Logger } from '../log/logger';
import { MAILBOX_OPS, type MailboxApi, type RpcError, type RpcRequest, type WorkerInit, type WorkerMessage, type WorkerOpen } from './protocol';

export interface OpenMailboxOptions {
  /** Path of mailbox.db. */
  file: string;
  /** The 256-bit database key from `unlock`; null only for the unencrypted benchmark baseline. */
  key: Uint8Array | null;
  /** Create the database when missing (profile creation and tests only). */
  create?: boolean;
  logger?: Logger;
  /** Queries slower than this are logged (operation name and duration only). Default 40 ms. */
  slowMs?: number;
  /**
   * The worker script. Default: worker.ts beside this file under tsx (tests, dev), or
   * `store-worker.js` beside the bundle in builds (the build must emit src/host/store/worker.ts there).
   */
  workerUrl?: URL;
  /** A worker started ahead with `prepareStoreWorker` (while the key was derived); used if it is sound. */
  prepared?: PreparedStoreWorker;
}

/**
 * A store worker started before its key is known: starting a thread and loading the store's code takes
 * ~100 ms, which the unlock spends anyway deriving the key from the password (scrypt, 0.35-0.7 s, in the
 * thread pool). Given to openMailbox, or discarded (wrong password).
 */
export interface PreparedStoreWorker {
  readonly worker: Worker;
  /** Why the thread is no longer usable (it failed, or ended), when it is not: openMailbox then starts another. */
  readonly ended: unknown;
  discard(): Promise<void>;
}

export function prepareStoreWorker(workerUrl?: URL): PreparedStoreWorker {
  const worker = startWorker(undefined, workerUrl);
  const handle = {
    worker,
    ended: undefined as unknown,
    discard: async () => {
      await worker.terminate();
    },
  };
  // Until openMailbox listens: a failure is remembered, not thrown.
  worker.on('error', (e) => (handle.ended ??= e));
  worker.on('exit', (code) => (handle.ended ??= new Error(`worker exit ${code}`)));
  return handle;
}

/** The async face of the mailbox: every call runs in the store worker. */
export interface Mailbox extends MailboxApi {
  /** Reservations of dead processes abandoned while opening. */
  readonly abandonedAtOpen: number;
  readonly schemaVersion: number;
  /**
   * `storeReceived`, handing the letters' buffers (original bytes, text bytes, attachments) over to the
   * store thread rather than copying them: they are detached here once called. For letters whose
   * buffers the caller alone holds (read in the letter-reading thread, which transferred them).
   */
  storeReceivedHandingOver: MailboxApi['storeReceived'];
  close(): Promise<void>;
}

type ReceivedItems = Parameters<MailboxApi['storeReceived']>[0];

/** Each buffer under the letters once (a transfer list may not name one twice). */
function letterBuffers(items: ReceivedItems): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (b: Uint8Array | string | undefined) => b instanceof Uint8Array && b.byteLength > 0 && out.add(b.buffer as ArrayBuffer);
  for (const { letter } of items) {
    add(letter.raw);
    add(letter.text);
    for (const a of letter.attachments ?? []) add(a.bytes);
  }
  return [...out];
}

/**
 * The store thread's young generation is capped at 16 MB (V8 lets a thread's grow to 48 MB): batches of
 * hundreds of letters pass through it, and the larger nursery only kept their garbage resident (peak RSS
 * 311-314 MB -> 287-297 MB at 20,000 letters, same insert rate). Smaller caps measured worse (8-12 MB:
 * a 500-letter batch no longer dies young and the old generation grows instead).
 */
const STORE_THREAD_LIMITS = { maxYoungGenerationSizeMb: 16 };

function startWorker(init: WorkerInit | undefined, url?: URL): Worker {
  return startWorkerThread(import.meta.url, './worker.ts', './store-worker.js', init, STORE_THREAD_LIMITS, url);
}

function toError(e: RpcError): PliError {
  return new PliError(e.code, e.message_fr, e.details, e.internal ? { cause: new Error(e.internal) } : undefined);
}

export async function openMailbox(opts: OpenMailboxOptions): Promise<Mailbox> {
  const log = opts.logger ?? silentLogger;
  const init: WorkerInit = {
    file: opts.file,
    keyHex: opts.key === null ? null : Buffer.from(opts.key).toString('hex'),
    create: opts.create ?? false,
    slowMs: opts.slowMs ?? 40,
  };
  const prepared = opts.prepared && !opts.prepared.ended ? opts.prepared : undefined;
  if (opts.prepared && !prepared) void opts.prepared.discard();
  const worker = prepared?.worker ?? startWorker(init, opts.workerUrl);
  if (prepared) worker.postMessage({ open: init } satisfies WorkerOpen);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; op: string }>();
  let nextId = 1;
  let closed = false;

  const ready = new Promise<{ abandoned: number; schemaVersion: number }>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'ready':
          resolve({ abandoned: m.abandoned, schemaVersion: m.schemaVersion });
          return;
        case 'fatal':
          reject(toError(m.error));
          return;
        case 'slow':
          log.warn('slow mailbox query', { op: m.op, ms: Math.round(m.ms) });
          return;
        case 'warn':
          log.warn(m.event, m.fields);
          return;
        case 'reply': {
          const p = pending.get(m.id);
          if (!p) return;
          pending.delete(m.id);
          if (m.ok) p.resolve(m.result);
          else {
            if (m.error.code === 'internal') log.error('mailbox query failed', { op: p.op, error: m.error.internal });
            p.reject(toError(m.error));
          }
        }
      }
    });
    const fail = (e: unknown) => {
      const err = new PliError('mailbox_closed', 'La messagerie s’est fermée de façon inattendue. Relancez Pli.', undefined, { cause: e });
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    worker.on('error', (e) => {
      log.error('mailbox worker crashed', { error: e });
      fail(e);
    });
    worker.on('exit', (code) => {
      closed = true;
      if (pending.size > 0) fail(new Error(`worker exit ${code}`));
    });
  });

  const call = (op: RpcRequest['op'], args: unknown[], transfer?: ArrayBuffer[]): Promise<unknown> => {
    if (closed) return Promise.reject(new PliError('mailbox_closed', 'La messagerie est fermée.'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, op });
      worker.postMessage({ id, op, args } satisfies RpcRequest, transfer);
    });
  };

  let info: { abandoned: number; schemaVersion: number };
  try {
    info = await ready;
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  if (info.abandoned > 0) log.info('abandoned stale pad reservations', { count: info.abandoned });

  const api = Object.fromEntries(MAILBOX_OPS.map((op) => [op, (...args: unknown[]) => call(op, args)])) as unknown as MailboxApi;
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  return {
    ...api,
    abandonedAtOpen: info.abandoned,
    schemaVersion: info.schemaVersion,
    storeReceivedHandingOver: (items) => call('storeReceived', [items], letterBuffers(items)) as ReturnType<MailboxApi['storeReceived']>,
    async close() {
      if (closed) return;
      await call('close', []);
      closed = true;
      await exited;
    },
  };
}
