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

/** The scratch database of a re-encryption (an empty AEGIS database whose connection does the copy). */
function hostFile(file: string): string {
  return `${file}.cipher-host`;
}

/**
 * Re-encrypts a closed SQLCipher 4 database with AEGIS-256, crash-safe: an AEGIS copy is made on the side
 * (a stop leaves only that copy, removed at the next try), checked, flushed, then renamed over the
 * original. The caller has opened and closed the original first, so no hot journal is left beside it.
 * `way`: 'rekey' skips the fast copy (tests of the sure way); returns the way taken.
 */
export function upgradeToAegis(file: string, key: Uint8Array, way: 'fast' | 'rekey' = 'fast'): 'fast' | 'rekey' {
  const side = upgradeFile(file);
  const host = hostFile(file);
  for (const f of [side, host, `${host}-journal`]) rmSync(f, { force: true });
  try {
    let used = way;
    if (way === 'rekey' || !copyAsAegis(file, side, host, key)) {
      rmSync(side, { force: true });
      rekeyCopy(file, side, key);
      used = 'rekey';
    }
    const fd = openSync(side, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(side, file);
    syncDir(dirname(file));
    return used;
  } finally {
    for (const f of [side, host, `${host}-journal`]) if (existsSync(f)) rmSync(f, { force: true });
  }
}

/**
 * The fast way (~5 s per GB here, a quarter of a rekey): a connection whose own database is AEGIS-keyed
 * attaches the legacy file with its cipher and VACUUMs it INTO the side file, which SQLite3 Multiple
 * Ciphers writes with the connection's cipher and key. That is how the library behaves, not a documented
 * promise: the copy is used only if it reads as AEGIS and passes a quick check; false otherwise.
 */
function copyAsAegis(file: string, side: string, host: string, key: Uint8Array): boolean {
  const db = new Database(host);
  try {
    applyPageKey(db, key, 'aegis256');
    db.exec('CREATE TABLE IF NOT EXISTS host (x)');
    selectPageCipher(db, 'sqlcipher4');
    db.prepare('ATTACH DATABASE ? AS legacy KEY ?').run(file, `x'${Buffer.from(key).toString('hex')}'`);
    selectPageCipher(db, 'aegis256');
    db.prepare('VACUUM legacy INTO ?').run(side);
    db.exec('DETACH DATABASE legacy');
  } finally {
    db.close();
  }
  if (pageCipherOf(side, key) !== 'aegis256') return false;
  const copy = new Database(side, { readonly: true, fileMustExist: true });
  try {
    applyPageKey(copy, key, 'aegis256');
    return copy.pragma('quick_check', { simple: true }) === 'ok';
  } finally {
    copy.close();
  }
}

/** The sure way (~20 s per GB here): a plain copy of the file, rekeyed in place with the new cipher. */
function rekeyCopy(file: string, side: string, key: Uint8Array): void {
  copyFileSync(file, side);
  const db = new Database(side, { fileMustExist: true });
  try {
    applyPageKey(db, key, 'sqlcipher4');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    // Databases of the first schema versions were in WAL mode, which rekeying refuses; out of it first.
    db.pragma('journal_mode = DELETE');
    db.pragma('journal_mode = OFF');
    // Changing the cipher before the rekey: SQLite3 Multiple Ciphers rewrites every page with the new one.
    selectPageCipher(db, 'aegis256');
    db.pragma(`rekey="x'${Buffer.from(key).toString('hex')}'"`);
  } finally {
    db.close();
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
