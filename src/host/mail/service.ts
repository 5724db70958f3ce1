import { join } from 'node:path';
import type { Logger } from '../log/logger';
import type { CardAccess } from '../card-access';
import type { DropExports } from '../exports/drop-exports';
import type { KeyService } from '../keys';
import { CardSigner, loadTrustStore, type TrustStore } from '../signing';
import type { Mailbox } from '../store/mailbox';
import { SmtpClient } from '../transport/smtp-client';
import { directoryServiceFor, recordCorrespondents } from '../directory';
import { accountForTransport, listAccounts, mailTrust } from './accounts';
import { READER_THREAD_MIN_LETTERS, ReceiveKeys, ReceivePipeline, retryReview, SharedReader, type ReceiveProgress } from './receive';
import { SendPipeline } from './send';

export interface MailServiceDeps {
  mailbox: Mailbox;
  keys: KeyService;
  card: CardAccess;
  exports: DropExports;
  resourcesDir: string;
  log: Logger;
  onProgress: (p: { phase: 'receive' | 'send'; done: number; total: number; bytes: number }) => void;
  onNewLetters: (count: number) => void;
  /**
   * Group practice: routes the letters just stored to the doctors' folders or "À trier" and says, per
   * letter, which drop-folder profile exports it (null: none). Undefined result: individual practice.
   */
  route?: (ids: number[]) => Promise<Map<number, string | null> | undefined>;
}

/**
 * The mail side of an open profile: one receive pipeline per account, the send pipeline of the first
 * account, and the hand-over of every new letter to the drop folders. "Relever" is `sync()`.
 */
export class MailService {
  private receivers: ReceivePipeline[] = [];
  private sender: SendPipeline | undefined;
  private readonly opener: ReceiveKeys;
  private trust: TrustStore | undefined;
  /** The letter-reading thread of large runs, kept warm from one account's run to the next. */
  private readonly reader = new SharedReader();

  constructor(private readonly deps: MailServiceDeps) {
    this.opener = new ReceiveKeys(deps.mailbox);
  }

  get sendPipeline(): SendPipeline | undefined {
    return this.sender;
  }

  /** Signature trust: the shipped IGC-Santé roots (and, in test builds only, the test root). */
  private signatureTrust(): TrustStore {
    const test = testTrust();
    this.trust ??= loadTrustStore({
      dir: join(this.deps.resourcesDir, 'igc-sante'),
      ...(test ? test : {}),
      logger: this.deps.log,
    });
    return this.trust;
  }

  /** (Re)builds the pipelines from the accounts saved in the mailbox. */
  async start(): Promise<void> {
    await this.stop();
    const { mailbox, log } = this.deps;
    const tls = mailTrust(mailbox);
    for (const a of await listAccounts(mailbox)) {
      if (!a.hasPassword) continue;
      const t = await accountForTransport(mailbox, a.id);
      const inc = t.account.incoming;
      this.receivers.push(
        new ReceivePipeline(
          { id: String(t.incomingId), protocol: inc.protocol, host: inc.host, port: inc.port, security: inc.security, user: inc.user, password: t.incomingPassword },
          {
            mailbox,
            keys: this.opener,
            tls,
            readerThread: { minLetters: READER_THREAD_MIN_LETTERS, shared: this.reader },
            signatureTrust: this.signatureTrust(),
            logger: log,
            onProgress: (p: ReceiveProgress) => this.deps.onProgress(p),
          },
        ),
      );
      if (!this.sender) {
        const out = t.account.outgoing;
        this.sender = new SendPipeline({
          mailbox,
          keys: this.deps.keys,
          smtp: new SmtpClient({ host: out.host, port: out.port, security: out.security, user: out.user, password: t.outgoingPassword, trust: tls, logger: log }),
          sender: a.address,
          // With the trust store, the signature carries the card certificate's intermediates, so
          // that recipients can build the chain up to the IGC-Santé root.
          signer: async () => CardSigner.open(this.deps.card.get(), { trust: this.signatureTrust() }),
          logger: log,
          onProgress: (p) => this.deps.onProgress({ phase: 'send', ...p }),
        });
        this.sender.startTimer();
      }
    }
  }

  /** "Relever": receive on every account, hand new letters to the drop folders, then send what waits. */
  async sync(): Promise<{ received: number; sent: number }> {
    let received = 0;
    for (const r of this.receivers) {
      const result = await r.sync();
      received += result.letterIds.length;
      const kept = await this.sortBlocked(result.letterIds);
      await this.deliver(kept);
    }
    if (received > 0) this.deps.onNewLetters(received);
    const sent = this.sender ? (await this.sender.run({ force: true })).sent : 0;
    return { received, sent };
  }

  /** After a key import: letters of "À vérifier" that now decrypt move to Réception (and are exported). */
  async retryReview(): Promise<number> {
    const r = await retryReview({ mailbox: this.deps.mailbox, keys: this.opener, signatureTrust: this.signatureTrust(), logger: this.deps.log });
    await this.deliver(r.letterIds);
    if (r.recovered > 0) this.deps.onNewLetters(r.recovered);
    return r.recovered;
  }

  /**
   * Senders become correspondents (for the directory); letters from a blocked sender go to « Bloqués »,
   * kept but neither announced nor handed to the practice software. Returns the letters to export.
   */
  private async sortBlocked(ids: number[]): Promise<number[]> {
    if (ids.length === 0) return ids;
    const { mailbox, log } = this.deps;
    const directory = await directoryServiceFor(mailbox, log);
    const keep: number[] = [];
    const blocked: number[] = [];
    const senders: { address: string }[] = [];
    for (const id of ids) {
      const letter = await mailbox.getLetter(id);
      if (!letter) continue;
      if (letter.sender) senders.push({ address: letter.sender });
      (letter.sender && directory.isBlocked(letter.sender) ? blocked : keep).push(id);
    }
    await recordCorrespondents(mailbox, senders);
    if (blocked.length > 0) await mailbox.moveLetters(blocked, 'blocked');
    return keep;
  }

  /** New letters: routed first in a group practice (each to its doctor's drop folder only), then exported. */
  private async deliver(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    const routed = this.deps.route ? await this.deps.route(ids) : undefined;
    if (!routed) return this.exportAll(ids);
    for (const [id, profile] of routed) if (profile) await this.exportAll([id], [profile]);
  }

  private async exportAll(ids: number[], onlyProfiles?: string[]): Promise<void> {
    for (const id of ids) {
      try {
        await this.deps.exports.exportLetter(id, onlyProfiles);
      } catch (e) {
        // The letter is safe in the mailbox; the export is retried from "déposer à nouveau".
        this.deps.log.warn('export not queued', { letterId: id, error: e });
      }
    }
  }

  async stop(): Promise<void> {
    const sender = this.sender;
    this.sender = undefined;
    this.receivers = [];
    await sender?.close();
    await this.reader.close();
  }
}

declare const __PLI_TEST_BUILD__: boolean | undefined;

/**
 * The test PKI's root (PLI_TEST_SIGNATURE_ROOT) and, optionally, its intermediates
 * (PLI_TEST_SIGNATURE_INTERMEDIATES), honoured only by test builds (never by the app users install).
 */
function testTrust(): { testRoots: string[]; intermediates?: string[] } | undefined {
  const testBuild = typeof __PLI_TEST_BUILD__ !== 'undefined' && __PLI_TEST_BUILD__;
  const root = process.env.PLI_TEST_SIGNATURE_ROOT;
  if (!testBuild || !root) return undefined;
  const intermediates = process.env.PLI_TEST_SIGNATURE_INTERMEDIATES;
  return { testRoots: [root], ...(intermediates ? { intermediates: [intermediates] } : {}) };
}
