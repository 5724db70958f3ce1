import { Worker, type ResourceLimits } from 'node:worker_threads';
import { PliError } from '../../shared/errors';

/**
 * Starts one of the mailbox's worker threads from the module at `here` (this folder): the TypeScript
 * source through tsx in a source checkout (tests, dev; the loader is not inherited by threads), or the
 * script the build emits beside the bundle (`built`).
 */
export function startStoreThread(here: string | undefined, source: string, built: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  if (typeof here === 'string' && here.endsWith('.ts')) {
    const src = new URL(source, here).href;
    return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(src)}); });`, {
      eval: true,
      workerData,
      resourceLimits,
    });
  }
  if (typeof here !== 'string') throw new PliError('internal', 'Emplacement du worker de la messagerie inconnu (workerUrl).');
  return new Worker(new URL(built, here), { workerData, resourceLimits });
}
