import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProfile, DB_FILE, unlock } from '../../src/host/profile';
import { openMailbox, prepareStoreWorker } from '../../src/host/store';

const FAST = { passwordKdf: { N: 2 ** 12, r: 8, p: 1 }, recoveryKdf: { N: 2 ** 12, r: 8, p: 1 } };
const PASSWORD = 'Ordonnance-2026!';
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pli-prepared-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
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
