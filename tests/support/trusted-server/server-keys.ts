import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFileName, parseKeyFile, type KeyFile, type PadUse } from '../../../src/core/apicrypt/index';

/**
 * The trusted-server simulator's key room: every user's key and the Master key, per year, read from a
 * `Clefs/` folder (keys-fixtures/server/Clefs). Pads are only read, never written back.
 */
export class ServerKeys {
  private readonly keys = new Map<string, KeyFile>();

  constructor(keysDir: string) {
    const dir = existsSync(join(keysDir, 'Clefs')) ? join(keysDir, 'Clefs') : keysDir;
    for (const name of readdirSync(dir)) {
      if (!/\.\d{2,3}$/.test(name)) continue; // .aes (V2) and stray files are not for this simulator
      const k = parseKeyFile(new Uint8Array(readFileSync(join(dir, name))), name);
      this.keys.set(keyFileName(k.owner, k.year), k);
    }
  }

  get(owner: string, year: number): KeyFile | undefined {
    return this.keys.get(keyFileName(owner, year));
  }

  /** Owner names are matched exactly first, then case-insensitively (mail local parts are case-blind in practice). */
  resolveOwner(localPart: string): string | undefined {
    for (const k of this.keys.values()) if (k.owner === localPart) return k.owner;
    const low = localPart.toLowerCase();
    for (const k of this.keys.values()) if (k.owner.toLowerCase() === low) return k.owner;
    return undefined;
  }

  /** The year to use for an owner: the requested one if present, else the newest. */
  yearFor(owner: string, wanted: number): number | undefined {
    if (this.get(owner, wanted)) return wanted;
    let best: number | undefined;
    for (const k of this.keys.values()) if (k.owner === owner && (best === undefined || k.year > best)) best = k.year;
    return best;
  }

  readonly lookupPad = (owner: string, year: number): Uint8Array | undefined => this.get(owner, year)?.pad;
}

interface PadState {
  /** Lowest pad byte the simulator has used: its next range ends here (it allocates downward). */
  low: number;
  /** Highest pad byte end seen in letters from the key's owner (the client allocates upward). */
  clientHigh: number;
  counter: number;
}

/**
 * Server-side pad pointers. The key's owner burns its pad from the start upward; the simulator burns
 * the same pad from the end downward and refuses when the two would meet, so no byte is used twice.
 * The state is written to a file (write + rename) before the letter leaves, like a real server must.
 */
export class PadAllocator {
  private readonly state: Record<string, PadState>;

  constructor(
    private readonly keys: ServerKeys,
    private readonly stateFile: string,
  ) {
    this.state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, PadState>) : {};
  }

  private entry(k: KeyFile): PadState {
    const name = keyFileName(k.owner, k.year);
    return (this.state[name] ??= { low: k.indexMax, clientHigh: k.indexCourant, counter: k.nbCrypt });
  }

  /** Records what a client letter used, so the simulator's own ranges stay above it. */
  noteClientUse(owner: string, year: number, offset: number, length: number): void {
    const k = this.keys.get(owner, year);
    if (!k) return;
    const e = this.entry(k);
    e.clientHigh = Math.max(e.clientHigh, offset + length);
    this.save();
  }

  /** Reserves `length` bytes of a pad and returns the PadUse to seal with. */
  allocate(owner: string, year: number, length: number): PadUse {
    const k = this.keys.get(owner, year);
    if (!k) throw new Error(`no server key ${keyFileName(owner, year)}`);
    const e = this.entry(k);
    const offset = e.low - length;
    if (offset < e.clientHigh) throw new Error(`pad ${keyFileName(owner, year)} exhausted on the server side`);
    e.low = offset;
    e.counter += 1;
    this.save();
    return { owner: k.owner, year: k.year, tag: k.tag, pad: k.pad, offset, counter: e.counter, crc: k.crc };
  }

  /** Ranges handed out so far, per key (for tests that check no overlap). */
  snapshot(): Record<string, { low: number; clientHigh: number; counter: number }> {
    return JSON.parse(JSON.stringify(this.state)) as Record<string, PadState>;
  }

  private save(): void {
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.stateFile);
  }
}
