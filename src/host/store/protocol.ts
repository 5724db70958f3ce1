import type { MailboxStore } from './mailbox-store';

/** The store operations callable from the main thread (all public queries of MailboxStore). */
export const MAILBOX_OPS = [
  'listFolders',
  'createFolder',
  'insertLetters',
  'getLetter',
  'getAttachment',
  'countLetters',
  'listFolder',
  'search',
  'flushSearchIndex',
  'moveLetters',
  'setFlags',
  'trashLetters',
  'restoreFromTrash',
  'emptyTrash',
  'findPatients',
  'getPatient',
  'patientLetters',
  'patientHistory',
  'getSetting',
  'setSetting',
  'audit',
  'listAudit',
  'importKey',
  'listKeys',
  'getPad',
  'getKeyPad',
  'reservePadRange',
  'markPadUsed',
  'abandonStaleReservations',
  'listReservations',
  'integrityCheck',
  'vacuumInto',
  'receivedUids',
  'storeReceived',
  'markReceived',
  'receivedInState',
  'reviewLetters',
  'resolveReview',
  'receiveAccount',
  'enqueueOutgoing',
  'dueOutgoing',
  'outgoingLetter',
  'outboxStatus',
  'markOutboxSending',
  'storeSealedMessage',
  'markOutboxResults',
  'migrationProgress',
  'migrationCommit',
  'migrationForget',
  'saveAccountRow',
  'listAccountRows',
  'exportAddPending',
  'exportRecord',
  'exportUnfinished',
  'exportContent',
  'exportEntriesFor',
  // directory
  'directoryUpsert',
  'directoryReplaceSource',
  'directoryRemoveSource',
  'directoryGetEntry',
  'directoryListEntries',
  'directorySearch',
  'directoryListSources',
  'directorySaveSource',
  'directoryRecordCorrespondents',
  'directoryListBlocked',
  'directoryBlock',
  'directoryUnblock',
  'directoryMoveSenderLetters',
] as const satisfies readonly (keyof MailboxStore)[];

export type MailboxOp = (typeof MAILBOX_OPS)[number];

export type MailboxApi = {
  [K in MailboxOp]: (...args: Parameters<MailboxStore[K]>) => Promise<ReturnType<MailboxStore[K]>>;
};

export interface WorkerInit {
  file: string;
  /** Hex of the 256-bit database key, or null for an unencrypted database (benchmark baseline). */
  keyHex: string | null;
  create: boolean;
  slowMs: number;
}

/** The first message of a store worker started ahead (`prepareStoreWorker`): what to open. */
export interface WorkerOpen {
  open: WorkerInit;
}

export interface RpcRequest {
  id: number;
  op: MailboxOp | 'close';
  args: unknown[];
}

export interface RpcError {
  code: string;
  message_fr: string;
  details?: Record<string, unknown>;
  /** Technical message for non-Pli errors (kept out of user messages). */
  internal?: string;
}

export type WorkerMessage =
  | { type: 'ready'; abandoned: number; schemaVersion: number }
  | { type: 'fatal'; error: RpcError }
  | { type: 'slow'; op: string; ms: number }
  | { type: 'warn'; event: string; fields?: Record<string, unknown> }
  | { type: 'reply'; id: number; ok: true; result: unknown; ms: number }
  | { type: 'reply'; id: number; ok: false; error: RpcError; ms: number };
