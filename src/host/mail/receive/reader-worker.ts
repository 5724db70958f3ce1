// The letter-reading thread: classify -> decrypt -> verify -> parse HPRIM (processMessage), off the
// thread that talks to the mail server, the store and the window.
import { parentPort, workerData } from 'node:worker_threads';
import { isPliError } from '../../../shared/errors';
import { snapshotOpener } from './keys';
import { processMessage, type ProcessDeps } from './process';
import type { ReaderInit, ReaderReply, ReaderRequest, ReaderUse } from './reader-protocol';

// Texts go back as UTF-8 bytes, transferred: no string of a letter's text is made on the host thread.
const depsOf = (init: ReaderInit): ProcessDeps => ({ keys: snapshotOpener(init.keys), textAsUtf8: true, ...(init.trust ? { signatureTrust: init.trust } : {}) });
let deps = depsOf(workerData as ReaderInit);
const port = parentPort!;

port.on('message', (m: ReaderRequest | ReaderUse) => {
  // Messages come in order: the requests after a new run's keys are read with them.
  if ('use' in m) {
    deps = depsOf(m.use);
    return;
  }
  const req = m;
  void read(req, deps).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (e: unknown) => {
      const error = isPliError(e)
        ? { code: e.code, message_fr: e.message_fr, message: e.message }
        : { code: 'internal', message_fr: 'Erreur interne pendant la lecture du courrier reçu.', message: e instanceof Error ? e.message : String(e) };
      port.postMessage({ id: req.id, error } satisfies ReaderReply);
    },
  );
});

async function read(req: ReaderRequest, deps: ProcessDeps): Promise<{ reply: ReaderReply; transfer: ArrayBuffer[] }> {
  const letters = [];
  const transfer: ArrayBuffer[] = [];
  for (const raw of req.raws) {
    const letter = await processMessage(raw, deps);
    letters.push(letter);
    // The original bytes go back to the caller without a copy: the buffer is the one it transferred here.
    if (letter.raw === raw) transfer.push(raw.buffer as ArrayBuffer);
    // Made by TextEncoder: a buffer of its own.
    if (letter.text instanceof Uint8Array && letter.text.length > 0) transfer.push(letter.text.buffer as ArrayBuffer);
  }
  return { reply: { id: req.id, letters }, transfer };
}
