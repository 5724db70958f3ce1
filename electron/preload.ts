import { contextBridge, ipcRenderer } from 'electron';
import { commandNames, eventNames } from '../src/shared/names';

// The only bridge between the page and the host: invoke a contract command, or listen to a contract
// event. Names outside the frozen allow-lists are refused here, and the raw IPC event never reaches
// the page (handlers receive only the payload).
const allowedCommands: ReadonlySet<string> = Object.freeze(new Set<string>(commandNames));
const allowedEvents: ReadonlySet<string> = Object.freeze(new Set<string>(eventNames));

const api = Object.freeze({
  invoke(command: string, payload: unknown): Promise<unknown> {
    if (!allowedCommands.has(command)) return Promise.reject(new Error(`Commande non autorisée : ${command}`));
    return ipcRenderer.invoke('pli:invoke', command, payload).then((r: { ok: boolean; result?: unknown; error?: unknown }) => {
      if (r.ok) return r.result;
      // HostError cannot cross contextBridge as a class: the renderer wraps this plain object.
      throw Object.assign(new Error('host-error'), { wire: r.error });
    });
  },
  on(event: string, handler: (payload: unknown) => void): () => void {
    if (!allowedEvents.has(event)) throw new Error(`Événement non autorisé : ${event}`);
    const listener = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) handler(payload);
    };
    ipcRenderer.on('pli:event', listener);
    return () => ipcRenderer.removeListener('pli:event', listener);
  },
});

contextBridge.exposeInMainWorld('pliBridge', api);
