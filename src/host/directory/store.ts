/**
 * Where the directory lives: entries of every source (cached for offline use), source descriptions and
 * the block list. The mailbox implements it with tables (see the report of issue 11); tests and benches
 * use InMemoryDirectoryStore. Asynchronous because the mailbox runs in a worker.
 */
import type { BlockedSender, DirectoryEntry, SourceId, SourceKind } from '../../core/directory';

export interface DirectorySourceInfo {
  id: SourceId;
  kind: SourceKind;
  /** What the user named it ('Annuaire du GHT', 'Export Médistory'…). */
  label: string;
  /** ISO 8601 of the last import or LDAP refresh. */
  updatedAt: string;
  entries: number;
}

export interface DirectoryStore {
  /** Adds or replaces entries by (source, key). */
  upsertEntries(source: SourceId, entries: readonly DirectoryEntry[]): Promise<void>;
  /** A re-import: afterwards the source holds exactly these entries. */
  replaceSource(source: SourceId, entries: readonly DirectoryEntry[]): Promise<void>;
  /** Forgets a source and its entries. */
  removeSource(source: SourceId): Promise<void>;
  getEntry(source: SourceId, key: string): Promise<DirectoryEntry | undefined>;
  listEntries(source: SourceId): Promise<DirectoryEntry[]>;
  /**
   * Candidates for a search: entries where every token (from queryTokens) starts a word of some field,
   * at most `limit`, best first as far as the store can tell (the service re-ranks with scoreEntry).
   */
  search(tokens: readonly string[], limit: number): Promise<DirectoryEntry[]>;

  listSources(): Promise<DirectorySourceInfo[]>;
  saveSource(info: DirectorySourceInfo): Promise<void>;

  listBlocked(): Promise<BlockedSender[]>;
  /** Adds or replaces the block of b.key. */
  block(b: BlockedSender): Promise<void>;
  /** False when the key was not blocked. */
  unblock(key: string): Promise<boolean>;
}
