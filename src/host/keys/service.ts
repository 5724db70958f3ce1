import {
  armorLetter,
  decodeApzPayload,
  decodeLetterPayload,
  encodeApzPayload,
  encodeLetterPayload,
  HEADER_SIZE,
  keyFileName,
  letterComments,
  openLetter,
  readLayerHeader,
  sealedLengths,
  sealLetter,
  unarmor,
  type ApzContent,
  type ApzFile,
  type DecryptedLetter,
  type LayerHeader,
  type LetterRecipients,
  type PadUse,
  type PayloadMode,
} from '../../core/apicrypt';
import type { KeyImportReport, KeyInfo as KeyView } from '../../shared/domain';
import { PliError } from '../../shared/errors';
import { silentLogger, type Logger } from '../log/logger';
import type { Mailbox } from '../store/mailbox';
import type { KeyInfo, ReserveResult } from '../store/types';
import { importKeyMedium, type ImportMediumOptions } from './medium';

export interface SealLetterInput {
  text: string;
  recipients: LetterRecipients;
  messageId?: string;
  /** Other trailer parameters (NAME -> value). */
  params?: Record<string, string>;
  mode: PayloadMode;
  /** The sender's key name: `jean.DUPONT`, or the practice's group key `cabinet.LESTILLEULS`. */
  userKeyOwner: string;
  /** Key year; defaults to the current calendar year. */
  year?: number;
  /** Which letter the pad ranges belong to (recorded in the ledger). */
  letterRef: string;
}

export interface SealApzInput {
  files: ApzFile[];
  recipients: string[] | LetterRecipients;
  userKeyOwner: string;
  year?: number;
  letterRef: string;
}

/** One pad range a sealed letter consumed. */
export interface UsedRange {
  keyId: number;
  owner: string;
  year: number;
  reservationId: number;
  start: number;
  length: number;
}

export interface SealResult {
  /** French warnings at 80 % and 95 % pad use, to show to the user. */
  warnings: string[];
  reservations: { master: UsedRange; user: UsedRange };
}

export interface OpenedApz {
  content: ApzContent;
  outer: LayerHeader;
  inner: LayerHeader;
}

const pct = (ratio: number) => Math.min(100, Math.floor(ratio * 100));

/** The French warning for a pad use ratio, or undefined below 80 %. */
export function padWarningFr(owner: string, year: number, usedRatio: number): string | undefined {
  const label = keyFileName(owner, year);
  if (usedRatio >= 0.95) {
    return `La clef ${label} est presque épuisée (${pct(usedRatio)} % utilisés) : importez sans tarder votre nouveau support de clefs, sinon l’envoi de courriers sera bientôt impossible.`;
  }
  if (usedRatio >= 0.8) {
    return `La clef ${label} est utilisée à ${pct(usedRatio)} % : pensez à demander votre prochain support de clefs.`;
  }
  return undefined;
}

/** The CRC field of a layer header (spec §2, offset 100): tells apart two keys of the same name and year. */
function headerCrc(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + at, HEADER_SIZE).getUint32(100);
}

/**
 * Keys of the open profile: medium import, listing, and the APICRYPT V1 layers for letters and `.apz`
 * attachments using the pads of the encrypted mailbox. Every send reserves its pad ranges durably in the
 * ledger before the ciphertext exists; decryption never touches the ledger.
 */
export class KeyService {
  /** Pads never change once imported: keep them, by key id, rather than fetch them from the worker per letter. */
  private readonly pads = new Map<number, Uint8Array>();
  private readonly counters = new Map<number, number>();
  private readonly log: Logger;

  constructor(
    private readonly mailbox: Mailbox,
    private readonly opts: ImportMediumOptions & { logger?: Logger; now?: () => Date } = {},
  ) {
    this.log = opts.logger ?? silentLogger;
  }

  async importMedium(path: string): Promise<KeyImportReport> {
    const report = await importKeyMedium(this.mailbox, path, this.opts);
    this.log.info('key medium imported', {
      imported: report.imported.length,
      alreadyPresent: report.alreadyPresent.length,
      unsupported: report.unsupported.length,
      rejected: report.rejected.map((r) => r.code),
    });
    return report;
  }

  async list(): Promise<KeyView[]> {
    return (await this.mailbox.listKeys()).map((k) => ({
      owner: k.owner,
      year: k.year,
      kind: k.kind,
      size: k.indexMax,
      used: Math.min(k.nextOffset, k.indexMax),
      usedRatio: Math.min(1, k.usedRatio),
      importedAt: new Date(k.importedAt).toISOString(),
    }));
  }

  /** Warnings for this year's keys that are 80 % or 95 % used. */
  async usageWarnings(year = this.currentYear()): Promise<string[]> {
    const out: string[] = [];
    for (const k of await this.mailbox.listKeys()) {
      if (k.year !== year) continue;
      const w = padWarningFr(k.owner, k.year, k.usedRatio);
      if (w) out.push(w);
    }
    return out;
  }

  /** Encrypts and armors a letter body (spec §3) with the sender's key and the Master key of the year. */
  async sealLetterBody(input: SealLetterInput): Promise<SealResult & { armored: string }> {
    const payload = encodeLetterPayload({
      text: input.text,
      recipients: input.recipients,
      mode: input.mode,
      ...(input.messageId !== undefined ? { messageId: input.messageId } : {}),
      ...(input.params ? { params: input.params } : {}),
    });
    const sealed = await this.seal(payload, input.userKeyOwner, input.year ?? this.currentYear(), input.letterRef);
    return { armored: armorLetter(sealed.binary, letterComments(sealed.master, sealed.user)), warnings: sealed.warnings, reservations: sealed.reservations };
  }

  /** Encrypts an `.apz` attachment container (spec §6): binary, no armor. */
  async sealApzFile(input: SealApzInput): Promise<SealResult & { bytes: Uint8Array }> {
    const payload = encodeApzPayload({ sender: input.userKeyOwner, recipients: input.recipients, files: input.files });
    const sealed = await this.seal(payload, input.userKeyOwner, input.year ?? this.currentYear(), input.letterRef);
    return { bytes: sealed.binary, warnings: sealed.warnings, reservations: sealed.reservations };
  }

  /** Decrypts an armored letter body with the profile's keys; a missing key is the typed 'key_not_found'. */
  async openLetterBody(armored: string | Uint8Array, mode?: PayloadMode): Promise<DecryptedLetter> {
    const { payload, outer, inner } = await this.open(unarmor(armored));
    return { ...decodeLetterPayload(payload, mode), outer, inner };
  }

  async openApzFile(bytes: Uint8Array): Promise<OpenedApz> {
    const { payload, outer, inner } = await this.open(bytes);
    return { content: decodeApzPayload(payload), outer, inner };
  }

  // ------------------------------------------------------------------ internals

  private currentYear(): number {
    return (this.opts.now?.() ?? new Date()).getFullYear();
  }

  /** The key of that name and year: the one whose CRC matches when given, else the newest import. */
  private pick(keys: KeyInfo[], owner: string, year: number, crc?: number): KeyInfo | undefined {
    let best: KeyInfo | undefined;
    for (const k of keys) {
      if (k.owner !== owner || k.year !== year) continue;
      if (crc !== undefined && k.crc === crc) return k;
      if (!best || k.id > best.id) best = k;
    }
    return best;
  }

  private async pad(keyId: number): Promise<Uint8Array> {
    let pad = this.pads.get(keyId);
    if (!pad) {
      const k = await this.mailbox.getKeyPad(keyId);
      if (!k) throw new PliError('key_missing', 'Cette clef a disparu du profil : importez de nouveau votre support de clefs.', { keyId });
      pad = k.pad;
      this.pads.set(keyId, pad);
    }
    return pad;
  }

  private async seal(
    payload: Uint8Array,
    owner: string,
    year: number,
    letterRef: string,
  ): Promise<SealResult & { binary: Uint8Array; master: PadUse; user: PadUse }> {
    const keys = await this.mailbox.listKeys();
    const masterKey = this.pick(keys, 'Master', year);
    const userKey = this.pick(keys, owner, year);
    for (const [k, name] of [[masterKey, 'Master'], [userKey, owner]] as const) {
      if (!k) {
        const file = keyFileName(name, year);
        throw new PliError('key_missing', `Aucune clef ${file} : importez votre support de clefs ${year}.`, { owner: name, year, file });
      }
    }
    const mk = masterKey!;
    const uk = userKey!;
    const len = sealedLengths(payload.length);
    // Check both pads first, so that a refusal never leaves a half-reserved letter behind (the store
    // checks again under its write lock).
    for (const [k, need] of [[mk, len.master], [uk, len.user]] as const) {
      const remaining = Math.max(0, k.indexMax - k.nextOffset);
      if (need > remaining) {
        throw new PliError(
          'pad_exhausted',
          `La clef ${keyFileName(k.owner, k.year)} est épuisée : il reste ${remaining.toLocaleString('fr-FR')} octets, ce courrier en demande ${need.toLocaleString('fr-FR')}. Importez votre nouveau support de clefs pour continuer à envoyer.`,
          { owner: k.owner, year: k.year, remaining, needed: need },
        );
      }
    }
    const [mPad, uPad] = await Promise.all([this.pad(mk.id), this.pad(uk.id)]);

    // Durable reservations (fsync'd, under SQLite's write lock) before any ciphertext exists.
    const mRes = await this.mailbox.reservePadRange(mk.id, len.master, letterRef);
    const uRes = await this.mailbox.reservePadRange(uk.id, len.user, letterRef);
    const [mCounter, uCounter] = await Promise.all([this.nextCounter(mk.id), this.nextCounter(uk.id)]);

    const master: PadUse = { owner: mk.owner, year, tag: mk.tag, pad: mPad, offset: mRes.start, counter: mCounter, crc: mk.crc };
    const user: PadUse = { owner: uk.owner, year, tag: uk.tag, pad: uPad, offset: uRes.start, counter: uCounter, crc: uk.crc };
    const binary = sealLetter(payload, master, user);

    await this.mailbox.markPadUsed(mRes.reservationId, letterRef);
    await this.mailbox.markPadUsed(uRes.reservationId, letterRef);

    const warnings: string[] = [];
    for (const [k, r] of [[mk, mRes], [uk, uRes]] as const) {
      const w = this.warningOf(k, r);
      if (w) warnings.push(w);
    }
    const range = (k: KeyInfo, r: ReserveResult): UsedRange => ({ keyId: k.id, owner: k.owner, year: k.year, reservationId: r.reservationId, start: r.start, length: r.length });
    return { binary, master, user, warnings, reservations: { master: range(mk, mRes), user: range(uk, uRes) } };
  }

  private warningOf(k: KeyInfo, r: ReserveResult): string | undefined {
    if (r.warning === 'none') return undefined;
    return padWarningFr(k.owner, k.year, r.usedRatio);
  }

  /**
   * The counter shown as MID, like the legacy nbCrypt: letters sealed with this key so far, plus one.
   * Read from the ledger once per key, then counted here (it is informative only: two processes may
   * show the same number, never the same bytes).
   */
  private async nextCounter(keyId: number): Promise<number> {
    let n = this.counters.get(keyId);
    if (n === undefined) n = (await this.mailbox.listReservations(keyId)).filter((r) => r.state === 'used' && !r.letterRef.startsWith('legacy:')).length;
    this.counters.set(keyId, n + 1);
    return n + 1;
  }

  /** Fetches the pads both layer headers name (the inner one is read once the outer pad is known). */
  private async open(binary: Uint8Array): Promise<{ payload: Uint8Array; outer: LayerHeader; inner: LayerHeader }> {
    const keys = await this.mailbox.listKeys();
    const pads = new Map<string, Uint8Array>();
    const fetch = async (h: LayerHeader, crc: number): Promise<Uint8Array | undefined> => {
      const k = this.pick(keys, h.owner, h.year, crc);
      if (!k) return undefined;
      const pad = await this.pad(k.id);
      pads.set(keyFileName(h.owner, h.year), pad);
      return pad;
    };
    const outer = readLayerHeader(binary);
    const uPad = await fetch(outer, headerCrc(binary, 0));
    if (uPad && binary.length >= 2 * HEADER_SIZE && outer.offset + HEADER_SIZE <= uPad.length) {
      const innerHeader = new Uint8Array(HEADER_SIZE);
      for (let i = 0; i < HEADER_SIZE; i++) innerHeader[i] = binary[HEADER_SIZE + i]! ^ uPad[outer.offset + i]!;
      // A garbled inner header is left for the core to report with its own message.
      const inner = (() => {
        try {
          return readLayerHeader(innerHeader);
        } catch {
          return undefined;
        }
      })();
      if (inner && !pads.has(keyFileName(inner.owner, inner.year))) await fetch(inner, headerCrc(innerHeader, 0));
    }
    // The core reports missing keys ('key_not_found', naming the file and year) and damaged letters.
    return openLetter(binary, (owner, year) => pads.get(keyFileName(owner, year)));
  }
}
