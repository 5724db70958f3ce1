// Receive pipeline: fetch (POP3/IMAP) -> classify -> decrypt -> verify -> HPRIM -> store once -> seen/delete.
export {
  ReceivePipeline,
  RECEIVE_BATCH,
  READER_THREAD_MIN_LETTERS,
  retryReview,
  POP3_MAILBOX,
  type ReceiveAccount,
  type ReceiveMailbox,
  type ReceiveOptions,
  type ReceiveProgress,
  type RetryResult,
  type SyncResult,
} from './pipeline';
export { processMessage, type LetterOpener, type ProcessDeps } from './process';
export { hprimFields } from './hprim-fields';
export { ReceiveKeys } from './keys';
export { SharedReader } from './reader-thread';
export { loadReceiveAccount, deleteAfterDaysKey } from './account';
