/**
 * The names of the contract's commands and events, apart from their schemas so that the Electron
 * preload can hold its allow-lists without bundling the validation library. `contract.ts` is
 * type-checked against these lists in both directions.
 */
export const commandNames = Object.freeze([
  'app.info',
  'profile.status',
  'settings.get',
  'settings.update',
] as const);

export const eventNames = Object.freeze(['profile.changed', 'settings.changed'] as const);

export type CommandName = (typeof commandNames)[number];
export type EventName = (typeof eventNames)[number];
