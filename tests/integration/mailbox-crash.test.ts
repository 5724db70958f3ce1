import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, openMailbox } from '../../src/host/store';
import { MailboxStore } from '../../src/host/store/mailbox-store';

const CHILDREN = join(import.meta.dirname, '..', 'fixtures', 'mailbox', 'children');
const dirs: string[] = [];
const procs = new Set<ChildProcess>();
afterEach(() => {
  for (const p of procs) p.kill('SIGKILL');
  procs.clear();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(): { file: string; keyHex: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pli-crash-'));
  dirs.push(dir);
  const file = join(dir, 'mailbox.db');
  const keyHex = Buffer.alloc(32, 0x5c).toString('hex');
  openDatabase(file, Buffer.from(keyHex, 'hex'), { create: true }).close();
  return { file, keyHex };
}

interface Child {
  proc: ChildProcess;
  lines: string[];
  waitLine: (re: RegExp) => Promise<string>;
  exited: Promise<number | null>;
}

function start(script: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(CHILDREN, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.add(proc);
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (!w.re.test(line)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      procs.delete(proc);
      if (code !== 0 && code !== null) process.stderr.write(`child ${script} failed (${code}): ${stderr}\n`);
      resolve(code);
    }),
  );
  return {
    proc,
    lines,
    exited,
    waitLine: (re) => {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        void exited.then(() => reject(new Error(`child exited before ${String(re)}: ${stderr}`)));
      });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety', () => {
  it('kill -9 during a large batch insert leaves a sound mailbox holding all or none of the batch', async () => {
    const { file, keyHex } = setup();
    const N = 1200;
    const outcomes: string[] = [];
    let expected = 0;
    // Kills at growing delays after the transaction began; the last run is allowed to finish.
    for (const [run, killAfter] of [[1, 20], [2, 150], [3, -1]] as const) {
      const c = start('insert-batch.ts', { PLI_DB: file, PLI_KEY: keyHex, PLI_N: String(N), PLI_SEED: String(run) });
      await c.waitLine(/^inserting$/);
      if (killAfter >= 0) {
        await sleep(killAfter);
        c.proc.kill('SIGKILL');
      }
      const code = await c.exited;
      const store = MailboxStore.open(file, Buffer.from(keyHex, 'hex'));
      try {
        expect(store.integrityCheck()).toEqual(['ok']);
        const count = store.countLetters();
        expect([expected, expected + N], `run ${run}`).toContain(count);
        // The search index (its own database, committed after the mailbox) is repaired at open: the
        // newest letter is found (every synthetic letter starts with « Patient : »).
        const newest = store.db.prepare('SELECT max(id) FROM letters').pluck().get();
        expect(store.search('patient', {}, { limit: 1 }).items[0]?.id ?? null, `run ${run}`).toBe(newest);
        outcomes.push(count === expected ? 'none' : 'all');
        expected = count;
        if (killAfter < 0) expect(code).toBe(0);
      } finally {
        store.close();
      }
    }
    // The first kill lands well inside the transaction; the last run completes.
    expect(outcomes[0]).toBe('none');
    expect(outcomes[2]).toBe('all');
  });

  it('two processes reserving pad ranges with random kill -9 never overlap; every range is used or abandoned', async () => {
    const { file, keyHex } = setup();
    const INDEX_MAX = 1_000_000;
    const keyId = (() => {
      const store = MailboxStore.open(file, Buffer.from(keyHex, 'hex'));
      try {
        return store.importKey({ owner: 'cabinet.LESTILLEULS', year: 2026, indexMax: INDEX_MAX, crc: 99, pad: Buffer.alloc(INDEX_MAX), startOffset: 1000, kind: 'group' }).id;
      } finally {
        store.close();
      }
    })();
    const env = (name: string) => ({ PLI_DB: file, PLI_KEY: keyHex, PLI_NAME: name, PLI_TOTAL: '200', PLI_KEY_ID: String(keyId) });
    const children: Record<string, Child> = { A: start('reserve-pads.ts', env('A')), B: start('reserve-pads.ts', env('B')) };
    const finished = new Set<string>();
    let kills = 0;
    while (finished.size < 2) {
      await sleep(100 + Math.random() * 300);
      for (const [name, c] of Object.entries(children)) {
        if (finished.has(name) || c.proc.exitCode === null) continue;
        expect(c.proc.exitCode, `child ${name}`).toBe(0);
        finished.add(name);
      }
      const running = Object.entries(children).filter(([n, c]) => !finished.has(n) && c.proc.exitCode === null && c.lines.some((l) => l.startsWith('resume')));
      if (kills < 4 && running.length > 0) {
        const [name, victim] = running[Math.floor(Math.random() * running.length)]!;
        victim.proc.kill('SIGKILL');
        await victim.exited;
        kills++;
        children[name] = start('reserve-pads.ts', env(name));
      }
    }
    expect(kills).toBeGreaterThan(0);

    const mb = await openMailbox({ file, key: Buffer.from(keyHex, 'hex') });
    try {
      const rs = await mb.listReservations(keyId);
      expect(rs.length).toBeGreaterThanOrEqual(400);
      let end = 1000;
      for (const r of rs) {
        expect(r.start, `reservation ${r.id}`).toBeGreaterThanOrEqual(end);
        end = r.start + r.length;
      }
      expect(end).toBeLessThanOrEqual(INDEX_MAX);
      expect(rs.filter((r) => r.state === 'reserved')).toEqual([]);
      const used = rs.filter((r) => r.state === 'used').map((r) => r.letterRef);
      expect(new Set(used).size).toBe(used.length);
      expect(used.filter((r) => r.startsWith('A-'))).toHaveLength(200);
      expect(used.filter((r) => r.startsWith('B-'))).toHaveLength(200);
      expect(await mb.integrityCheck()).toEqual(['ok']);
    } finally {
      await mb.close();
    }
  });
});
