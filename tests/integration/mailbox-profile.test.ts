import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPliError, type PliError } from '../../src/shared/errors';
import {
  changePassword,
  checkPasswordStrength,
  createProfile,
  DB_FILE,
  normalizeRecoveryCode,
  unlock,
  unlockWithRecoveryCode,
} from '../../src/host/profile';
import { openMailbox, prepareStoreWorker } from '../../src/host/store';

// Light scrypt costs keep the suite fast; one test below runs the production parameters.
const FAST = { passwordKdf: { N: 2 ** 12, r: 8, p: 1 }, recoveryKdf: { N: 2 ** 12, r: 8, p: 1 } };
const PASSWORD = 'Ordonnance-2026!';
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pli-profile-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function pliError(p: Promise<unknown>): Promise<PliError> {
  try {
    await p;
  } catch (e) {
    if (isPliError(e)) return e;
    throw e;
  }
  throw new Error('expected a PliError');
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir)) out[f] = `${statSync(join(dir, f)).size}:${readFileSync(join(dir, f)).toString('base64').slice(0, 4000)}`;
  return out;
}

describe('profile password', () => {
  it('refuses weak passwords with a French message', () => {
    for (const weak of ['court', 'abcdefghij', 'Abcdefghij', 'aaaaaaaaaaaaaaa']) {
      expect(() => checkPasswordStrength(weak), weak).toThrow(/Mot de passe trop faible/);
    }
    for (const ok of ['Abcdefgh1j', 'abcdefgh-1jk', 'une phrase assez longue']) expect(() => checkPasswordStrength(ok)).not.toThrow();
  });

  it('creates a profile with production KDF parameters and unlocks it', async () => {
    const dir = tmp();
    const { recoveryCode, dbKey } = await createProfile(dir, PASSWORD);
    expect(recoveryCode).toMatch(/^([0-9A-HJKMNP-TV-Z]{5}-){5}[0-9A-HJKMNP-TV-Z]{5}$/);
    const header = JSON.parse(readFileSync(join(dir, 'mailbox.header.json'), 'utf8')) as { slots: { password: { kdf: { N: number } } } };
    expect(header.slots.password.kdf.N).toBe(2 ** 17);
    expect(readFileSync(join(dir, 'mailbox.header.json'), 'utf8')).not.toContain(PASSWORD);
    expect((await unlock(dir, PASSWORD)).equals(dbKey)).toBe(true);
    const mb = await openMailbox({ file: join(dir, 'mailbox.db'), key: dbKey });
    expect((await mb.listFolders()).map((f) => f.name)).toEqual(['Réception', 'À envoyer', 'Envoyés', 'Brouillons', 'À vérifier', 'Archives', 'Corbeille', 'Bloqués']);
    await mb.close();
    await expect(createProfile(dir, PASSWORD)).rejects.toMatchObject({ code: 'profile_exists' });
  });

  it('wrong password: French error, nothing written but the counter, growing delay', async () => {
    const dir = tmp();
    await createProfile(dir, PASSWORD, FAST);
    const before = snapshot(dir);
    for (let i = 1; i <= 3; i++) {
      const e = await pliError(unlock(dir, 'Mauvais-mot-2026'));
      expect(e.code).toBe('password_wrong');
      expect(e.message_fr).toMatch(/Mot de passe incorrect/);
      expect(e.details?.failures).toBe(i);
    }
    const after = snapshot(dir);
    // Only the failure counter was added; the header and the database are untouched.
    expect(Object.keys(after).filter((f) => !(f in before))).toEqual(['mailbox.unlock-failures.json']);
    for (const f of Object.keys(before)) expect(after[f], f).toBe(before[f]);
    // After 3 failures even the right password must wait 1 s.
    const d1 = await pliError(unlock(dir, PASSWORD));
    expect(d1.code).toBe('password_delay');
    expect(d1.details?.seconds).toBe(1);
    expect(d1.message_fr).toMatch(/patientez 1 seconde/);
    await new Promise((r) => setTimeout(r, 1100));
    // A 4th failure doubles the delay.
    expect((await pliError(unlock(dir, 'Mauvais-mot-2026'))).code).toBe('password_wrong');
    const d2 = await pliError(unlock(dir, PASSWORD));
    expect(d2.code).toBe('password_delay');
    expect(d2.details?.seconds).toBe(2);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await unlock(dir, PASSWORD)).toHaveLength(32);
    // Success resets the counter.
    expect(existsSync(join(dir, 'mailbox.unlock-failures.json'))).toBe(false);
  });

  it('change password: re-wraps the same key, the old password stops working', async () => {
    const dir = tmp();
    const { dbKey } = await createProfile(dir, PASSWORD, FAST);
    const dbBefore = readFileSync(join(dir, 'mailbox.db'));
    await expect(changePassword(dir, PASSWORD, 'faible')).rejects.toMatchObject({ code: 'password_weak' });
    await changePassword(dir, PASSWORD, 'Nouveau-Secret-42', FAST);
    expect(readFileSync(join(dir, 'mailbox.db')).equals(dbBefore)).toBe(true);
    expect((await pliError(unlock(dir, PASSWORD))).code).toBe('password_wrong');
    expect((await unlock(dir, 'Nouveau-Secret-42')).equals(dbKey)).toBe(true);
  });

  it('recovery code unlocks and sets a new password', async () => {
    const dir = tmp();
    const { recoveryCode, dbKey } = await createProfile(dir, PASSWORD, FAST);
    const wrong = recoveryCode.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await pliError(unlockWithRecoveryCode(dir, wrong, 'Autre-Secret-77', FAST))).code).toBe('recovery_code_wrong');
    expect((await pliError(unlockWithRecoveryCode(dir, 'ABC', 'Autre-Secret-77', FAST))).code).toBe('recovery_code_invalid');
    // Typed back in lower case with spaces: still accepted.
    const typed = recoveryCode.toLowerCase().replace(/-/g, ' ');
    expect(normalizeRecoveryCode(typed)).toBe(recoveryCode.replace(/-/g, ''));
    const key = await unlockWithRecoveryCode(dir, typed, 'Autre-Secret-77', FAST);
    expect(key.equals(dbKey)).toBe(true);
    expect((await pliError(unlock(dir, PASSWORD))).code).toBe('password_wrong');
    expect((await unlock(dir, 'Autre-Secret-77')).equals(dbKey)).toBe(true);
  });
});

async function profileWithLetter(): Promise<string> {
  const dir = tmp();
  const { dbKey } = await createProfile(dir, PASSWORD, FAST);
  const mb = await openMailbox({ file: join(dir, DB_FILE), key: dbKey });
  await mb.insertLetters([{ kind: 'plain', folder: 'reception', subject: 'Compte rendu', text: 'Texte.', receivedAt: Date.parse('2026-01-09T10:00:00Z') }]);
  await mb.close();
  return dir;
}

describe('store worker started while the key is derived', () => {
  it('opens the mailbox it is then given, and one discarded (wrong password) ends', async () => {
    const dir = await profileWithLetter();
    const prepared = prepareStoreWorker();
    const key = await unlock(dir, PASSWORD);
    const mb = await openMailbox({ file: join(dir, DB_FILE), key, prepared });
    try {
      expect((await mb.listFolder('reception', { limit: 10 })).items.map((l) => l.subject)).toEqual(['Compte rendu']);
    } finally {
      await mb.close();
    }
    // The mailbox owned that thread: closing it ended the thread.
    expect(prepared.ended).toBeDefined();

    const unused = prepareStoreWorker();
    const exited = new Promise<number>((r) => unused.worker.once('exit', r));
    await unused.discard();
    expect(typeof (await exited)).toBe('number');
  });

  it('a prepared thread that failed is replaced by a new one, and the mailbox opens all the same', async () => {
    const dir = await profileWithLetter();
    const broken = prepareStoreWorker(new URL('file:///nonexistent/store-worker.js'));
    await new Promise<void>((r) => broken.worker.once('exit', () => r()));
    expect(broken.ended).toBeDefined();
    const mb = await openMailbox({ file: join(dir, DB_FILE), key: await unlock(dir, PASSWORD), prepared: broken });
    try {
      expect((await mb.listFolder('reception', { limit: 10 })).items).toHaveLength(1);
    } finally {
      await mb.close();
    }
  });

  it('a wrong key sent to a prepared thread is the usual typed error, and the thread ends', async () => {
    const dir = await profileWithLetter();
    const prepared = prepareStoreWorker();
    const exited = new Promise<void>((r) => prepared.worker.once('exit', () => r()));
    await expect(openMailbox({ file: join(dir, DB_FILE), key: new Uint8Array(32).fill(7), prepared })).rejects.toMatchObject({ code: 'mailbox_key_wrong' });
    await exited;
  });
});
