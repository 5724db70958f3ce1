import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync } from 'node:fs';
import { PliError } from '../../shared/errors';
import { PAGE_CIPHERS, applyPageKey, upgradeToAegis, type PageCipher } from './page-cipher';
import { SCHEMA_VERSION, migrations } from './schema';

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file when missing (first launch only: never start empty when the key is lost). */
  create?: boolean;
  readonly?: boolean;
  /** Apply pending migrations (default true; false for backups and inspection). */
  migrate?: boolean;
  /**
   * A database still in the legacy cipher (page-cipher.ts), opened writable: re-encrypted ('upgrade',
   * the default; if that fails, e.g. disk full, it is opened as it is and `warn` says so, to try again at
   * the next open) or refused as undecryptable ('refuse': derived data, rebuilt by the caller).
   */
  legacy?: 'upgrade' | 'refuse';
  /** Events worth a line in the log. */
  warn?: (event: string, fields?: Record<string, unknown>) => void;
}

/**
 * Opens a mailbox database. `key` is the raw 256-bit database key (page encryption, see page-cipher.ts,
 * so the journal's copies of pages are encrypted too); `null` opens an unencrypted database (benchmark
 * baseline only).
 */
export function openDatabase(file: string, key: Uint8Array | null, opts: OpenOptions = {}): Db {
  if (!opts.create && !existsSync(file)) {
    throw new PliError(
      'mailbox_missing',
      'La base de la messagerie (mailbox.db) est introuvable dans le profil. Restaurez une sauvegarde de Pli.',
    );
  }
  const db = openCipherDatabase(file, key, opts);
  try {
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new PliError(
        'mailbox_too_new',
        'Cette messagerie a été enregistrée par une version plus récente de Pli. Mettez Pli à jour pour l’ouvrir.',
        { version, supported: SCHEMA_VERSION },
      );
    }
    if (opts.migrate ?? !opts.readonly) migrate(db, version);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Opens a database of the profile (the mailbox or its search index) with the key and the connection
 * settings they share; no schema check.
 */
export function openCipherDatabase(
  file: string,
  key: Uint8Array | null,
  opts: Pick<OpenOptions, 'create' | 'readonly' | 'legacy' | 'warn'> & { cacheKb?: number } = {},
): Db {
  const existed = existsSync(file);
  let db: Db | undefined;
  if (key) {
    if (key.length !== 32) throw new PliError('internal', 'Clef de base de données invalide.');
    let cipher: PageCipher | undefined;
    let failure: unknown;
    for (const c of existed ? PAGE_CIPHERS : PAGE_CIPHERS.slice(0, 1)) {
      const r = tryKey(file, key, c, opts);
      if ('db' in r) {
        db = r.db;
        cipher = c;
        break;
      }
      failure ??= r.error;
      // "Not a database" or "malformed" (a legacy file with a hot journal, read with AEGIS) say the cipher
      // or the key is not this one; busy, I/O: no second try.
      if (!/^SQLITE_(NOTADB|CORRUPT)/.test(String((r.error as { code?: unknown })?.code))) break;
    }
    if (db && cipher !== 'aegis256' && !opts.readonly) {
      db.close();
      db = undefined;
      if (opts.legacy === 'refuse') failure = new Error('legacy page cipher refused');
      else db = upgraded(file, key, opts);
    }
    if (!db) {
      throw new PliError(
        'mailbox_key_wrong',
        'La base de la messagerie ne peut pas être déchiffrée avec cette clef : elle est endommagée ou ne correspond pas à l’en-tête. Restaurez une sauvegarde.',
        undefined,
        { cause: failure },
      );
    }
  } else {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: !opts.create, timeout: 10_000 });
  }
  try {
    // Temporary tables and sorts stay in memory: no plaintext temp files on disk.
    db.pragma('temp_store = MEMORY');
    // 20 MB of page cache: lists and searches stay warm at 100k letters (the search index, in its own
    // database, no longer shares it). Measured at 100k: 32 MB gave search p95 ~40 ms but peak RSS up to
    // 311 MB, 24 MB 46-55 ms and 278-308 MB, 20 MB 54-57 ms and 282-286 MB, 16 MB 80-82 ms and 274-276 MB.
    db.pragma(`cache_size = -${opts.cacheKb ?? 20000}`);
    if (!opts.readonly) {
      // A rollback journal rather than WAL: the cipher encrypts each page as it is written to the WAL, then
      // decrypts and encrypts it again when the checkpoint copies it into the database; with a journal, a
      // new page is encrypted and written once (inserts ~30 % faster, measured at 50,000 letters). Each database
      // has one writing connection per process (the store worker, the search-index worker), so WAL's concurrent
      // readers bought nothing. The
      // journal's pages are encrypted like the database's; PERSIST keeps the file and zeroes its header
      // (no create/delete per commit), capped at 16 MB between transactions.
      db.pragma('journal_mode = PERSIST');
      db.pragma('journal_size_limit = 16777216');
      // FULL: the pad ledger and the receive pipeline need every commit on disk before they go on.
      db.pragma('synchronous = FULL');
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * First writable open of a database made before AEGIS: re-encrypted once, then opened again. When the
 * re-encryption fails (disk full, file locked), the database is opened as it is: nothing is lost, and the
 * next open tries again.
 */
function upgraded(file: string, key: Uint8Array, opts: Pick<OpenOptions, 'create' | 'readonly' | 'warn'>): Db | undefined {
  let cipher: PageCipher = 'aegis256';
  try {
    upgradeToAegis(file, key);
  } catch (e) {
    opts.warn?.('page cipher upgrade failed', { code: (e as { code?: unknown })?.code ?? 'unknown' });
    cipher = 'sqlcipher4';
  }
  const r = tryKey(file, key, cipher, opts);
  if (!('db' in r)) throw r.error;
  return r.db;
}

/** Opens `file` with one cipher; a key that does not read the first page is an error, not an exception. */
function tryKey(
  file: string,
  key: Uint8Array,
  cipher: PageCipher,
  opts: Pick<OpenOptions, 'create' | 'readonly'>,
): { db: Db } | { error: unknown } {
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: !opts.create, timeout: 10_000 });
  try {
    applyPageKey(db, key, cipher);
    // The first read also rolls back a hot journal left by a crash; its pages are copied back as they
    // are on disk (still encrypted), whichever cipher is tried.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return { db };
  } catch (error) {
    db.close();
    return { error };
  }
}

function migrate(db: Db, from: number): void {
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

/** Creates the encrypted database of a new profile, with the current schema, and closes it. */
export function createMailboxDatabase(file: string, key: Uint8Array): void {
  if (existsSync(file)) {
    throw new PliError('profile_exists', 'Une base de messagerie existe déjà dans ce dossier.');
  }
  openDatabase(file, key, { create: true }).close();
}
