import { existsSync, openSync, closeSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { keyFileName, parseKeyFile, setKeyPointer, type KeyFile, type PadLookup, type PadUse } from '../core/apicrypt';
import { PliError } from '../shared/errors';
import { readInput, writeAtomic } from './files';

const LOCK_WAIT_MS = 15_000;
const LOCK_STALE_MS = 120_000;

/**
 * The legacy `-k` mode: key files used in place in `<root>/Clefs/`. Pointers advance in the key files'
 * headers (written atomically) and never wrap; a lock file keeps two `pli` processes from reserving the
 * same bytes.
 */
export class KeyFolder {
  readonly dir: string;

  constructor(root: string) {
    // Accept the folder that contains Clefs/ (legacy meaning) or Clefs/ itself.
    this.dir = existsSync(join(root, 'Clefs')) ? join(root, 'Clefs') : root;
  }

  path(owner: string, year: number): string {
    return join(this.dir, keyFileName(owner, year));
  }

  has(owner: string, year: number): boolean {
    return existsSync(this.path(owner, year));
  }

  /** Reads and validates a key; a missing file is the legacy "key not found". */
  read(owner: string, year: number): { key: KeyFile; bytes: Uint8Array } {
    const name = keyFileName(owner, year);
    if (!this.has(owner, year)) {
      throw new PliError('key_not_found', `La clef ${name} est introuvable dans ${this.dir}.`, { owner, year, file: name, legacyCode: -5 });
    }
    const bytes = readInput(this.path(owner, year));
    return { key: parseKeyFile(bytes, name), bytes };
  }

  lookup(): PadLookup {
    const cache = new Map<string, Uint8Array>();
    return (owner, year) => {
      const name = keyFileName(owner, year);
      if (!cache.has(name)) {
        if (!this.has(owner, year)) return undefined;
        cache.set(name, this.read(owner, year).key.pad);
      }
      return cache.get(name);
    };
  }

  list(): string[] {
    try {
      return readdirSync(this.dir).filter((f) => !f.startsWith('.') && !f.includes('.pli-tmp-')).sort();
    } catch {
      throw new PliError('file_not_found', `Le dossier de clefs ${this.dir} est introuvable.`, { legacyCode: -43, path: this.dir });
    }
  }

  /**
   * Reserves `lengths` bytes on each key (in order), writing the advanced pointers before returning the
   * pad uses: the ciphertext is made only after its bytes are marked used on disk.
   */
  async reserve(wants: { owner: string; year: number; length: number }[], warn: (msg: string) => void): Promise<PadUse[]> {
    return this.locked(() => {
      const keys = wants.map((w) => ({ w, ...this.read(w.owner, w.year) }));
      for (const { w, key } of keys) {
        const remaining = key.indexMax - key.indexCourant;
        if (w.length > remaining) {
          throw new PliError(
            'pad_exhausted',
            `La clef ${keyFileName(w.owner, w.year)} est épuisée : ${fmt(w.length)} octets nécessaires, ${fmt(remaining)} restants. Installez votre nouvelle clef ou raccourcissez le message (Pli ne réutilise jamais une partie de clef).`,
            { owner: w.owner, year: w.year, needed: w.length, remaining },
          );
        }
      }
      const uses: PadUse[] = [];
      for (const { w, key, bytes } of keys) {
        const after = key.indexCourant + w.length;
        setKeyPointer(bytes, after, key.nbCrypt + 1);
        writeAtomic(this.path(w.owner, w.year), bytes);
        uses.push({ owner: key.owner, year: key.year, tag: key.tag, pad: key.pad, offset: key.indexCourant, counter: key.nbCrypt + 1, crc: key.crc });
        const pct = Math.floor((100 * after) / Math.max(1, key.indexMax));
        if (pct >= 80) {
          warn(`Attention : la clef ${keyFileName(w.owner, w.year)} est utilisée à ${pct} %${pct >= 95 ? ' ; commandez votre nouvelle clef sans attendre' : ''}.`);
        }
      }
      return uses;
    });
  }

  private async locked<T>(f: () => T): Promise<T> {
    const lock = join(this.dir, '.pli-lock');
    const t0 = Date.now();
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx'));
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new PliError('key_not_found', `Le dossier de clefs ${this.dir} est introuvable.`, { legacyCode: -5 });
        if (code !== 'EEXIST') throw new PliError('key_folder_read_only', `Impossible d’écrire dans ${this.dir} (${code}) : le mode -k fait avancer les pointeurs des clefs, il faut un dossier modifiable.`);
        try {
          if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { force: true });
        } catch {}
        if (Date.now() - t0 > LOCK_WAIT_MS) {
          throw new PliError('key_folder_busy', `Le dossier de clefs ${this.dir} est occupé par un autre chiffrement (${lock}). Réessayez.`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    try {
      return f();
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

function fmt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
