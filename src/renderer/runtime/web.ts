import type { PliApi } from '../../shared/api';
import { HostError } from '../../shared/api';
import type { EventMessage, ReplyMessage } from '../../shared/wire';

/**
 * PliApi over the web shell's WebSocket. The token travels in an HttpOnly cookie set by the shell,
 * so this code never sees it. Requests made before the socket opens wait for it.
 */
export function createWebApi(): PliApi {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
  const ws = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new HostError({ code: 'shell_unreachable', message_fr: 'Connexion à Pli impossible. Relancez « npm run serve » et ouvrez l’adresse affichée.' })), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const handlers = new Map<string, Set<(p: unknown) => void>>();

  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as ReplyMessage | EventMessage;
    if ('id' in msg) {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new HostError(msg.error));
    } else {
      for (const h of handlers.get(msg.event) ?? []) h(msg.payload);
    }
  });
  ws.addEventListener('close', () => {
    for (const p of pending.values()) p.reject(new HostError({ code: 'shell_closed', message_fr: 'La connexion à Pli a été fermée.' }));
    pending.clear();
  });

  return {
    async invoke(command, payload) {
      await opened;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, command, payload }));
      });
    },
    on(event, handler) {
      const set = handlers.get(event) ?? new Set();
      set.add(handler as (p: unknown) => void);
      handlers.set(event, set);
      return () => set.delete(handler as (p: unknown) => void);
    },
  };
}
