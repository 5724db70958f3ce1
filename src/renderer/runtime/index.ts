import type { PliApi } from '../../shared/api';
import { createElectronApi } from './electron';
import { createWebApi } from './web';

/** The runtime the renderer talks to: Electron's preload bridge if present, else the web shell. */
export function getApi(): PliApi {
  return window.pliBridge ? createElectronApi(window.pliBridge) : createWebApi();
}
