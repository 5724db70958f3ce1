/**
 * The directory as the composer and the settings see it: one search across every source (flat files,
 * LDAP copies, own correspondents), duplicates merged; CSV imports; LDAP refreshes cached for offline
 * use; the block list. Moving letters in and out of « Bloqués » is the mailbox's job: block and unblock
 * say which letters to move, isBlocked answers the sorting of incoming letters.
 */
import { addressKey, checkAddress } from '../../core/address';
import {
  BLOCK_REASONS,
  BLOCKED_FOLDER,
  blockNoticeText,
  CORRESPONDENTS,
  exportCorrespondentsCsv,
  importDirectoryCsv,
  isBlockReason,
  mergeEntries,
  queryTokens,
  relevance,
  updateCorrespondent,
  type BlockedSender,
  type BlockReason,
  type CsvImportResult,
  type DirectoryContact,
  type DirectoryEntry,
  type LdapQuery,
  type SourceId,
} from '../../core/directory';
import { PliError, toWireError, type WireError } from '../../shared/errors';
import { silentLogger, type Logger } from '../log/logger';
import type { LdapDirectorySource } from './ldap-source';
import type { DirectoryStore } from './store';

/** Which letters the mailbox must move after a block or an unblock. */
export interface LetterMove {
  /** Letters whose sender has this addressKey. */
  senderKey: string;
  /** 'received': every folder holding received letters except « Bloqués ». */
  from: 'received' | typeof BLOCKED_FOLDER;
  /** 'inbox': back where received letters arrive. */
  to: typeof BLOCKED_FOLDER | 'inbox';
}

export interface OnlineSearchResult {
  contacts: DirectoryContact[];
  /** One per LDAP source that failed (results then come from the offline copy). */
  errors: Array<{ source: SourceId } & WireError>;
}

export interface CsvImportSummary extends Omit<CsvImportResult, 'entries'> {
  source: SourceId;
  entries: number;
}

export class DirectoryService {
  private readonly blocked = new Map<string, BlockedSender>();
  private readonly ldap = new Map<SourceId, LdapDirectorySource>();
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly store: DirectoryStore, opts: { logger?: Logger; now?: () => number } = {}) {
    this.log = (opts.logger ?? silentLogger).child('directory');
    this.now = opts.now ?? Date.now;
  }

  /** Loads the block list (isBlocked must answer synchronously while letters are sorted). */
  async open(): Promise<void> {
    this.blocked.clear();
    for (const b of await this.store.listBlocked()) this.blocked.set(b.key, b);
  }

  addLdapSource(source: LdapDirectorySource): void {
    this.ldap.set(source.sourceId, source);
  }

  /** Local search (offline, for autocomplete): every source, merged and ranked. */
  async search(query: string, opts: { limit?: number } = {}): Promise<DirectoryContact[]> {
    const tokens = queryTokens(query);
    if (tokens.length === 0) return [];
    const limit = opts.limit ?? 20;
    const candidates = await this.store.search(tokens, limit * 4 + 20);
    const hits: Array<{ entry: DirectoryEntry; score: number }> = [];
    for (const entry of candidates) {
      const score = relevance(entry, tokens);
      if (score > 0) hits.push({ entry, score });
    }
    return mergeEntries(hits).slice(0, limit);
  }

  /**
   * Asks the LDAP directories too (what « Chercher dans les annuaires » does), caches what they return,
   * then answers from the local copy; an unreachable directory is reported, not fatal.
   */
  async searchOnline(query: string | LdapQuery, opts: { limit?: number } = {}): Promise<OnlineSearchResult> {
    const q: LdapQuery = typeof query === 'string' ? { text: query } : query;
    const errors: OnlineSearchResult['errors'] = [];
    await Promise.all(
      [...this.ldap.values()].map(async (src) => {
        try {
          const entries = await src.search(q, 500);
          await this.store.upsertEntries(src.sourceId, entries);
          await this.touchSource(src.sourceId, 'ldap', src.config.label ?? src.config.url);
        } catch (e) {
          this.log.warn('ldap search failed', { source: src.sourceId, code: (e as { code?: string }).code });
          errors.push({ source: src.sourceId, ...toWireError(e) });
        }
      }),
    );
    const text = typeof query === 'string' ? query : [query.text, query.name, query.profession, query.city].filter(Boolean).join(' ');
    return { contacts: await this.search(text, opts), errors };
  }

  /** Copies a whole LDAP directory for offline use (replacing the previous copy). */
  async refreshLdap(source: SourceId, max = 200_000): Promise<number> {
    const src = this.ldap.get(source);
    if (!src) throw new PliError('directory_unknown_source', 'Cet annuaire n’est plus configuré.');
    const entries = await src.search(undefined, max);
    await this.store.replaceSource(source, entries);
    await this.touchSource(source, 'ldap', src.config.label ?? src.config.url, entries.length);
    return entries.length;
  }

  /** Imports (or re-imports: entries of the source are replaced, never duplicated) a flat-file directory. */
  async importCsv(id: string, label: string, bytes: Uint8Array): Promise<CsvImportSummary> {
    const source: SourceId = `file:${id}`;
    const r = importDirectoryCsv(bytes, source);
    await this.store.replaceSource(source, r.entries);
    await this.touchSource(source, 'file', label, r.entries.length);
    this.log.info('directory imported', { source, entries: r.entries.length, skipped: r.skipped.length, charset: r.charset });
    const { entries, ...rest } = r;
    return { ...rest, source, entries: entries.length };
  }

  async removeSource(source: SourceId): Promise<void> {
    this.ldap.delete(source);
    await this.store.removeSource(source);
  }

  private async touchSource(id: SourceId, kind: 'file' | 'ldap' | 'correspondents', label: string, entries?: number): Promise<void> {
    const n = entries ?? (await this.store.listEntries(id)).length;
    await this.store.saveSource({ id, kind, label, updatedAt: new Date(this.now()).toISOString(), entries: n });
  }

  /**
   * Learns a correspondent from a letter sent or received. A malformed address is ignored (letters from
   * odd senders must still be filed): returns undefined then.
   */
  async recordCorrespondent(address: string, name?: string, proxy?: boolean): Promise<DirectoryEntry | undefined> {
    const c = checkAddress(address);
    if (!c.ok) {
      this.log.warn('correspondent ignored', { code: c.error.code });
      return undefined;
    }
    const key = `mail:${c.address.address.toLowerCase()}`;
    const prev = await this.store.getEntry(CORRESPONDENTS, key);
    const input: { address: string; name?: string; proxy?: boolean } = { address: c.address.address };
    if (name !== undefined) input.name = name;
    if (proxy !== undefined) input.proxy = proxy;
    const e = updateCorrespondent(prev, input, this.now());
    await this.store.upsertEntries(CORRESPONDENTS, [e]);
    return e;
  }

  async correspondents(): Promise<DirectoryEntry[]> {
    return this.store.listEntries(CORRESPONDENTS);
  }

  /** The correspondents as a CSV file (`;`, UTF-8 with BOM, quoted) for the user's records. */
  async exportCorrespondents(): Promise<Uint8Array> {
    return exportCorrespondentsCsv(await this.correspondents(), [...this.blocked.values()]);
  }

  isBlocked(address: string): boolean {
    return this.blocked.has(addressKey(address));
  }

  blockOf(address: string): BlockedSender | undefined {
    return this.blocked.get(addressKey(address));
  }

  listBlocked(): BlockedSender[] {
    return [...this.blocked.values()].sort((a, b) => a.address.localeCompare(b.address));
  }

  /** The encrypted notice to send back for a letter from this sender, when the block asks for one. */
  blockNotice(address: string, ownName?: string): string | undefined {
    const b = this.blockOf(address);
    return b?.notify ? blockNoticeText(b, ownName) : undefined;
  }

  /** Blocks a sender; returns the block and the letters to move to « Bloqués ». */
  async block(address: string, reason: BlockReason, opts: { note?: string; notify?: boolean } = {}): Promise<{ blocked: BlockedSender; move: LetterMove }> {
    if (!isBlockReason(reason)) {
      throw new PliError('block_reason', `Choisissez un motif de blocage : ${Object.values(BLOCK_REASONS).join(', ')}.`);
    }
    const trimmed = address.trim();
    if (!trimmed) throw new PliError('address_empty', 'Indiquez l’adresse de l’expéditeur à bloquer.');
    const c = checkAddress(trimmed);
    // A sender with a malformed address can still be blocked: its letters arrived anyway.
    const shown = c.ok ? c.address.address : trimmed;
    const b: BlockedSender = { address: shown, key: addressKey(shown), reason, notify: opts.notify ?? false, since: new Date(this.now()).toISOString() };
    const note = opts.note?.trim();
    if (note) b.note = note.slice(0, 500);
    await this.store.block(b);
    this.blocked.set(b.key, b);
    return { blocked: b, move: { senderKey: b.key, from: 'received', to: BLOCKED_FOLDER } };
  }

  /** Unblocks a sender; returns the letters to bring back from « Bloqués », or undefined if it was not blocked. */
  async unblock(address: string): Promise<{ unblocked: BlockedSender; move: LetterMove } | undefined> {
    const key = addressKey(address);
    const b = this.blocked.get(key);
    const removed = await this.store.unblock(key);
    this.blocked.delete(key);
    if (!b || !removed) return undefined;
    return { unblocked: b, move: { senderKey: key, from: BLOCKED_FOLDER, to: 'inbox' } };
  }
}
