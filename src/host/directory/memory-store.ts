/** DirectoryStore in memory, over the core's prefix index: for tests, benches and a profile without mailbox. */
import { DirectoryIndex, type BlockedSender, type DirectoryEntry, type SourceId } from '../../core/directory';
import type { DirectorySourceInfo, DirectoryStore } from './store';

export class InMemoryDirectoryStore implements DirectoryStore {
  readonly index = new DirectoryIndex();
  private readonly sources = new Map<SourceId, DirectorySourceInfo>();
  private readonly blocked = new Map<string, BlockedSender>();

  private static owned(source: SourceId, entries: readonly DirectoryEntry[]): DirectoryEntry[] {
    return entries.map((e) => (e.source === source ? e : { ...e, source }));
  }

  async upsertEntries(source: SourceId, entries: readonly DirectoryEntry[]): Promise<void> {
    this.index.upsert(InMemoryDirectoryStore.owned(source, entries));
  }

  async replaceSource(source: SourceId, entries: readonly DirectoryEntry[]): Promise<void> {
    this.index.replaceSource(source, InMemoryDirectoryStore.owned(source, entries));
  }

  async removeSource(source: SourceId): Promise<void> {
    this.index.removeSource(source);
    this.sources.delete(source);
  }

  async getEntry(source: SourceId, key: string): Promise<DirectoryEntry | undefined> {
    return this.index.get(source, key);
  }

  async listEntries(source: SourceId): Promise<DirectoryEntry[]> {
    return this.index.entries(source);
  }

  async search(tokens: readonly string[], limit: number): Promise<DirectoryEntry[]> {
    return this.index.search(tokens, limit).map((h) => h.entry);
  }

  async listSources(): Promise<DirectorySourceInfo[]> {
    return [...this.sources.values()].map((s) => ({ ...s }));
  }

  async saveSource(info: DirectorySourceInfo): Promise<void> {
    this.sources.set(info.id, { ...info });
  }

  async listBlocked(): Promise<BlockedSender[]> {
    return [...this.blocked.values()].map((b) => ({ ...b }));
  }

  async block(b: BlockedSender): Promise<void> {
    this.blocked.set(b.key, { ...b });
  }

  async unblock(key: string): Promise<boolean> {
    return this.blocked.delete(key);
  }
}
