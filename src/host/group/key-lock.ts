/**
 * One writer of the group key. The pad of a group key must never be used by two installations: two
 * workstations encrypting from the same pad offset would reuse pad bytes. The lock lives in the profile
 * (`group-key.lock`: installation, host name, pid, heartbeat) and never on the key medium, which Pli does
 * not write to. Another process of the same installation may share it (the mailbox's SQLite write lock
 * already serialises pad reservations). A lock without heartbeat for `staleAfterMs` is taken over: the
 * other workstation crashed or was switched off.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PliError } from '../../shared/errors';
import { writeFileAtomic } from '../profile/atomic-file';

export const LOCK_FILE = 'group-key.lock';
const INSTALLATION_FILE = 'installation-id';
export const DEFAULT_STALE_MS = 5 * 60_000;

export interface LockRecord {
  format: 'pli-group-key-lock';
  keyOwner: string;
  installationId: string;
  host: string;
  pid: number;
  acquiredAt: number;
  heartbeatAt: number;
}

export interface GroupKeyLockOptions {
  /** The profile folder (shared by the workstations that point at it). */
  profileDir: string;
  keyOwner: string;
  /** This installation's id (see installationId()). */
  installationId: string;
  staleAfterMs?: number;
  host?: string;
  pid?: number;
  now?: () => number;
}

/** This installation's id, created once in a local (never shared) configuration folder. */
export function installationId(localConfigDir: string): string {
  const file = join(localConfigDir, INSTALLATION_FILE);
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f-]{36}$/.test(id)) return id;
  } catch {}
  mkdirSync(localConfigDir, { recursive: true, mode: 0o700 });
  const id = randomUUID();
  writeFileAtomic(file, id + '\n');
  return id;
}

function readRecord(file: string): LockRecord | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockRecord>;
    if (v.format === 'pli-group-key-lock' && typeof v.installationId === 'string' && typeof v.heartbeatAt === 'number') return v as LockRecord;
  } catch {}
  return undefined;
}

function writeTemp(file: string, rec: LockRecord): string {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(rec) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/** Creates the lock file only if absent, with its full content at once (link() fails on an existing name). */
function createExclusive(file: string, rec: LockRecord): boolean {
  const tmp = writeTemp(file, rec);
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

function replace(file: string, rec: LockRecord): void {
  renameSync(writeTemp(file, rec), file);
}

function frTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} à ${p(d.getHours())} h ${p(d.getMinutes())}`;
}

function lockedError(rec: LockRecord, staleMs: number): PliError {
  const minutes = Math.ceil(staleMs / 60_000);
  return new PliError(
    'group_key_locked',
    `La clef de groupe « ${rec.keyOwner} » est déjà utilisée par le poste « ${rec.host} » (dernier signe de vie le ${frTime(rec.heartbeatAt)}). ` +
      'Un seul poste peut chiffrer avec cette clef, sinon des octets de la clef seraient réutilisés : fermez Pli sur ce poste, ' +
      `ou, s’il est éteint, réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`,
    { host: rec.host, installationId: rec.installationId, heartbeatAt: rec.heartbeatAt },
  );
}

export class GroupKeyLock {
  private timer: NodeJS.Timeout | undefined;
  private released = false;

  private constructor(
    private readonly opts: Required<Omit<GroupKeyLockOptions, 'now'>> & { now: () => number },
    readonly shared: boolean,
  ) {}

  get file(): string {
    return join(this.opts.profileDir, LOCK_FILE);
  }

  /** Takes the lock, or joins it (same installation); throws 'group_key_locked' naming the other workstation. */
  static acquire(o: GroupKeyLockOptions): GroupKeyLock {
    const opts = {
      profileDir: o.profileDir,
      keyOwner: o.keyOwner,
      installationId: o.installationId,
      staleAfterMs: o.staleAfterMs ?? DEFAULT_STALE_MS,
      host: o.host ?? hostname(),
      pid: o.pid ?? process.pid,
      now: o.now ?? Date.now,
    };
    const file = join(opts.profileDir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = opts.now();
      const mine: LockRecord = {
        format: 'pli-group-key-lock',
        keyOwner: opts.keyOwner,
        installationId: opts.installationId,
        host: opts.host,
        pid: opts.pid,
        acquiredAt: now,
        heartbeatAt: now,
      };
      if (createExclusive(file, mine)) return new GroupKeyLock(opts, false);
      const cur = readRecord(file);
      if (cur === undefined) {
        // Unreadable record (written by a future version or damaged): treat as a crashed holder.
        replace(file, mine);
      } else if (cur.installationId === opts.installationId) {
        return new GroupKeyLock(opts, cur.pid !== opts.pid);
      } else if (now - cur.heartbeatAt <= opts.staleAfterMs) {
        throw lockedError(cur, opts.staleAfterMs);
      } else {
        replace(file, mine);
      }
      // Two workstations may take over a stale lock at the same instant: the last rename wins, re-read.
      if (readRecord(file)?.installationId === opts.installationId) return new GroupKeyLock(opts, false);
    }
    const cur = readRecord(file);
    throw cur ? lockedError(cur, opts.staleAfterMs) : new PliError('group_key_lock_failed', 'Impossible de réserver la clef de groupe : réessayez.');
  }

  /** Refreshes the heartbeat; throws 'group_key_lock_lost' when another installation took the lock over. */
  heartbeat(): void {
    this.assertHeld();
    const cur = readRecord(this.file);
    const now = this.opts.now();
    const rec: LockRecord = {
      format: 'pli-group-key-lock',
      keyOwner: this.opts.keyOwner,
      installationId: this.opts.installationId,
      host: this.opts.host,
      pid: cur?.pid ?? this.opts.pid,
      acquiredAt: cur?.acquiredAt ?? now,
      heartbeatAt: now,
    };
    if (!cur) {
      if (!createExclusive(this.file, rec)) this.assertHeld();
      return;
    }
    replace(this.file, rec);
  }

  /** Call before reserving pad bytes: the lock must still be this installation's. */
  assertHeld(): void {
    if (this.released) throw new PliError('group_key_lock_lost', 'La clef de groupe n’est plus réservée par ce poste : rouvrez la messagerie.');
    const cur = readRecord(this.file);
    if (cur && cur.installationId !== this.opts.installationId) {
      throw new PliError(
        'group_key_lock_lost',
        `Le poste « ${cur.host} » a repris la clef de groupe « ${cur.keyOwner} » : ce poste ne chiffre plus avec elle. Fermez Pli ici pour éviter toute réutilisation de la clef.`,
        { host: cur.host },
      );
    }
  }

  /** Heartbeats in the background (unref'd: never keeps the process alive). */
  startHeartbeat(intervalMs = Math.max(1000, Math.floor(this.opts.staleAfterMs / 4))): void {
    this.stopHeartbeat();
    this.timer = setInterval(() => {
      try {
        this.heartbeat();
      } catch {
        this.stopHeartbeat();
      }
    }, intervalMs);
    this.timer.unref();
  }

  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Gives the key back (only the process that wrote the record removes it). */
  release(): void {
    this.stopHeartbeat();
    if (this.released) return;
    this.released = true;
    const cur = readRecord(this.file);
    if (cur && cur.installationId === this.opts.installationId && cur.pid === this.opts.pid) {
      try {
        unlinkSync(this.file);
      } catch {}
    }
  }
}
