import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyService, type UsedRange } from '../../src/host/keys';
import { cleanup, MEDIA, newProfile, openProfile, PASSWORD } from './keys-support';

const CHILD = join(import.meta.dirname, 'keys-child.ts');
const procs = new Set<ChildProcess>();
afterEach(() => {
  for (const p of procs) p.kill('SIGKILL');
  procs.clear();
  cleanup();
});

interface LetterLine {
  type: 'letter';
  ref: string;
  i: number;
  master: UsedRange;
  user: UsedRange;
  armored: string;
}

interface Child {
  proc: ChildProcess;
  /** Letters printed by this run. */
  letters: number;
  ready: boolean;
  exited: Promise<number | null>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two processes sealing on one profile', () => {
  it('never reserve overlapping ranges, through random kill -9 and restarts', async () => {
    const dir = await newProfile();
    const setup = await openProfile(dir);
    await new KeyService(setup).importMedium(join(MEDIA, 'jean.DUPONT'));
    await setup.close();

    const N = 200;
    const printed: LetterLine[] = [];
    const start = (name: string): Child => {
      const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(N), name], {
        env: { ...process.env, PLI_PASSWORD: PASSWORD },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      procs.add(proc);
      const c: Child = { proc, letters: 0, ready: false, exited: Promise.resolve(null) };
      let buf = '';
      proc.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = JSON.parse(buf.slice(0, i)) as { type: string };
          buf = buf.slice(i + 1);
          if (line.type === 'ready') c.ready = true;
          if (line.type === 'letter') {
            c.letters++;
            printed.push(line as LetterLine);
          }
        }
      });
      let stderr = '';
      proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      c.exited = new Promise((resolve) =>
        proc.on('exit', (code) => {
          procs.delete(proc);
          if (code !== 0 && code !== null) process.stderr.write(`keys-child ${name} failed (${code}): ${stderr}\n`);
          resolve(code);
        }),
      );
      return c;
    };

    const children: Record<string, Child> = { A: start('A'), B: start('B') };
    const finished = new Set<string>();
    let kills = 0;
    while (finished.size < 2) {
      await sleep(60 + Math.random() * 200);
      for (const [name, c] of Object.entries(children)) {
        if (finished.has(name) || c.proc.exitCode === null) continue;
        expect(c.proc.exitCode, `child ${name}`).toBe(0);
        finished.add(name);
      }
      // Kill only a child that is sealing right now, so that kills land between reserve and use too.
      const busy = Object.entries(children).filter(([n, c]) => !finished.has(n) && c.proc.exitCode === null && c.letters > 0);
      if (kills < 4 && busy.length > 0) {
        const [name, victim] = busy[Math.floor(Math.random() * busy.length)]!;
        victim.proc.kill('SIGKILL');
        await victim.exited;
        kills++;
        children[name] = start(name);
      }
    }
    expect(kills).toBeGreaterThan(0);

    // Opening the profile abandons the ranges the killed runs reserved but never used.
    const mailbox = await openProfile(dir);
    try {
      const keys = new KeyService(mailbox);
      const all = await mailbox.listReservations();
      expect(all.filter((r) => r.state === 'reserved')).toEqual([]);
      for (const r of all) if (r.state === 'used') expect(r.letterRef).toMatch(/^[AB]-\d+\.\d+$/);

      // Per key, ranges of every state (used or abandoned) never overlap: abandoned bytes are never reused.
      const byKey = new Map<number, typeof all>();
      for (const r of all) byKey.set(r.keyId, [...(byKey.get(r.keyId) ?? []), r]);
      expect([...byKey.keys()]).toHaveLength(2);
      for (const [keyId, rs] of byKey) {
        let end = 0;
        for (const r of [...rs].sort((a, b) => a.start - b.start)) {
          expect(r.start, `key ${keyId} reservation ${r.id}`).toBeGreaterThanOrEqual(end);
          end = r.start + r.length;
        }
      }

      // Each child's 200 letters are complete: both ranges used under one reference.
      const usedPerRef = new Map<string, number>();
      for (const r of all) if (r.state === 'used') usedPerRef.set(r.letterRef, (usedPerRef.get(r.letterRef) ?? 0) + 1);
      for (const name of ['A', 'B']) {
        const complete = new Set([...usedPerRef].filter(([ref, n]) => n === 2 && ref.startsWith(`${name}-`)).map(([ref]) => ref.split('.')[0]));
        expect(complete.size, `letters of ${name}`).toBe(N);
      }

      // Every printed letter is in the ledger and decrypts with exactly the ranges it reserved.
      expect(printed.length).toBeGreaterThanOrEqual(2 * N - kills);
      const byId = new Map(all.map((r) => [r.id, r]));
      for (const l of printed) {
        for (const u of [l.master, l.user]) expect(byId.get(u.reservationId)).toMatchObject({ state: 'used', letterRef: l.ref, start: u.start, length: u.length });
        const opened = await keys.openLetterBody(l.armored);
        expect(opened.text).toBe(`Courrier ${l.ref}\n`);
        expect(opened.outer.offset).toBe(l.user.start);
        expect(opened.inner.offset).toBe(l.master.start);
      }
    } finally {
      await mailbox.close();
    }
  });
});
