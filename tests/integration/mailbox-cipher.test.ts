import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3-multiple-ciphers';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProfile, unlock } from '../../src/host/profile';
import { backupMailbox, openDatabase, openMailbox, restoreMailbox } from '../../src/host/store';
import { MailboxStore } from '../../src/host/store/mailbox-store';
import { applyPageKey, pageCipherOf, upgradeFile, upgradeToAegis } from '../../src/host/store/page-cipher';
import { FIXTURE_KEY_HEX } from '../fixtures/mailbox/fixture-content';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'mailbox');
const KEY = Buffer.from(FIXTURE_KEY_HEX, 'hex');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the last released fixture: a mailbox encrypted with SQLCipher 4, as Pli made them before AEGIS. */
function legacyMailbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pli-cipher-'));
  dirs.push(dir);
  const file = join(dir, 'mailbox.db');
  copyFileSync(join(FIXTURES, 'v11.db'), file);
  return file;
}

/** Re-encrypts an AEGIS database of the profile the way Pli wrote them before (SQLCipher 4). */
function toSqlcipher(file: string, key: Uint8Array): void {
  const db = new Database(file);
  try {
    applyPageKey(db, key, 'aegis256');
    db.pragma("cipher='sqlcipher'");
    db.pragma('legacy=4');
    db.pragma(`rekey="x'${Buffer.from(key).toString('hex')}'"`);
  } finally {
    db.close();
  }
}

async function expectFixtureContent(file: string): Promise<void> {
  const mb = await openMailbox({ file, key: KEY });
  try {
    expect(await mb.integrityCheck()).toEqual(['ok']);
    expect(await mb.countLetters()).toBe(2);
    expect((await mb.search('hémo')).items.map((l) => l.subject)).toEqual(['Résultats biologiques']);
  } finally {
    await mb.close();
  }
}

describe('page cipher', () => {
  it('makes new databases with AEGIS-256', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pli-cipher-'));
    dirs.push(dir);
    const file = join(dir, 'mailbox.db');
    openDatabase(file, KEY, { create: true }).close();
    expect(pageCipherOf(file, KEY)).toBe('aegis256');
    expect(pageCipherOf(file, Buffer.alloc(32, 7))).toBeNull();
  });

  it('re-encrypts a SQLCipher 4 mailbox with AEGIS-256 at its first writable open, content intact', async () => {
    const file = legacyMailbox();
    expect(pageCipherOf(file, KEY)).toBe('sqlcipher4');
    // Read-only opens (a backup of a closed mailbox) read it as it is.
    openDatabase(file, KEY, { readonly: true }).close();
    expect(pageCipherOf(file, KEY)).toBe('sqlcipher4');
    await expectFixtureContent(file);
    expect(pageCipherOf(file, KEY)).toBe('aegis256');
    // The search index made at that open uses the same cipher; no side file is left.
    expect(pageCipherOf(file.replace(/\.db$/, '.search.db'), KEY)).toBe('aegis256');
    expect(readdirSync(join(file, '..')).filter((f) => f.includes('cipher-upgrade'))).toEqual([]);
    // A wrong key is still told apart, whichever cipher the file uses.
    await expect(openMailbox({ file, key: Buffer.alloc(32, 7) })).rejects.toMatchObject({ code: 'mailbox_key_wrong' });
  });

  it('copies with VACUUM INTO when the library writes that copy with AEGIS, and rekeys a copy otherwise', async () => {
    for (const way of ['fast', 'rekey'] as const) {
      const file = legacyMailbox();
      expect(upgradeToAegis(file, KEY, way)).toBe(way);
      expect(pageCipherOf(file, KEY)).toBe('aegis256');
      expect(readdirSync(join(file, '..')).sort()).toEqual(['mailbox.db']);
      await expectFixtureContent(file);
    }
  });

  it('finishes an upgrade that stopped half-way: the side copy is dropped and the original re-encrypted', async () => {
    const file = legacyMailbox();
    writeFileSync(upgradeFile(file), Buffer.alloc(8192, 0xab));
    await expectFixtureContent(file);
    expect(pageCipherOf(file, KEY)).toBe('aegis256');
    expect(existsSync(upgradeFile(file))).toBe(false);
  });

  it('rolls back the hot journal of a SQLCipher 4 mailbox killed mid-transaction before re-encrypting it', async () => {
    const file = legacyMailbox();
    const sizeBefore = statSync(file).size;
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(FIXTURES, 'children', 'legacy-hot-journal.ts')], {
      env: { ...process.env, PLI_DB: file, PLI_KEY: FIXTURE_KEY_HEX },
      encoding: 'utf8',
    });
    expect(child.stdout).toContain('spilled');
    expect(child.signal).toBe('SIGKILL');
    // The killed transaction reached the file and left its journal: a hot journal.
    expect(statSync(file).size).toBeGreaterThan(sizeBefore);
    expect(statSync(`${file}-journal`).size).toBeGreaterThan(0);
    await expectFixtureContent(file);
    expect(pageCipherOf(file, KEY)).toBe('aegis256');
    const db = openDatabase(file, KEY, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'junk'").pluck().get()).toBe(0);
      expect(db.prepare("SELECT count(*) FROM letters WHERE subject = 'modifié sans commit'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('page cipher upgrade that cannot be done', () => {
  it('opens the mailbox as it is (searches included) and upgrades it at a later open', async () => {
    const file = legacyMailbox();
    // Something in the way of the side copy (as a full disk would be): the upgrade fails.
    mkdirSync(upgradeFile(file));
    writeFileSync(join(upgradeFile(file), 'occupé'), 'x');
    const warnings: string[] = [];
    const store = MailboxStore.open(file, KEY, { warn: (e) => warnings.push(e) });
    try {
      expect(warnings).toContain('page cipher upgrade failed');
      expect(store.countLetters()).toBe(2);
      // The index is AEGIS-256 even beside a legacy mailbox, and attached as such.
      expect(pageCipherOf(file.replace(/\.db$/, '.search.db'), KEY)).toBe('aegis256');
      expect(store.search('hémo').items.map((l) => l.subject)).toEqual(['Résultats biologiques']);
    } finally {
      store.close();
    }
    expect(pageCipherOf(file, KEY)).toBe('sqlcipher4');
    rmSync(upgradeFile(file), { recursive: true });
    await expectFixtureContent(file);
    expect(pageCipherOf(file, KEY)).toBe('aegis256');
  });

  it('rebuilds a search index left in the legacy cipher', async () => {
    const file = legacyMailbox();
    await expectFixtureContent(file);
    const index = file.replace(/\.db$/, '.search.db');
    // An index as Pli made it before AEGIS.
    toSqlcipher(index, KEY);
    expect(pageCipherOf(index, KEY)).toBe('sqlcipher4');
    await expectFixtureContent(file);
    expect(pageCipherOf(index, KEY)).toBe('aegis256');
  });
});

describe('backup made before AEGIS', () => {
  it('restores a SQLCipher 4 database and upgrades it at its first open', async () => {
    const password = 'Sauvegarde-Ancienne-2026!';
    const fast = { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } };
    const root = mkdtempSync(join(tmpdir(), 'pli-cipher-'));
    dirs.push(root);
    const dir = join(root, 'profil');
    const { dbKey } = await createProfile(dir, password, fast);
    const file = join(dir, 'mailbox.db');
    const mb = await openMailbox({ file, key: dbKey });
    await mb.insertLetters([{ kind: 'hprim', folder: 'reception', subject: 'Ancienne sauvegarde', text: 'Compte rendu zorglub.', receivedAt: Date.now() }]);
    await mb.close();
    // The database as Pli wrote it before AEGIS.
    toSqlcipher(file, dbKey);
    expect(pageCipherOf(file, dbKey)).toBe('sqlcipher4');
    await backupMailbox(dir, join(root, 'ancienne.plibak'), password);
    const target = join(root, 'restauree');
    restoreMailbox(join(root, 'ancienne.plibak'), target);
    expect(pageCipherOf(join(target, 'mailbox.db'), dbKey)).toBe('sqlcipher4');
    const restored = await openMailbox({ file: join(target, 'mailbox.db'), key: await unlock(target, password) });
    try {
      expect(await restored.integrityCheck()).toEqual(['ok']);
      expect((await restored.search('zorglub')).items.map((l) => l.subject)).toEqual(['Ancienne sauvegarde']);
    } finally {
      await restored.close();
    }
    expect(pageCipherOf(join(target, 'mailbox.db'), dbKey)).toBe('aegis256');
  });
});
