/**
 * DirectoryStore over the open mailbox (tables of the directory migration, queries in the store worker),
 * plus what the receive and send pipelines call: recordCorrespondents, and one DirectoryService per open
 * mailbox (its block list answers isBlocked synchronously while letters are sorted).
 */
import type { BlockedSender, CorrespondentInput, DirectoryEntry, SourceId } from '../../core/directory';
import type { Mailbox } from '../store/mailbox';
import type { MailboxApi } from '../store/protocol';
import { silentLogger, type Logger } from '../log/logger';
import { DirectoryService } from './service';
import type { DirectorySourceInfo, DirectoryStore } from './store';

/** The mailbox operations the directory uses (a test may pass a stub). */
export type DirectoryMailbox = Pick<
  MailboxApi,
  | 'directoryUpsert'
  | 'directoryReplaceSource'
  | 'directoryRemoveSource'
  | 'directoryGetEntry'
  | 'directoryListEntries'
  | 'directorySearch'
  | 'directoryListSources'
  | 'directorySaveSource'
  | 'directoryRecordCorrespondents'
  | 'directoryListBlocked'
  | 'directoryBlock'
  | 'directoryUnblock'
>;

export class MailboxDirectoryStore implements DirectoryStore {
  constructor(private readonly mailbox: DirectoryMailbox) {}

  upsertEntries(source: SourceId, entries: readonly DirectoryEntry[]): Promise<void> {
    return this.mailbox.directoryUpsert(source, [...entries]);
  }

  replaceSource(source: SourceId, entries: readonly DirectoryEntry[]): Promise<void> {
    return this.mailbox.directoryReplaceSource(source, [...entries]);
  }

  removeSource(source: SourceId): Promise<void> {
    return this.mailbox.directoryRemoveSource(source);
  }

  getEntry(source: SourceId, key: string): Promise<DirectoryEntry | undefined> {
    return this.mailbox.directoryGetEntry(source, key);
  }

  listEntries(source: SourceId): Promise<DirectoryEntry[]> {
    return this.mailbox.directoryListEntries(source);
  }

  search(tokens: readonly string[], limit: number): Promise<DirectoryEntry[]> {
    return this.mailbox.directorySearch([...tokens], limit);
  }

  listSources(): Promise<DirectorySourceInfo[]> {
    return this.mailbox.directoryListSources();
  }

  saveSource(info: DirectorySourceInfo): Promise<void> {
    return this.mailbox.directorySaveSource({ ...info, kind: info.kind });
  }

  listBlocked(): Promise<BlockedSender[]> {
    return this.mailbox.directoryListBlocked();
  }

  block(b: BlockedSender): Promise<void> {
    return this.mailbox.directoryBlock(b);
  }

  unblock(key: string): Promise<boolean> {
    return this.mailbox.directoryUnblock(key);
  }
}

/**
 * Learns the correspondents of one letter (its sender when received, its recipients when sent), in one
 * mailbox transaction. Malformed addresses are skipped: a letter is filed whatever its headers say.
 * Returns how many addresses were recorded.
 */
export async function recordCorrespondents(
  mailbox: Pick<MailboxApi, 'directoryRecordCorrespondents'>,
  addresses: ReadonlyArray<{ address: string; name?: string; proxy?: boolean }>,
  now: number = Date.now(),
): Promise<number> {
  const inputs: CorrespondentInput[] = [];
  for (const a of addresses) {
    if (!a.address?.trim()) continue;
    const i: CorrespondentInput = { address: a.address.trim() };
    if (a.name?.trim()) i.name = a.name;
    if (a.proxy !== undefined) i.proxy = a.proxy;
    inputs.push(i);
  }
  return inputs.length === 0 ? 0 : mailbox.directoryRecordCorrespondents(inputs, now);
}

const services = new WeakMap<Mailbox, Promise<DirectoryService>>();

/**
 * The directory service of an open mailbox, created (and its block list loaded) on first use and shared
 * by the commands and the pipelines; a new session (new Mailbox object) gets a new one.
 */
export function directoryServiceFor(mailbox: Mailbox, logger: Logger = silentLogger): Promise<DirectoryService> {
  let s = services.get(mailbox);
  if (!s) {
    const created = (async () => {
      const service = new DirectoryService(new MailboxDirectoryStore(mailbox), { logger });
      await service.open();
      return service;
    })();
    // A failed open (mailbox closing) must not stick.
    created.catch(() => services.delete(mailbox));
    services.set(mailbox, created);
    s = created;
  }
  return s;
}
