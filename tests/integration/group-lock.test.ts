import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupKeyLock, installationId, LOCK_FILE } from '../../src/host/group';
import { isPliError, type PliError } from '../../src/shared/errors';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pli-group-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const KEY = 'cabinet.LESTILLEULS';

function pliError(fn: () => unknown): PliError {
  try {
    fn();
  } catch (e) {
    if (isPliError(e)) return e;
    throw e;
  }
  throw new Error('expected a PliError');
}

describe('one writer of the group key', () => {
  it('refuses a second installation while the first holds the lock, naming the other workstation', () => {
    const profileDir = tmp();
    const a = GroupKeyLock.acquire({ profileDir, keyOwner: KEY, installationId: installationId(join(tmp(), 'poste-a')), host: 'ACCUEIL-PC' });
    const e = pliError(() => GroupKeyLock.acquire({ profileDir, keyOwner: KEY, installationId: installationId(join(tmp(), 'poste-b')), host: 'BUREAU-2' }));
    expect(e.code).toBe('group_key_locked');
    expect(e.message_fr).toContain('ACCUEIL-PC');
    expect(e.message_fr).toContain(KEY);
    a.assertHeld();
    a.release();
    expect(existsSync(join(profileDir, LOCK_FILE))).toBe(false);
    // Once released, the other workstation may take it.
    GroupKeyLock.acquire({ profileDir, keyOwner: KEY, installationId: 'bbbbbbbb-0000-4000-8000-000000000002', host: 'BUREAU-2' }).release();
  });

  it('refuses a second installation running in another process', () => {
    const profileDir = tmp();
    const a = GroupKeyLock.acquire({ profileDir, keyOwner: KEY, installationId: 'aaaaaaaa-0000-4000-8000-000000000001', host: 'ACCUEIL-PC' });
    const run = (inst: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'group-lock-child.ts'), profileDir, inst, 'BUREAU-2'], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .pop()!,
      ) as { ok: boolean; code?: string; message_fr?: string; shared?: boolean };
    const other = run('bbbbbbbb-0000-4000-8000-000000000002');
    expect(other.ok).toBe(false);
    expect(other.code).toBe('group_key_locked');
    expect(other.message_fr).toContain('ACCUEIL-PC');
    // A second process of the same installation shares the lock (the mailbox serialises pad reservations).
    const same = run('aaaaaaaa-0000-4000-8000-000000000001');
    expect(same).toEqual({ ok: true, shared: true });
    // The sharer's release did not free the holder's lock.
    expect(JSON.parse(readFileSync(join(profileDir, LOCK_FILE), 'utf8')).host).toBe('ACCUEIL-PC');
    a.release();
  });

  it('takes over a lock whose workstation stopped beating, and the old holder then stops', () => {
    const profileDir = tmp();
    let now = 1_790_000_000_000;
    const clock = () => now;
    const a = GroupKeyLock.acquire({ profileDir, keyOwner: KEY, installationId: 'aaaaaaaa-0000-4000-8000-000000000001', host: 'ACCUEIL-PC', now: clock, staleAfterMs: 60_000 });
    now += 59_000;
    a.heartbeat();
    now += 59_000;
    expect(pliError(() => GroupKeyLock.acquire({ profileDir, keyOwner: KEY, installationId: 'bbbbbbbb-0000-4000-8000-000000000002', host: 'BUREAU-2', now: clock, staleAfterMs: 60_000 })).code).toBe('group_key_locked');
    now += 2_000;
    const b = GroupKeyLock.acquire({ profileDir, keyOwner: KEY, installationId: 'bbbbbbbb-0000-4000-8000-000000000002', host: 'BUREAU-2', now: clock, staleAfterMs: 60_000 });
    b.assertHeld();
    const lost = pliError(() => a.assertHeld());
    expect(lost.code).toBe('group_key_lock_lost');
    expect(lost.message_fr).toContain('BUREAU-2');
    expect(pliError(() => a.heartbeat()).code).toBe('group_key_lock_lost');
    a.release(); // must not remove b's lock
    expect(JSON.parse(readFileSync(join(profileDir, LOCK_FILE), 'utf8')).host).toBe('BUREAU-2');
    b.release();
  });

  it('an unreadable lock record does not block for ever, and the installation id is stable', () => {
    const profileDir = tmp();
    writeFileSync(join(profileDir, LOCK_FILE), '{ tronqué');
    const a = GroupKeyLock.acquire({ profileDir, keyOwner: KEY, installationId: 'aaaaaaaa-0000-4000-8000-000000000001', host: 'ACCUEIL-PC' });
    a.assertHeld();
    a.release();
    const conf = tmp();
    expect(installationId(conf)).toBe(installationId(conf));
    expect(installationId(conf)).not.toBe(installationId(tmp()));
  });
});
