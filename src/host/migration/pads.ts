import { decodeApzPayload, decodeLetterPayload, HEADER_SIZE, openLetter, readLayerHeader, unarmor } from '../../core/apicrypt';
import type { LetterOpener } from '../mail/receive';
import type { Mailbox } from '../store/mailbox';

/**
 * Pads of the profile's key store, fetched on first use and kept in a small LRU (letters come roughly
 * in date order, so a few years' pads at a time), so that memory stays flat however many years a store
 * spans. `extra` holds pads read from key files without storing them (dry run).
 */
export class PadCache {
  private readonly pads = new Map<string, Uint8Array>();
  private readonly missing = new Set<string>();

  constructor(
    private readonly mailbox: Pick<Mailbox, 'getPad'> | undefined,
    private readonly extra: Map<string, Uint8Array> = new Map(),
    private readonly maxPads = 2,
  ) {}

  /** After a key import: forget what was missing (and what was cached, in case a key was replaced). */
  reset(): void {
    this.pads.clear();
    this.missing.clear();
  }

  async get(owner: string, year: number): Promise<Uint8Array | undefined> {
    const id = `${owner}.${year}`;
    const x = this.extra.get(id);
    if (x) return x;
    const hit = this.pads.get(id);
    if (hit) {
      this.pads.delete(id);
      this.pads.set(id, hit);
      return hit;
    }
    if (this.missing.has(id) || !this.mailbox) return undefined;
    const k = await this.mailbox.getPad(owner, year);
    if (!k) {
      this.missing.add(id);
      return undefined;
    }
    this.pads.set(id, k.pad);
    while (this.pads.size > this.maxPads) this.pads.delete(this.pads.keys().next().value!);
    return k.pad;
  }

  /** Synchronous lookup of pads already fetched (what the core's decryption takes). */
  readonly lookup = (owner: string, year: number): Uint8Array | undefined => this.extra.get(`${owner}.${year}`) ?? this.pads.get(`${owner}.${year}`);

  /** Fetches the pads both layers of a sealed binary name (the inner header is read with the outer pad). */
  async prepare(binary: Uint8Array): Promise<void> {
    let outer;
    try {
      outer = readLayerHeader(binary);
    } catch {
      return; // the core reports the damage with its own message
    }
    const up = await this.get(outer.owner, outer.year);
    if (!up || binary.length < 2 * HEADER_SIZE || outer.offset + HEADER_SIZE > up.length) return;
    const inner = new Uint8Array(HEADER_SIZE);
    for (let i = 0; i < HEADER_SIZE; i++) inner[i] = binary[HEADER_SIZE + i]! ^ up[outer.offset + i]!;
    try {
      const h = readLayerHeader(inner);
      await this.get(h.owner, h.year);
    } catch {
      // a garbled inner header: the core says so
    }
  }
}

/**
 * Decryption for the receive pipeline's processMessage straight from the cache: the migration opens
 * thousands of letters a second and cannot list the key store for each one, as KeyService does.
 */
export function padOpener(pads: PadCache): LetterOpener {
  return {
    async openLetterBody(armored) {
      const binary = unarmor(armored);
      await pads.prepare(binary);
      return decodeLetterPayload(openLetter(binary, pads.lookup).payload);
    },
    async openApzFile(bytes) {
      await pads.prepare(bytes);
      return { content: decodeApzPayload(openLetter(bytes, pads.lookup).payload) };
    },
  };
}
