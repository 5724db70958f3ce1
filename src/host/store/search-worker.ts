// The search-index worker: the one connection of this process to the letters' search index.
import { parentPort, workerData } from 'node:worker_threads';
import { SearchIndexDb, unpackOps } from './search-index';
import { APPLIED, CLOSED, FAILED, STATE, type SearchWorkerInit, type SearchWorkerReply, type SearchWorkerRequest } from './search-index-writer';

const port = parentPort;
if (!port) throw new Error('search-index worker started outside a worker thread');
const init = workerData as SearchWorkerInit;
const state = new Int32Array(init.shared);
const reply = (m: SearchWorkerReply) => port.postMessage(m);

function setState(s: number): void {
  Atomics.store(state, STATE, s);
  Atomics.notify(state, STATE);
  Atomics.notify(state, APPLIED);
}

let db: SearchIndexDb | undefined;
try {
  db = SearchIndexDb.open(init.file, init.keyHex === null ? null : Buffer.from(init.keyHex, 'hex'));
} catch (e) {
  setState(FAILED);
  reply({ failed: e instanceof Error ? `${e.name}: ${e.message}` : 'open failed' });
  port.close();
}

port.on('message', (m: SearchWorkerRequest) => {
  if (!db) return;
  if ('close' in m) {
    db.close();
    db = undefined;
    setState(CLOSED);
    port.close();
    return;
  }
  try {
    db.apply(unpackOps(m.ops));
  } catch (e) {
    // SQLite messages name tables, never the letters' words. The batch is rolled back: the mailbox
    // repairs the index from its letters when it next opens.
    db.close();
    db = undefined;
    setState(FAILED);
    reply({ failed: e instanceof Error ? `${e.name} ${(e as { code?: string }).code ?? ''}: ${e.message}` : 'apply failed' });
    port.close();
    return;
  }
  Atomics.store(state, APPLIED, m.seq);
  Atomics.notify(state, APPLIED);
  port.postMessage({ applied: m.seq, buffer: m.ops.bytes } satisfies SearchWorkerReply, [m.ops.bytes]);
});
