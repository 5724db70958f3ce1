/**
 * The send pipeline. A letter is stored in "À envoyer" first (one outbox row per recipient); then, per
 * due letter: sign (optional) -> size check -> encrypt for the trusted server with the sender's own key
 * (pad ranges reserved durably before sealing) -> store the complete encrypted message -> submit by
 * SMTP -> per-recipient status -> "Envoyés". Every state lives in the mailbox, so a restart resumes.
 *
 * Delivery is at-least-once: the encrypted message is stored before its first submission and every
 * retry resubmits those same bytes (no new pad bytes are spent on a letter already sealed). If the
 * process dies after the server accepted the letter but before that was recorded, the letter is still
 * 'sending' at restart and is submitted again: the recipient may get it twice, never zero times.
 * A crash between sealing and storing the message only wastes pad bytes (the ciphertext never left).
 */
import { decodeWindows1252 } from '../../../core/hprim';
import type { LetterRecipients, PayloadMode } from '../../../core/apicrypt';
import type { Draft } from '../../../shared/domain';
import { isPliError, PliError } from '../../../shared/errors';
import { silentLogger, type Logger } from '../../log/logger';
import type { Signer } from '../../signing/signer';
import { signerInfo, signLetterMime } from '../../signing/letters';
import type { SignerInfo } from '../../store/types';
import type { Mailbox } from '../../store/mailbox';
import type { OutboxEntry, OutgoingLetter } from '../../store/mailbox-store';
import type { SmtpEnvelope, SmtpSendResult } from '../../transport/smtp-client';
import { checkLetterSize, composeLetter, letterLimit } from './compose';
import { buildOutgoingMessage, letterEntity, newMessageId } from './mime';

/** What the pipeline needs of the key service (src/host/keys KeyService fits). */
export interface LetterSealer {
  sealLetterBody(input: {
    text: string;
    recipients: LetterRecipients;
    messageId?: string;
    mode: PayloadMode;
    userKeyOwner: string;
    letterRef: string;
  }): Promise<{ armored: string; warnings: string[] }>;
  sealApzFile(input: {
    files: { name: string; data: Uint8Array }[];
    recipients: LetterRecipients;
    userKeyOwner: string;
    letterRef: string;
  }): Promise<{ bytes: Uint8Array; warnings: string[] }>;
}

/** What the pipeline needs of an SMTP client (src/host/transport SmtpClient fits). */
export interface SmtpSender {
  sendRaw(envelope: SmtpEnvelope, raw: Buffer): Promise<SmtpSendResult>;
  close(): void;
}

export interface SendPipelineOptions {
  mailbox: Mailbox;
  keys: LetterSealer;
  smtp: SmtpSender;
  /** The account's address: envelope sender and From. */
  sender: string;
  /** Key that encrypts: the sender's own (default: the local part of `sender`) or the practice's group key. */
  userKeyOwner?: string;
  /** The signer for letters to sign (the CPS card or a PKCS#12 file), asked for only when needed. */
  signer?: () => Promise<Signer>;
  /** Per-letter limit in bytes; default 900 Ko, at most 10 Mo. */
  maxLetterBytes?: number;
  /** Retry delays: base * 2^(attempt-1), capped. Defaults 30 s and 1 h. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Temporary failures after which a recipient is given up (default 40, about 1.5 days with the defaults). */
  maxAttempts?: number;
  logger?: Logger;
  now?: () => number;
  onProgress?: (p: { done: number; total: number; bytes: number }) => void;
}

export interface QueuedLetter {
  letterId: number;
  warnings: string[];
}

export interface SendRunReport {
  /** Letters that reached "Envoyés" during this run. */
  sent: number;
  /** Letters left in "À envoyer" for a later attempt. */
  pending: number;
  /** Letters whose every remaining recipient failed for good. */
  failed: number;
  /** The error that stopped the run early (server unreachable, authentication), in French. */
  stoppedBy?: string;
}

type Outcome = 'sent' | 'pending' | 'failed' | 'stop';
type Result = { outcome: Outcome; size: number; error?: string };
type Ready = { letter: OutgoingLetter; open: OutboxEntry[]; sealed: Uint8Array };
type Prepared = Result | Ready;

/** Errors that concern the connection or the account, not the letter: stop the run, keep every letter due. */
const CONNECTION_CODES = new Set(['auth_failed', 'tls_untrusted', 'tls_changed', 'smtp_starttls_unavailable']);
/** Errors of the letter that a user action fixes (import keys, insert the card): keep it pending. */
const WAIT_CODES = new Set(['key_missing', 'key_not_found', 'pad_exhausted', 'signer_unavailable', 'card_absent', 'card_locked', 'pin_required']);

export class SendPipeline {
  private readonly mailbox: Mailbox;
  private readonly log: Logger;
  private readonly now: () => number;
  private running: Promise<SendRunReport> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly opts: SendPipelineOptions) {
    this.mailbox = opts.mailbox;
    this.log = (opts.logger ?? silentLogger).child('send');
    this.now = opts.now ?? Date.now;
  }

  get maxLetterBytes(): number {
    return letterLimit(this.opts.maxLetterBytes);
  }

  /**
   * Checks and stores a draft in "À envoyer" (one committed transaction). Nothing is signed, encrypted
   * or sent here: run() does that. Returns the subject and charset warnings for the user.
   */
  async queue(draft: Draft): Promise<QueuedLetter> {
    const c = composeLetter(draft, { sender: this.opts.sender, maxBytes: this.maxLetterBytes, now: new Date(this.now()) });
    const letterId = await this.mailbox.enqueueOutgoing(c.letter, {
      sender: this.opts.sender,
      recipients: c.letter.recipients ?? [],
      cc: c.cc.map((a) => a.address),
      sign: draft.sign ?? false,
      maxBytes: this.maxLetterBytes,
      warnings: c.warnings,
    });
    this.log.info('letter queued', { letterId, recipients: (c.letter.recipients ?? []).length, bytes: c.size });
    return { letterId, warnings: c.warnings };
  }

  /**
   * Sends every due letter (all pending ones with `force`, as the "envoyer/recevoir" button does).
   * Concurrent calls share the same run.
   */
  run(opts: { force?: boolean } = {}): Promise<SendRunReport> {
    this.running ??= this.runOnce(opts.force ?? false).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Runs the pipeline every `intervalMs` (errors are logged, letters stay in the outbox). */
  startTimer(intervalMs = 30_000): void {
    this.stopTimer();
    this.timer = setInterval(() => {
      this.run().catch((e: unknown) => this.log.error('send run failed', { error: e }));
    }, intervalMs);
    this.timer.unref?.();
  }

  stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async close(): Promise<void> {
    this.stopTimer();
    await this.running?.catch(() => undefined);
    this.opts.smtp.close();
  }

  private async runOnce(force: boolean): Promise<SendRunReport> {
    const report: SendRunReport = { sent: 0, pending: 0, failed: 0 };
    const horizon = force ? Number.MAX_SAFE_INTEGER : this.now();
    let after = 0;
    let done = 0;
    let bytes = 0;
    for (;;) {
      const ids = await this.mailbox.dueOutgoing(horizon, 100, after);
      if (ids.length === 0) break;
      // The next letter is sealed while the current one is on the wire (local work overlaps the network).
      let next: Promise<Prepared> | undefined = this.prepare(ids[0]!);
      for (let i = 0; i < ids.length; i++) {
        after = ids[i]!;
        const cur: Prepared = await next!;
        next = i + 1 < ids.length ? this.prepare(ids[i + 1]!) : undefined;
        const { outcome, size, error } = 'outcome' in cur ? cur : await this.submit(cur);
        done++;
        bytes += size;
        this.opts.onProgress?.({ done, total: done + (ids.length - i - 1), bytes });
        if (outcome === 'stop') {
          // The letter prepared ahead stays pending (sealed if it got that far): the next run takes it.
          await next?.catch(() => undefined);
          report.pending++;
          report.stoppedBy = error;
          return this.finish(report);
        }
        report[outcome]++;
      }
    }
    return this.finish(report);
  }

  private finish(report: SendRunReport): SendRunReport {
    if (report.sent + report.pending + report.failed > 0) this.log.info('send run', { ...report, stoppedBy: report.stoppedBy ? 'error' : undefined });
    return report;
  }

  private delay(attempts: number): number {
    const base = this.opts.backoff?.baseMs ?? 30_000;
    const max = this.opts.backoff?.maxMs ?? 3_600_000;
    return Math.min(max, base * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  }

  /** Loads a due letter and seals it unless it already was; a letter that cannot be sealed gets its result. */
  private async prepare(letterId: number): Promise<Prepared> {
    const l = await this.mailbox.outgoingLetter(letterId);
    if (!l) return { outcome: 'failed', size: 0 };
    const open = l.recipients.filter((r) => r.status === 'pending' || r.status === 'sending');
    if (open.length === 0) return { outcome: l.inOutbox ? 'failed' : 'sent', size: 0 };

    let sealed = l.sealed;
    if (!sealed) {
      try {
        sealed = await this.seal(l);
      } catch (e) {
        const err = asPliError(e);
        const wait = WAIT_CODES.has(err.code);
        const attempts = Math.max(...open.map((r) => r.attempts)) + 1;
        this.log.warn('letter not sealed', { letterId, code: err.code });
        await this.mailbox.markOutboxResults(
          letterId,
          open.map((r) => ({
            recipient: r.recipient,
            status: wait ? ('pending' as const) : ('failed' as const),
            error: err.message_fr,
            ...(wait ? { nextAttemptAt: this.now() + this.delay(attempts) } : {}),
          })),
        );
        return { outcome: wait ? 'pending' : 'failed', size: 0, error: err.message_fr };
      }
    }
    return { letter: l, open, sealed };
  }

  /** Submits the stored encrypted message to the letter's open recipients and records the outcome. */
  private async submit({ letter: l, open, sealed }: Ready): Promise<Result> {
    const letterId = l.letterId;
    const recipients = open.map((r) => r.recipient);
    await this.mailbox.markOutboxSending(letterId, recipients);
    let res: SmtpSendResult;
    try {
      res = await this.opts.smtp.sendRaw({ from: l.sender, to: recipients }, Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength));
    } catch (e) {
      const err = asPliError(e);
      const retry = err.details?.retryable === true || CONNECTION_CODES.has(err.code);
      const attempts = Math.max(...open.map((r) => r.attempts)) + 1;
      const giveUp = retry && attempts >= (this.opts.maxAttempts ?? 40);
      const message = giveUp ? `${err.message_fr} Abandon après ${attempts} tentatives : renvoyez le courrier quand le problème sera réglé.` : err.message_fr;
      this.log.warn('submission failed', { letterId, code: err.code, attempts, retry: retry && !giveUp });
      await this.mailbox.markOutboxResults(
        letterId,
        recipients.map((r) => ({
          recipient: r,
          status: retry && !giveUp ? ('pending' as const) : ('failed' as const),
          error: message,
          ...(retry && !giveUp ? { nextAttemptAt: this.now() + this.delay(attempts) } : {}),
        })),
      );
      // The server is unreachable or refuses the account: the next letters would fail the same way.
      const connection = CONNECTION_CODES.has(err.code) || (retry && err.code !== 'smtp_temporary');
      return { outcome: retry && !giveUp ? (connection ? 'stop' : 'pending') : 'failed', size: 0, error: message };
    }

    const accepted = new Set(res.accepted.map((a) => a.toLowerCase()));
    const rejected = new Map(res.rejected.map((r) => [r.recipient.toLowerCase(), r.server]));
    const results = recipients.map((r) => {
      const key = r.toLowerCase();
      if (accepted.has(key) || (!rejected.has(key) && res.rejected.length === 0)) return { recipient: r, status: 'sent' as const };
      const server = rejected.get(key) ?? '';
      // A partial refusal is not retried: the same encrypted letter names every recipient, so the trusted
      // server would deliver it again to those who already have it.
      return {
        recipient: r,
        status: 'failed' as const,
        error: `Le serveur d’envoi a refusé le destinataire ${r}. Vérifiez son adresse, puis renvoyez-lui le courrier. Réponse du serveur : ${server || 'aucune'}`,
      };
    });
    const where = await this.mailbox.markOutboxResults(letterId, results);
    this.log.info('letter submitted', { letterId, accepted: res.accepted.length, rejected: res.rejected.length, folder: where });
    return { outcome: where === 'sent' ? 'sent' : 'failed', size: sealed.length };
  }

  /** Sign (optional), check the size, encrypt body and attachments, build and STORE the message. */
  private async seal(l: OutgoingLetter): Promise<Uint8Array> {
    if (!l.payload) throw new PliError('letter_empty', 'Ce courrier n’a pas de contenu à envoyer.', { letterId: l.letterId });
    let text: string;
    let signedBy: SignerInfo | undefined;
    if (l.sign) {
      const signer = this.opts.signer ? await this.opts.signer() : undefined;
      if (!signer) {
        throw new PliError('signer_unavailable', 'Ce courrier doit être signé : insérez votre carte CPS (ou choisissez un certificat de signature), puis relancez l’envoi.');
      }
      const signed = await signLetterMime(letterEntity(l.payload), signer);
      text = Buffer.from(signed).toString('latin1');
      signedBy = signerInfo(signer.identity(), new Date(this.now()).toISOString());
    } else {
      text = decodeWindows1252(l.payload);
    }
    const size = Buffer.byteLength(text, 'latin1') + l.attachments.reduce((n, a) => n + a.bytes.length, 0);
    checkLetterSize(size, l.maxBytes);

    const messageId = newMessageId(l.sender);
    const ccSet = new Set(l.cc.map((a) => a.toLowerCase()));
    const all = l.recipients.map((r) => r.recipient);
    const recipients: LetterRecipients = { to: all.filter((a) => !ccSet.has(a.toLowerCase())), cc: all.filter((a) => ccSet.has(a.toLowerCase())) };
    const userKeyOwner = this.opts.userKeyOwner ?? l.sender.slice(0, l.sender.lastIndexOf('@'));
    const letterRef = `letter:${l.letterId}`;
    const body = await this.opts.keys.sealLetterBody({
      text,
      recipients,
      messageId: messageId.slice(1, -1),
      mode: 'cp1252',
      userKeyOwner,
      letterRef,
    });
    const apz: { name: string; bytes: Uint8Array }[] = [];
    for (const a of l.attachments) {
      const sealedApz = await this.opts.keys.sealApzFile({ files: [{ name: a.name, data: a.bytes }], recipients, userKeyOwner, letterRef });
      apz.push({ name: `${a.name}.apz`, bytes: sealedApz.bytes });
    }
    const raw = buildOutgoingMessage({
      from: l.sender,
      to: recipients.to,
      cc: recipients.cc ?? [],
      subject: l.subject,
      messageId,
      date: new Date(this.now()),
      armoredBody: body.armored,
      apz,
    });
    const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    await this.mailbox.storeSealedMessage(l.letterId, bytes, messageId, signedBy);
    return bytes;
  }
}

function asPliError(e: unknown): PliError {
  if (isPliError(e)) return e;
  // Errors from the mailbox worker arrive as PliErrors; anything else is unexpected.
  return new PliError('send_failed', 'L’envoi a échoué de façon inattendue ; le courrier reste dans « À envoyer ». Le journal de Pli contient les détails.', {
    reason: String((e as Error | undefined)?.message ?? e),
  });
}
