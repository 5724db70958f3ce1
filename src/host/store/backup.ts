import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PliError } from '../../shared/errors';
import { writeFileAtomic } from '../profile/atomic-file';
import { DB_FILE, HEADER_FILE, parseHeader, readHeader } from '../profile/header';
import { unlock } from '../profile/profile';
import { openDatabase } from './db';
import { removeSearchIndex, searchIndexFile } from './search-index';
import type { Mailbox } from './mailbox';

/**
 * A backup is one file: magic, the header (wrapped keys, so the password or the recovery code in force
 * at backup time opens it), then a VACUUM INTO copy of the database, still encrypted with the same key.
 * Nothing in it is plaintext. The search index (mailbox.search.db) is left out: derived from the letters,
 * it is rebuilt when the restored mailbox first opens.
 */
const MAGIC = Buffer.from('PLIBAK01');

/** Backup of a closed (or open elsewhere) mailbox: the password proves the right to copy it. */
export async function backupMailbox(dir: string, destFile: string, password: string): Promise<{ bytes: number }> {
  const key = await unlock(dir, password);
  const tmpDb = `${destFile}.db-tmp-${process.pid}`;
  try {
    rmSync(tmpDb, { force: true });
    const db = openDatabase(join(dir, DB_FILE), key, { readonly: true, migrate: false });
    try {
      db.prepare('VACUUM INTO ?').run(tmpDb);
    } finally {
      db.close();
    }
    return writeContainer(readFileSync(join(dir, HEADER_FILE), 'utf8'), tmpDb, destFile);
  } finally {
    key.fill(0);
    rmSync(tmpDb, { force: true });
  }
}

/** Backup from the running application, through its open mailbox (no second password prompt). */
export async function backupOpenMailbox(mailbox: Mailbox, dir: string, destFile: string): Promise<{ bytes: number }> {
  const header = JSON.stringify(readHeader(dir), null, 2);
  const tmpDb = `${destFile}.db-tmp-${process.pid}`;
  try {
    rmSync(tmpDb, { force: true });
    await mailbox.vacuumInto(tmpDb);
    return writeContainer(header, tmpDb, destFile);
  } finally {
    rmSync(tmpDb, { force: true });
  }
}

function writeContainer(headerText: string, dbFile: string, destFile: string): { bytes: number } {
  parseHeader(headerText);
  const header = Buffer.from(headerText, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(header.length);
  const tmp = `${destFile}.tmp-${process.pid}`;
  const out = openSync(tmp, 'w', 0o600);
  let bytes = 0;
  try {
    for (const part of [MAGIC, len, header]) bytes += writeAll(out, part);
    const inp = openSync(dbFile, 'r');
    try {
      const buf = Buffer.alloc(1 << 20);
      for (;;) {
        const n = readSync(inp, buf, 0, buf.length, null);
        if (n === 0) break;
        bytes += writeAll(out, buf.subarray(0, n));
      }
    } finally {
      closeSync(inp);
    }
    fsyncSync(out);
  } finally {
    closeSync(out);
  }
  renameSync(tmp, destFile);
  return { bytes };
}

function writeAll(fd: number, b: Buffer): number {
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off);
  return b.length;
}

/**
 * Restores a backup into an empty profile folder (never over an existing mailbox). Unlock it afterwards
 * with the password (or recovery code) in force when the backup was made.
 */
export function restoreMailbox(file: string, dir: string): { createdAt: string } {
  if (existsSync(join(dir, HEADER_FILE)) || existsSync(join(dir, DB_FILE))) {
    throw new PliError(
      'restore_target_exists',
      'Ce dossier contient déjà une messagerie Pli : choisissez un dossier vide pour la restauration.',
    );
  }
  const data = readFileSync(file);
  const bad = () =>
    new PliError('backup_invalid', 'Ce fichier n’est pas une sauvegarde Pli valide, ou il est incomplet.');
  if (data.length < 12 || !data.subarray(0, 8).equals(MAGIC)) throw bad();
  const hlen = data.readUInt32BE(8);
  if (12 + hlen > data.length) throw bad();
  const headerText = data.subarray(12, 12 + hlen).toString('utf8');
  const header = (() => {
    try {
      return parseHeader(headerText);
    } catch {
      throw bad();
    }
  })();
  const db = data.subarray(12 + hlen);
  if (db.length < 512) throw bad();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The search index is not in backups (it is rebuilt from the letters at the first open): one left
  // behind in this folder would belong to another mailbox.
  removeSearchIndex(searchIndexFile(join(dir, DB_FILE)));
  // Database first, header last: a half-done restore never looks like a complete profile.
  writeFileAtomic(join(dir, DB_FILE), db);
  writeFileAtomic(join(dir, HEADER_FILE), headerText);
  return { createdAt: header.createdAt };
}
