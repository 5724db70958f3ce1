// The encrypted mailbox: schema, queries (in a worker), key store, pad ledger, backups.
export { openMailbox, prepareStoreWorker, type Mailbox, type OpenMailboxOptions, type PreparedStoreWorker } from './mailbox';
export { MailboxStore, ftsQuery } from './mailbox-store';
export { openDatabase, createMailboxDatabase, type Db, type OpenOptions } from './db';
export { SCHEMA_VERSION, SYSTEM_FOLDERS, migrations, type FolderRole, type Migration } from './schema';
export { backupMailbox, backupOpenMailbox, restoreMailbox } from './backup';
export { openProfileMailbox } from './open-profile';
export { MAILBOX_OPS, type MailboxApi, type MailboxOp } from './protocol';
export type * from './types';
