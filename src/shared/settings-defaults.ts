import type { Settings } from './settings';

/**
 * The settings' defaults as a plain value, for the renderer's first paint: importing them does not
 * pull the schema library into the window's bundle. `settings.test.ts` keeps them equal to the schema's.
 */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  language: 'fr',
  lockAfterMinutes: 15,
  monospaceLetters: true,
  cardIdleMinutes: 15,
});
