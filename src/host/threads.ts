import { Worker, type ResourceLimits } from 'node:worker_threads';
import { PliError } from '../shared/errors';

/**
 * Starts one of the host's worker threads (mailbox, search index, letter reading) from the module at
 * `here`: its TypeScript `source` beside it through tsx in a source checkout (tests, dev; the loader is
 * not inherited by threads), or the script the build emits beside the bundle (`built`). `url` names
 * another built script instead (benchmarks run the scripts as the builds ship them).
 */
export function startWorkerThread(
  here: string | undefined,
  source: string,
  built: string,
  workerData: unknown,
  resourceLimits?: ResourceLimits,
  url?: URL,
): Worker {
  if (url) return new Worker(url, { workerData, resourceLimits });
  if (typeof here === 'string' && here.endsWith('.ts')) {
    const src = new URL(source, here).href;
    return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(src)}); });`, {
      eval: true,
      workerData,
      resourceLimits,
    });
  }
  if (typeof here !== 'string') throw new PliError('internal', 'Emplacement d’un fil d’exécution de Pli inconnu (workerUrl).');
  return new Worker(new URL(built, here), { workerData, resourceLimits });
}
