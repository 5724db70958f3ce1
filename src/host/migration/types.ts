import type { FolderRole } from '../store/schema';

/** What a legacy installation can hold, as found by detection or named by the user. */
export type SourceKind = 'keys' | 'mbox' | 'maildir' | 'eml' | 'hprim' | 'legacy-store';

export interface LegacySource {
  kind: SourceKind;
  /** Absolute path of the file or folder. */
  path: string;
  /** Folder the letters go to: a system role, or a user folder name (created when missing). */
  folder?: FolderRole | { name: string };
  /** Bytes to read (files of the source), for progress and ETA. */
  bytes: number;
  /** Number of files (folders of messages), when known. */
  files?: number;
  /** legacy-store only: what was found (name, size), listed in the report. */
  found?: { name: string; size: number }[];
}

/** One letter that could not be decrypted, or one thing that could not be read. */
export interface MigrationProblem {
  /** Source path and item (message number, file name). Never letter text or patient identity. */
  where: string;
  code: string;
  message_fr: string;
}

export interface MigrationCounts {
  /** Letters added to the mailbox, readable. */
  imported: number;
  /** Letters (or copies of them) the mailbox already held. */
  alreadyPresent: number;
  /** Letters kept in "À vérifier" because they could not be decrypted (missing key, damaged). */
  notDecryptable: number;
  /** Messages or files that could not be read at all (nothing stored). */
  notReadable: number;
}

export interface KeyImportSummary {
  path: string;
  imported: string[];
  alreadyPresent: string[];
  unsupported: string[];
  rejected: { file: string; code: string; message_fr: string }[];
}

export interface SourceReport extends MigrationCounts {
  kind: SourceKind;
  path: string;
  /** Resumed from an earlier, interrupted run. */
  resumed: boolean;
  /** Stopped by cancel before the end (resumable). */
  complete: boolean;
  problems: MigrationProblem[];
  keys?: KeyImportSummary;
  /** legacy-store only. */
  found?: { name: string; size: number }[];
}

export interface MigrationReport extends MigrationCounts {
  dryRun: boolean;
  cancelled: boolean;
  startedAt: string;
  finishedAt: string;
  sources: SourceReport[];
  /** Letters of "À vérifier" decrypted thanks to keys imported during this run. */
  recovered: number;
}

export interface MigrationProgress {
  source: string;
  sourceIndex: number;
  sourceCount: number;
  /** Letters handled so far in this run (all outcomes). */
  letters: number;
  imported: number;
  alreadyPresent: number;
  notDecryptable: number;
  notReadable: number;
  bytesDone: number;
  bytesTotal: number;
  /** Seconds left at the current rate, when it can be told. */
  etaSeconds?: number;
}
