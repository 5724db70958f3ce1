import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { LEGACY } from '../core/apicrypt';
import { PliError } from '../shared/errors';

/** Reads a file, or fails with the legacy "file not found" code. */
export function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PliError(
      'file_not_found',
      code === 'ENOENT' ? `Le fichier ${path} est introuvable.` : `Le fichier ${path} ne peut pas être lu (${code ?? 'erreur'}).`,
      { legacyCode: LEGACY.fileNotFound, path },
    );
  }
}

/** Writes through a temporary file, synced, then renamed over the target: readers see the old or the new file, never half. */
export function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.pli-tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      let o = 0;
      while (o < bytes.length) o += writeSync(fd, bytes, o, bytes.length - o);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new PliError('file_write_failed', `Impossible d’écrire ${path} (${code ?? 'erreur'}). Vérifiez les droits et la place disponible.`, { path });
  }
}
