import { KeyService, type ImportMediumOptions } from '../../keys';
import type { Mailbox } from '../../store/mailbox';
import type { KeyInfo, KeyPad } from '../../store/types';
import type { LetterOpener } from './process';

/** The profile's keys and their pads, copied for the letter-reading worker at the start of a run. */
export interface KeySnapshot {
  keys: KeyInfo[];
  pads: KeyPad[];
}

/**
 * KeyService for the receive pipeline, reading the list of keys once per run instead of once per
 * letter: the mailbox worker is busy storing the previous batch while the next one is decrypted, and a
 * per-letter query would wait behind that store (no overlap). Pads themselves are cached by KeyService.
 * `refresh()` (called at the start of each run and of each review retry) picks up imported keys.
 */
export class ReceiveKeys implements LetterOpener {
  private list: Promise<KeyInfo[]> | undefined;
  private readonly service: KeyService;

  constructor(
    private readonly mailbox: Mailbox,
    opts: ImportMediumOptions = {},
  ) {
    const listKeys = () => {
      this.list ??= mailbox.listKeys().catch((e: unknown) => {
        this.list = undefined;
        throw e;
      });
      return this.list;
    };
    this.service = new KeyService({ ...mailbox, listKeys }, opts);
  }

  refresh(): void {
    this.list = undefined;
  }

  /** Every key with its pad (pads never change once imported; a key imported later needs a new run). */
  async snapshot(): Promise<KeySnapshot> {
    const keys = await this.mailbox.listKeys();
    const pads: KeyPad[] = [];
    for (const k of keys) {
      const p = await this.mailbox.getKeyPad(k.id);
      if (p) pads.push(p);
    }
    return { keys, pads };
  }

  openLetterBody(armored: string | Uint8Array) {
    return this.service.openLetterBody(armored);
  }

  openApzFile(bytes: Uint8Array) {
    return this.service.openApzFile(bytes);
  }
}

/**
 * A LetterOpener over a snapshot of the keys, for the worker thread that reads letters (it has no
 * mailbox): KeyService opening letters only ever lists the keys and reads their pads.
 */
export function snapshotOpener(snapshot: KeySnapshot): LetterOpener {
  const pads = new Map(snapshot.pads.map((p) => [p.id, p]));
  const reader = {
    listKeys: async () => snapshot.keys,
    getKeyPad: async (id: number) => pads.get(id),
  };
  const service = new KeyService(reader as unknown as Mailbox);
  return {
    openLetterBody: (armored) => service.openLetterBody(armored),
    openApzFile: (bytes) => service.openApzFile(bytes),
  };
}
