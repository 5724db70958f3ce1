import { PliError } from '../../../shared/errors';
import { silentLogger, type Logger } from '../../log/logger';
import type { Mailbox } from '../../store/mailbox';
import type { MailboxApi } from '../../store/protocol';
import type { LetterInput } from '../../store/types';
import { ImapClient } from '../../transport/imap-client';
import { Pop3Client } from '../../transport/pop3-client';
import type { Security } from '../../transport/tls-probe';
import type { TlsTrust } from '../../transport/tls-trust';
import { processMessage, type ProcessDeps } from './process';
import { ReaderThread, type ReaderLease, type SharedReader } from './reader-thread';

/** The incoming side of a mail account, with its password (read from the encrypted mailbox). */
export interface ReceiveAccount {
  /** Stable key of the account in the mailbox (e.g. its id): the fetched-messages record is per account. */
  id: string;
  protocol: 'pop3' | 'imap';
  host: string;
  port: number;
  security: Security;
  user: string;
  password: string;
  /** POP3: delete from the server N days after the letter is safely stored; null/undefined = keep. */
  deleteAfterDays?: number | null;
}

export interface ReceiveProgress {
  phase: 'receive';
  done: number;
  total: number;
  bytes: number;
}

export type ReceiveMailbox = Pick<
  MailboxApi,
  'storeReceived' | 'receivedUids' | 'markReceived' | 'receivedInState' | 'reviewLetters' | 'resolveReview'
> &
  Partial<Pick<Mailbox, 'storeReceivedHandingOver'>>;

export interface ReceiveOptions extends ProcessDeps {
  mailbox: ReceiveMailbox;
  /** Server certificate trust (system CAs, pinned certificates). */
  tls: TlsTrust;
  logger?: Logger;
  /** For the contract's `sync.progress` event. */
  onProgress?: (p: ReceiveProgress) => void;
  /** Messages per store transaction (default RECEIVE_BATCH.letters), and at most this many bytes. */
  batchSize?: number;
  batchBytes?: number;
  timeoutMs?: number;
  /**
   * Runs with at least `minLetters` new messages read them in a thread of their own (default 100;
   * `false`: always on this thread): the `shared` one when given (kept warm between runs, see
   * SharedReader), else one started for the run. `url`: the built reader-worker.js, for benchmarks.
   */
  readerThread?: { minLetters: number; url?: URL; shared?: SharedReader } | false;
}

/** Below this many messages a run reads them on its own thread: starting the reader costs ~50 ms. */
export const READER_THREAD_MIN_LETTERS = 100;
/** Messages handed to the reader thread at a time while the fetch goes on. */
const READER_CHUNK = { letters: 16, bytes: 1024 * 1024 } as const;

export interface SyncResult {
  /** Server messages fetched in this run. */
  fetched: number;
  /** New letters stored (reception and "À vérifier"), for the HPRIM export queue. */
  letterIds: number[];
  /** Of those, the ones that landed in "À vérifier". */
  review: number;
  /** Fetched messages whose letter was already in the mailbox (same content). */
  duplicates: number;
  /** POP3 messages deleted from the server (after their N days). */
  deleted: number;
  bytes: number;
}

export interface RetryResult {
  /** Letters that now read fine and moved to Réception. */
  recovered: number;
  remaining: number;
  letterIds: number[];
}

const DAY_MS = 86_400_000;

/**
 * Letters per store transaction (and per IMAP FETCH). Each commit has a fixed cost (journal and disk
 * flushes, one new search-index segment to merge later), so fewer, larger commits go faster (transport
 * bench); a crash costs at most one batch fetched again, never a letter. The byte cap keeps progress
 * (reported per batch) moving on a slow line.
 */
export const RECEIVE_BATCH = { letters: 100, bytes: 8 * 1024 * 1024 } as const;
export const POP3_MAILBOX = 'POP3';
/** IMAP: stored letters flagged \Seen on the server this many at a time (and at the end of a run). */
const SEEN_FLAG_BATCH = 1000;

interface Fetched {
  uid: string;
  raw: Uint8Array;
}

/**
 * Receive for one account: fetch what is new (POP3 UIDL / IMAP UID) -> classify -> decrypt -> verify
 * -> parse HPRIM -> store in one transaction per batch, together with the record of each server message
 * -> only then mark seen (IMAP) or, after N days, delete (POP3). A message fetched twice is stored once:
 * the record of server ids, plus the content hash of each letter. Crash-safe at every point: at worst a
 * message is fetched again and recognised, or flagged seen at the next run.
 */
export class ReceivePipeline {
  private readonly log: Logger;
  private running: Promise<SyncResult> | undefined;

  constructor(
    readonly account: ReceiveAccount,
    private readonly opts: ReceiveOptions,
  ) {
    this.log = (opts.logger ?? silentLogger).child('receive');
  }

  /** "Relever": one run; a call while a run is in progress joins it. */
  sync(): Promise<SyncResult> {
    if (!this.running) this.opts.keys.refresh?.();
    this.running ??= (this.account.protocol === 'pop3' ? this.syncPop3() : this.syncImap()).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Re-reads the letters of "À vérifier" (e.g. after a key import). */
  retryReview(): Promise<RetryResult> {
    return retryReview(this.opts);
  }

  /** Polls every `intervalMs` (runs never overlap); errors go to `onError`. */
  poll(intervalMs: number, onError: (e: unknown) => void): { stop(): void } {
    const timer = setInterval(() => {
      this.sync().catch(onError);
    }, intervalMs);
    timer.unref?.();
    return { stop: () => clearInterval(timer) };
  }

  // ------------------------------------------------------------------ POP3

  private async syncPop3(): Promise<SyncResult> {
    const a = this.account;
    const mb = this.opts.mailbox;
    const client = await Pop3Client.connect({
      host: a.host,
      port: a.port,
      security: a.security,
      user: a.user,
      password: a.password,
      trust: this.opts.tls,
      ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
      ...(this.opts.logger ? { logger: this.opts.logger } : {}),
    });
    let open = true;
    try {
      const uidl = await client.uidl();
      const sizes = new Map((await client.list()).map((x) => [x.n, x.size]));
      const known = new Set(await mb.receivedUids(a.id, POP3_MAILBOX));
      // Stored messages no longer on the server: deleted by a run stopped between QUIT and its record
      // (the server applies DELE at QUIT), or by another client. Record it.
      const onServer = new Set(uidl.map((u) => u.uid));
      const gone = (await mb.receivedInState(a.id, POP3_MAILBOX, ['stored', 'seen'])).filter((u) => !onServer.has(u));
      if (gone.length > 0) await mb.markReceived(a.id, POP3_MAILBOX, gone, 'deleted');
      const todo = uidl.filter((u) => !known.has(u.uid)).map((u) => ({ ...u, size: sizes.get(u.n) ?? 0 }));
      const result = await this.run(POP3_MAILBOX, todo, async function* (list) {
        // One RETR ahead: the next message travels while this one is decrypted and parsed.
        let next: Promise<Buffer> | undefined = list[0] ? client.retr(list[0].n) : undefined;
        for (let i = 0; i < list.length; i++) {
          const raw = await (next as Promise<Buffer>);
          const following = list[i + 1];
          next = following ? client.retr(following.n) : undefined;
          next?.catch(() => {});
          yield { uid: list[i]!.uid, raw };
        }
      });
      const days = a.deleteAfterDays;
      if (days !== null && days !== undefined && days >= 0) {
        // Only messages recorded as stored (committed) may go; the server applies DELE at QUIT.
        const due = new Set(await mb.receivedInState(a.id, POP3_MAILBOX, ['stored', 'seen'], Date.now() - days * DAY_MS));
        const doomed = uidl.filter((u) => due.has(u.uid));
        for (const m of doomed) await client.dele(m.n);
        open = false;
        await client.quit();
        if (doomed.length > 0) {
          await mb.markReceived(a.id, POP3_MAILBOX, doomed.map((m) => m.uid), 'deleted');
          result.deleted = doomed.length;
          this.log.info('messages deleted from the server', { count: doomed.length });
        }
      }
      return result;
    } finally {
      if (open) await client.quit().catch(() => client.destroy());
    }
  }

  // ------------------------------------------------------------------ IMAP

  private async syncImap(): Promise<SyncResult> {
    const a = this.account;
    const mb = this.opts.mailbox;
    const client = await ImapClient.connect({
      host: a.host,
      port: a.port,
      security: a.security,
      user: a.user,
      password: a.password,
      trust: this.opts.tls,
      ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
      ...(this.opts.logger ? { logger: this.opts.logger } : {}),
    });
    try {
      const box = await client.openInbox();
      // A new UIDVALIDITY means the server renumbered: every message is listed again and recognised by hash.
      const mailbox = `INBOX:${box.uidValidity}`;
      // Stored but not flagged seen yet (the run stopped between the store and the flag).
      const unflagged = await mb.receivedInState(a.id, mailbox, ['stored']);
      if (unflagged.length > 0) {
        await client.markSeen(unflagged.map(Number));
        await mb.markReceived(a.id, mailbox, unflagged, 'seen');
      }
      const knownList = await mb.receivedUids(a.id, mailbox);
      const known = new Set(knownList);
      const lastUid = knownList.reduce((m, u) => Math.max(m, Number(u)), 0);
      const { messages } = await client.listNew(lastUid > 0 ? { uidValidity: box.uidValidity, lastUid } : undefined);
      const todo = messages.filter((m) => !known.has(String(m.uid))).map((m) => ({ uid: String(m.uid), size: m.size }));
      // Stored letters are flagged seen SEEN_FLAG_BATCH at a time (and at the end): one round trip per
      // batch of the fetch cost ~8 % of the run. Letters stored but not flagged yet when a run stops are
      // flagged at the start of the next one (above).
      const records: Promise<unknown>[] = [];
      let stored: string[] = [];
      const flagSeen = async () => {
        if (stored.length === 0) return;
        const uids = stored;
        stored = [];
        await client.markSeen(uids.map(Number));
        // Recorded by the store worker after the next batch's store (it takes requests in order): the
        // fetch goes on meanwhile. A stop before the record only flags these messages seen again.
        const recorded = mb.markReceived(a.id, mailbox, uids, 'seen');
        recorded.catch(() => {});
        records.push(recorded);
      };
      const result = await this.run(
        mailbox,
        todo,
        async function* (list) {
          for await (const m of client.fetchSources(list.map((x) => Number(x.uid)))) yield { uid: String(m.uid), raw: m.source };
        },
        async (uids) => {
          stored.push(...uids);
          if (stored.length >= SEEN_FLAG_BATCH) await flagSeen();
        },
      );
      await flagSeen();
      await Promise.all(records);
      return result;
    } finally {
      await client.close();
    }
  }

  // ------------------------------------------------------------------ shared

  /** Fetches `todo` in batches, processes each message, stores each batch in one transaction, then `after`. */
  private async run<T extends { uid: string; size: number }>(
    mailbox: string,
    todo: T[],
    fetch: (batch: T[]) => AsyncGenerator<Fetched>,
    after?: (uids: string[]) => Promise<void>,
  ): Promise<SyncResult> {
    const result: SyncResult = { fetched: 0, letterIds: [], review: 0, duplicates: 0, deleted: 0, bytes: 0 };
    const total = todo.length;
    const progress = () => this.opts.onProgress?.({ phase: 'receive', done: result.fetched, total, bytes: result.bytes });
    progress();
    const lease = await this.lendReader(total);
    try {
      return await this.runBatches(mailbox, todo, fetch, after, lease?.reader, result, progress);
    } finally {
      await lease?.giveBack();
    }
  }

  /** A reader thread for a run of `count` messages, when worth it (see ReceiveOptions.readerThread). */
  private async lendReader(count: number): Promise<ReaderLease | undefined> {
    const opt = this.opts.readerThread ?? { minLetters: READER_THREAD_MIN_LETTERS };
    // A run given its own clock (tests) or keys without a snapshot reads here.
    if (opt === false || count < opt.minLetters || this.opts.now || !this.opts.keys.snapshot) return undefined;
    const init = { keys: await this.opts.keys.snapshot(), ...(this.opts.signatureTrust ? { trust: this.opts.signatureTrust } : {}) };
    return opt.shared ? opt.shared.lend(init) : ReaderThread.forOneRun(init, opt.url);
  }

  private async runBatches<T extends { uid: string; size: number }>(
    mailbox: string,
    todo: T[],
    fetch: (batch: T[]) => AsyncGenerator<Fetched>,
    after: ((uids: string[]) => Promise<void>) | undefined,
    reader: ReaderThread | undefined,
    result: SyncResult,
    progress: () => void,
  ): Promise<SyncResult> {
    const a = this.account;
    const maxCount = this.opts.batchSize ?? RECEIVE_BATCH.letters;
    const maxBytes = this.opts.batchBytes ?? RECEIVE_BATCH.bytes;
    // The store of batch k (in the mailbox worker) runs while batch k+1 is fetched and decrypted here;
    // batch k's server step (flag seen) waits for its commit, and for the connection to be idle (after
    // the fetch of batch k+1, which is posted to the worker first).
    let storing: Promise<string[]> | undefined;
    const settle = async () => {
      if (!storing) return;
      const uids = await storing;
      storing = undefined;
      if (after) await after(uids);
      progress();
    };
    for (let i = 0; i < todo.length; ) {
      const batch: T[] = [];
      let bytes = 0;
      while (i < todo.length && batch.length < maxCount && (batch.length === 0 || bytes + todo[i]!.size <= maxBytes)) {
        bytes += todo[i]!.size;
        batch.push(todo[i++]!);
      }
      const items: { account: string; mailbox: string; uid: string; size: number; letter: LetterInput }[] = [];
      let batchBytes = 0;
      // Letters the reader thread made hold buffers of their own, handed over to the store in turn.
      let ownBuffers = reader !== undefined;
      if (reader) {
        // Handed over in chunks as they arrive: the thread reads while the rest of the batch is fetched.
        const chunks: { uids: string[]; raws: Uint8Array[]; letters: Promise<LetterInput[]> }[] = [];
        let raws: Uint8Array[] = [];
        let uids: string[] = [];
        let chunkBytes = 0;
        const thread = reader;
        const handOver = () => {
          if (raws.length === 0) return;
          const letters = thread.read(raws);
          letters.catch(() => {}); // awaited below
          chunks.push({ uids, raws, letters });
          raws = [];
          uids = [];
          chunkBytes = 0;
        };
        for await (const m of fetch(batch)) {
          raws.push(m.raw);
          uids.push(m.uid);
          chunkBytes += m.raw.length;
          if (raws.length >= READER_CHUNK.letters || chunkBytes >= READER_CHUNK.bytes) handOver();
        }
        handOver();
        for (const c of chunks) {
          const letters = await c.letters.catch(async (e: unknown) => {
            // The thread is an optimisation, never a reason not to receive: what it could not read (it
            // failed to start, or died) is read here, and so is the rest of the run.
            if (reader) this.log.warn('letter-reading thread failed, reading on this thread', { code: (e as { code?: unknown })?.code ?? 'unknown' });
            reader = undefined;
            ownBuffers = false;
            const out: LetterInput[] = [];
            for (const raw of c.raws) out.push(await processMessage(raw, this.opts));
            return out;
          });
          letters.forEach((letter, k) => {
            items.push({ account: a.id, mailbox, uid: c.uids[k]!, size: c.raws[k]!.length, letter });
            batchBytes += c.raws[k]!.length;
          });
        }
      } else {
        for await (const m of fetch(batch)) {
          const letter = await processMessage(m.raw, this.opts);
          items.push({ account: a.id, mailbox, uid: m.uid, size: m.raw.length, letter });
          batchBytes += m.raw.length;
        }
      }
      if (items.length < batch.length) {
        throw new PliError('receive_message_gone', 'Des messages ont disparu du serveur pendant la relève. Relevez de nouveau le courrier.', { expected: batch.length, got: items.length });
      }
      const mb = this.opts.mailbox;
      const store = ownBuffers && mb.storeReceivedHandingOver ? mb.storeReceivedHandingOver(items) : mb.storeReceived(items);
      const p = store.then((stored) => {
        stored.forEach((s, k) => {
          if (s.inserted && s.letterId !== null) {
            result.letterIds.push(s.letterId);
            if (items[k]!.letter.folder === 'review') result.review++;
          } else result.duplicates++;
        });
        result.fetched += items.length;
        result.bytes += batchBytes;
        return items.map((x) => x.uid);
      });
      p.catch(() => {}); // awaited in settle(); this only silences the early warning
      // This batch is already on its way to the mailbox worker while the previous one is settled.
      await settle();
      storing = p;
    }
    await settle();
    this.log.info('receive done', { account: a.id, fetched: result.fetched, stored: result.letterIds.length, review: result.review, duplicates: result.duplicates });
    return result;
  }
}

/**
 * Re-reads every letter of "À vérifier" from its original bytes (e.g. after a key import); those that
 * now read fine get their text, patient, labs and signature and move to Réception.
 */
export async function retryReview(opts: ProcessDeps & { mailbox: ReceiveMailbox; logger?: Logger }): Promise<RetryResult> {
  opts.keys.refresh?.();
  const list = await opts.mailbox.reviewLetters(500);
  const out: RetryResult = { recovered: 0, remaining: 0, letterIds: [] };
  for (const r of list) {
    const letter = await processMessage(r.raw, { ...opts, now: () => r.receivedAt });
    if (letter.folder === 'review') {
      out.remaining++;
      continue;
    }
    // The original bytes and hash stay in the mailbox: no need to send them back.
    const { raw: _raw, contentHash: _hash, ...update } = letter;
    if (await opts.mailbox.resolveReview(r.id, update)) {
      out.recovered++;
      out.letterIds.push(r.id);
    }
  }
  (opts.logger ?? silentLogger).child('receive').info('review retried', { recovered: out.recovered, remaining: out.remaining });
  return out;
}
