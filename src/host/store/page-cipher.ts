import { copyFileSync, existsSync, fsyncSync, openSync, closeSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { syncDir } from '../profile/atomic-file';

/**
 * How the pages of a profile's databases are encrypted. New databases use AEGIS-256 (authenticated,
 * AES-NI accelerated: pages written ~3x faster than SQLCipher 4 on this project's benchmarks, read ~4x);
 * databases made by Pli before it used SQLCipher 4 (AES-256-CBC + HMAC-SHA512) and are re-encrypted
 * at their first writable open.
 */
export type PageCipher = 'aegis256' | 'sqlcipher4';

/** Tried in this order at open: the current cipher first, so that only legacy files pay a second try. */
export const PAGE_CIPHERS: readonly PageCipher[] = ['aegis256', 'sqlcipher4'];

/** Selects the cipher and gives the raw 256-bit key (no key derivation: the key is random already). */
export function applyPageKey(db: Database.Database, key: Uint8Array, cipher: PageCipher): void {
  selectPageCipher(db, cipher);
  db.pragma(`key="x'${Buffer.from(key).toString('hex')}'"`);
}

/**
 * The cipher of the next database keyed on this connection (the main one, or one ATTACHed with a KEY
 * afterwards: a connection whose mailbox is still in the legacy cipher attaches the AEGIS search index).
 */
export function selectPageCipher(db: Database.Database, cipher: PageCipher): void {
  if (cipher === 'aegis256') {
    db.pragma("cipher='aegis'");
    db.pragma("algorithm='aegis-256'");
  } else {
    db.pragma("cipher='sqlcipher'");
    db.pragma('legacy=4');
  }
}

/** The side file of an unfinished re-encryption (a stop before the rename); encrypted, never read. */
export function upgradeFile(file: string): string {
  return `${file}.cipher-upgrade`;
}

/**
 * Re-encrypts a closed SQLCipher 4 database with AEGIS-256, crash-safe: a copy is re-encrypted on the
 * side (no journal: a stop leaves only that copy, removed at the next try), flushed, then renamed over
 * the original. The caller has opened and closed the original first, so no hot journal is left beside it.
 */
export function upgradeToAegis(file: string, key: Uint8Array): void {
  const side = upgradeFile(file);
  rmSync(side, { force: true });
  try {
    copyFileSync(file, side);
    const db = new Database(side, { fileMustExist: true });
    try {
      applyPageKey(db, key, 'sqlcipher4');
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      // Databases of the first schema versions were in WAL mode, which rekeying refuses; out of it first.
      db.pragma('journal_mode = DELETE');
      db.pragma('journal_mode = OFF');
      // Changing the cipher before the rekey: SQLite3 Multiple Ciphers rewrites every page with the new one.
      db.pragma("cipher='aegis'");
      db.pragma("algorithm='aegis-256'");
      db.pragma(`rekey="x'${Buffer.from(key).toString('hex')}'"`);
    } finally {
      db.close();
    }
    const fd = openSync(side, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(side, file);
    syncDir(dirname(file));
  } finally {
    if (existsSync(side)) rmSync(side, { force: true });
  }
}

/** Which cipher reads `file` with `key` (read-only; null when none does): for diagnostics and tests. */
export function pageCipherOf(file: string, key: Uint8Array): PageCipher | null {
  for (const c of PAGE_CIPHERS) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      applyPageKey(db, key, c);
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      return c;
    } catch {
      // next cipher
    } finally {
      db.close();
    }
  }
  return null;
}
