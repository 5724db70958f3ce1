import { KeyService, type ImportMediumOptions } from '../../keys';
import type { Mailbox } from '../../store/mailbox';
import type { KeyInfo } from '../../store/types';
import type { LetterOpener } from './process';

/**
 * KeyService for the receive pipeline, reading the list of keys once per run instead of once per
 * letter: the mailbox worker is busy storing the previous batch while the next one is decrypted, and a
 * per-letter query would wait behind that store (no overlap). Pads themselves are cached by KeyService.
 * `refresh()` (called at the start of each run and of each review retry) picks up imported keys.
 */
export class ReceiveKeys implements LetterOpener {
  private list: Promise<KeyInfo[]> | undefined;
  private readonly service: KeyService;

  constructor(mailbox: Mailbox, opts: ImportMediumOptions = {}) {
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

  openLetterBody(armoredText: string) {
    return this.service.openLetterBody(armoredText);
  }

  openApzFile(bytes: Uint8Array) {
    return this.service.openApzFile(bytes);
  }
}
