// The store worker: the one connection (and single writer) of this process to the mailbox database.
import { parentPort, workerData } from 'node:worker_threads';
import { isPliError } from '../../shared/errors';
import { MailboxStore } from './mailbox-store';
import { MAILBOX_OPS, type RpcError, type RpcRequest, type WorkerInit, type WorkerMessage, type WorkerOpen } from './protocol';

const port = parentPort;
if (!port) throw new Error('store worker started outside a worker thread');
// Started with what to open, or ahead of it (while the password's key is derived): then told first.
let init = workerData as WorkerInit | undefined;
const ops = new Set<string>(MAILBOX_OPS);
const post = (m: WorkerMessage) => port.postMessage(m);

function toRpcError(e: unknown): RpcError {
  if (isPliError(e)) return e.details ? { code: e.code, message_fr: e.message_fr, details: e.details } : { code: e.code, message_fr: e.message_fr };
  return {
    code: 'internal',
    message_fr: 'Erreur interne de la messagerie. Le journal de Pli contient les détails techniques.',
    // SQLite messages name tables and columns, never row values.
    internal: e instanceof Error ? `${e.name} ${(e as { code?: string }).code ?? ''}: ${e.message}` : 'unknown',
  };
}

let store: MailboxStore | undefined;

const open = (what: WorkerInit): void => {
  init = what;
  try {
    const key = what.keyHex === null ? null : Buffer.from(what.keyHex, 'hex');
    store = MailboxStore.open(what.file, key, {
      create: what.create,
      inWorker: true,
      warn: (event, fields) => post({ type: 'warn', event, fields }),
    });
    const abandoned = store.abandonStaleReservations();
    post({ type: 'ready', abandoned, schemaVersion: store.schemaVersion() });
  } catch (e) {
    post({ type: 'fatal', error: toRpcError(e) });
    port.close();
  }
};

if (init) open(init);

port.on('message', (req: RpcRequest | WorkerOpen) => {
  if ('open' in req) {
    if (!init) open(req.open);
    return;
  }
  const t0 = performance.now();
  try {
    if (!store) throw new Error('store closed');
    if (req.op === 'close') {
      store.close();
      store = undefined;
      post({ type: 'reply', id: req.id, ok: true, result: undefined, ms: performance.now() - t0 });
      port.close();
      return;
    }
    if (!ops.has(req.op)) throw new Error('unknown op');
    const fn = (store as unknown as Record<string, (...a: unknown[]) => unknown>)[req.op]!;
    const result = fn.apply(store, req.args);
    const ms = performance.now() - t0;
    if (ms > init!.slowMs) post({ type: 'slow', op: req.op, ms });
    post({ type: 'reply', id: req.id, ok: true, result, ms });
  } catch (e) {
    post({ type: 'reply', id: req.id, ok: false, error: toRpcError(e), ms: performance.now() - t0 });
  }
});
