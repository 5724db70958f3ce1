import * as pkijs from 'pkijs';

let installed = false;

/**
 * pkijs looks for a WebCrypto engine globally; Node (and Electron's main process) provide
 * `globalThis.crypto`. Installed once, lazily, so that importing the core stays side-effect free.
 */
export function ensurePkijsEngine(): void {
  if (installed) return;
  const webcrypto = globalThis.crypto;
  if (!webcrypto?.subtle) throw new Error('WebCrypto (globalThis.crypto) is unavailable');
  pkijs.setEngine('pli', new pkijs.CryptoEngine({ name: 'pli', crypto: webcrypto }));
  installed = true;
}
