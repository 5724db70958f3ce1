import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { keyFileName, parseKeyFile, parseKeyFileName } from '../../core/apicrypt';
import type { KeyImportReport } from '../../shared/domain';
import { PliError } from '../../shared/errors';
import type { Mailbox } from '../store/mailbox';
import type { KeyKind } from '../store/types';

export interface ImportMediumOptions {
  /** Owners whose key is a group practice key (e.g. `cabinet.LESTILLEULS`); others are 'user' keys. */
  groupOwners?: readonly string[];
}

/** Larger files cannot be APICRYPT pads (a pad is a few megabytes) and would only exhaust memory. */
const MAX_KEY_FILE = 256 * 1024 * 1024 + 224;
/** Files that operating systems drop on removable media: never reported. */
const NOISE = /^(\.|thumbs\.db$|desktop\.ini$|autorun\.inf$)/i;

/** The medium's `Clefs/` folder when there is one, else the folder itself (it may hold the keys directly). */
async function keyFolder(path: string): Promise<{ dir: string; isClefs: boolean }> {
  const root = resolve(path);
  const isDir = async (p: string) => (await stat(p).catch(() => undefined))?.isDirectory() === true;
  if (!(await isDir(root))) {
    throw new PliError('key_medium_not_found', `Le dossier ${root} est introuvable : vérifiez que le support de clefs est bien branché.`, { path: root });
  }
  for (const name of ['Clefs', 'clefs', 'CLEFS']) {
    if (await isDir(join(root, name))) return { dir: join(root, name), isClefs: true };
  }
  return { dir: root, isClefs: /^clefs$/i.test(basename(root)) };
}

/** Reads a file through a read-only handle (a CD or a write-protected stick must do; nothing is ever written). */
async function readOnly(file: string): Promise<Uint8Array> {
  const h = await open(file, 'r');
  try {
    const { size } = await h.stat();
    if (size > MAX_KEY_FILE) {
      throw new PliError('key_too_long', `Le fichier ${basename(file)} est bien trop grand pour être une clef APICRYPT.`, { file: basename(file), size });
    }
    const buf = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await h.read(buf, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? buf : buf.subarray(0, at);
  } finally {
    await h.close();
  }
}

/**
 * Imports every key file of a key medium (its root, its `Clefs/` folder, or any folder holding key files)
 * into the profile's key store. Each bad file is reported with its own code and message and never stops
 * the others; `.aes` (V2) files are listed as unsupported. The key file's pointer becomes the key's
 * start in the ledger: bytes before it may have been spent by the legacy client and are never reused.
 */
export async function importKeyMedium(mailbox: Mailbox, path: string, opts: ImportMediumOptions = {}): Promise<KeyImportReport> {
  const { dir, isClefs } = await keyFolder(path);
  const report: KeyImportReport = { imported: [], alreadyPresent: [], unsupported: [], rejected: [], recovered: 0 };
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !NOISE.test(e.name));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const known = await mailbox.listKeys();
  let seen = 0;

  for (const e of entries) {
    const named = parseKeyFileName(e.name);
    if (named && 'unsupported' in named) {
      report.unsupported.push(e.name);
      seen++;
      continue;
    }
    // Outside a Clefs/ folder other files are expected (a stick's root); inside, they are worth a word.
    if (!named && !isClefs) continue;
    seen++;
    try {
      const bytes = await readOnly(join(dir, e.name));
      const key = parseKeyFile(bytes, e.name);
      const label = keyFileName(key.owner, key.year);
      const kind: KeyKind = key.owner === 'Master' ? 'master' : opts.groupOwners?.includes(key.owner) ? 'group' : 'user';
      // A copy, so that the worker message carries the pad only, not the whole file's buffer.
      const pad = key.pad.slice();
      const r = await mailbox.importKey({
        owner: key.owner,
        year: key.year,
        tag: key.tag,
        indexMax: key.indexMax,
        crc: key.crc,
        pad,
        startOffset: key.indexCourant,
        kind,
        source: join(dir, e.name),
      });
      if (r.created) {
        report.imported.push(label);
        continue;
      }
      report.alreadyPresent.push(label);
      await skipLegacyUse(mailbox, r.id, key.indexCourant, label, known.find((k) => k.id === r.id)?.nextOffset);
    } catch (err) {
      if (!(err instanceof PliError)) {
        report.rejected.push({
          file: e.name,
          code: 'key_unreadable',
          message_fr: `Le fichier ${e.name} n’a pas pu être lu sur le support (${(err as NodeJS.ErrnoException).code ?? 'erreur de lecture'}). Vérifiez le support et réessayez.`,
        });
        continue;
      }
      report.rejected.push({ file: e.name, code: err.code, message_fr: err.message_fr });
    }
  }
  if (seen === 0) {
    throw new PliError('key_medium_empty', `Aucune clef APICRYPT n’a été trouvée dans ${dir} : choisissez le support de clefs (le dossier qui contient Clefs).`, { path: dir });
  }
  return report;
}

/**
 * The same key imported again after the legacy client used it: its pointer moved past our ledger. The
 * bytes in between were spent elsewhere, so they are reserved and marked used here, never handed out.
 */
async function skipLegacyUse(mailbox: Mailbox, keyId: number, pointer: number, label: string, nextOffset: number | undefined): Promise<void> {
  if (nextOffset === undefined || pointer <= nextOffset) return;
  const ref = `legacy:${label}`;
  try {
    const r = await mailbox.reservePadRange(keyId, pointer - nextOffset, ref);
    await mailbox.markPadUsed(r.reservationId, ref);
  } catch (e) {
    // Another send took the bytes meanwhile and the pad ends before the pointer: nothing left to skip.
    if (!(e instanceof PliError && e.code === 'pad_exhausted')) throw e;
  }
}
