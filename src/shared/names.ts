/**
 * The names of the contract's commands and events, apart from their schemas so that the Electron
 * preload can hold its allow-lists without bundling the validation library. `contract.ts` is
 * type-checked against these lists in both directions.
 */
export const commandNames = Object.freeze([
  'app.info',
  'profile.status',
  'profile.create',
  'profile.unlock',
  'profile.recover',
  'profile.changePassword',
  'profile.lock',
  'settings.get',
  'settings.update',
  'folders.list',
  'letters.list',
  'letters.search',
  'letters.get',
  'letters.setFlags',
  'letters.move',
  'letters.retry',
  'letters.export',
  'letters.attachment',
  'trash.empty',
  'patients.search',
  'patients.labSeries',
  'compose.send',
  'compose.saveDraft',
  'keys.list',
  'keys.importMedium',
  'keys.detectMedia',
  'practice.list',
  'practice.save',
  'accounts.list',
  'accounts.save',
  'accounts.test',
  'mail.sync',
  'card.status',
  'card.login',
  'directory.search',
  'directory.importCsv',
  'directory.exportCsv',
  'directory.ldapSave',
  'directory.ldapRefresh',
  'directory.block',
  'directory.unblock',
  'directory.blocked',
  'ui.mark',
  'migration.detect',
  'migration.start',
  'migration.cancel',
] as const);

export const eventNames = Object.freeze([
  'profile.changed',
  'settings.changed',
  'letters.changed',
  'sync.progress',
  'keys.changed',
  'card.changed',
  'notice',
  'timing',
  'migration.progress',
] as const);

export type CommandName = (typeof commandNames)[number];
export type EventName = (typeof eventNames)[number];
