import type { PliApi } from '../../shared/api';
import { HostError } from '../../shared/api';
import type { WireError } from '../../shared/errors';

interface Bridge {
  invoke(command: string, payload: unknown): Promise<unknown>;
  on(event: string, handler: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    /** Exposed by electron/preload.ts through contextBridge; absent in the web shell. */
    pliBridge?: Bridge;
  }
}

/** PliApi over the Electron preload bridge; host errors come back as HostError, as in the web shell. */
export function createElectronApi(bridge: Bridge): PliApi {
  return {
    invoke: (command, payload) =>
      bridge.invoke(command, payload).catch((e: { wire?: WireError }) => {
        throw e.wire ? new HostError(e.wire) : e;
      }) as never,
    on: (event, handler) => bridge.on(event, handler as (p: unknown) => void),
  };
}
