import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DropFolderExporter,
  FileExportJournal,
  type ExportEvent,
  type PracticeProfile,
} from '../../src/host/practice/index';
import { childProfile, docNumber, expectedAttachment, expectedDoc } from './practice-child';

const root = mkdtempSync(join(tmpdir(), 'pli-practice-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => {
  const d = join(root, `${name}-${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};
const child = join(import.meta.dirname, 'practice-child.ts');

const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

function runChild(args: string[]): {
  proc: ChildProcess;
  ready: () => boolean;
  done: Promise<{ code: number | null; signal: string | null; out: string }>;
} {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
    env: { ...process.env, PLI_PRACTICE_CHILD: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, out })),
  );
  return { proc, done, ready: () => out.includes('READY') };
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const dataFiles = (dir: string, ext = '.txt') => readdirSync(dir).filter((f) => f.endsWith(ext));

function profile(folder: string, over: Partial<PracticeProfile> = {}): PracticeProfile {
  return { ...childProfile(folder), okFile: false, ...over };
}

async function exporterFor(folder: string, over: Partial<PracticeProfile> = {}, events: ExportEvent[] = []) {
  const journal = await FileExportJournal.open(join(root, `journal-${n++}.jsonl`));
  const exporter = new DropFolderExporter({ profile: profile(folder, over), journal, retryMinMs: 30, retryMaxMs: 100, onEvent: (e) => events.push(e) });
  await exporter.start();
  return { journal, exporter, events };
}

describe('drop-folder export', () => {
  it('a reader polling the folder during 1,000 exports never sees a partial file', async () => {
    const folder = fresh('reader');
    const reader = runChild(['reader', folder, '1000', '30000']);
    // Control: the reader is able to catch a file written in place, chunk by chunk.
    const ctl = fresh('control');
    const ctlReader = runChild(['reader', ctl, '5', '15000']);
    await waitFor(() => reader.ready() && ctlReader.ready(), 15_000);
    for (let i = 0; i < 5; i++) {
      const b = expectedDoc(i * 13 + 40);
      const fd = openSync(join(ctl, `naive${i}.txt`), 'w');
      for (let o = 0; o < b.length; o += 1024) {
        writeSync(fd, b.subarray(o, o + 1024));
        await new Promise((r) => setTimeout(r, 3));
      }
      closeSync(fd);
    }
    const ctlOut = JSON.parse(lastLine((await ctlReader.done).out)) as { seen: number; bad: string[] };
    expect(ctlOut.bad.length).toBeGreaterThan(0);

    const { exporter, journal } = await exporterFor(folder);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => exporter.enqueue(`L${i}`, [{ index: 0, bytes: expectedDoc(i), tokens: {} }])));
    await exporter.whenIdle();
    const out = JSON.parse(lastLine((await reader.done).out)) as { seen: number; reads: number; bad: string[] };
    expect(out.bad).toEqual([]);
    expect(out.seen).toBe(1000);
    const files = dataFiles(folder);
    expect(files).toHaveLength(1000);
    const ids = new Set(files.map((f) => docNumber(readFileSync(join(folder, f)))));
    expect(ids.size).toBe(1000);
    expect(readdirSync(join(folder, '.pli-staging'))).toEqual([]);
    await exporter.stop();
    await journal.close();
  });

  it('kill -9 at every step of the protocol, then restart: each document exactly once', async () => {
    const folder = fresh('crash');
    const journalPath = join(root, `crash-${n++}.jsonl`);
    const count = 160;
    // Deterministic crash points, then kills at arbitrary moments, then a clean finishing run.
    for (const point of ['staged-written:5', 'staged-recorded:20', 'moved:30', 'ok-written:45']) {
      const r = await runChild(['export', folder, journalPath, String(count), point]).done;
      expect(r.signal).toBe('SIGKILL');
    }
    for (const after of [100]) {
      const c = runChild(['export', folder, journalPath, String(count)]);
      await waitFor(() => dataFiles(folder).length >= after || c.proc.exitCode !== null, 20_000);
      c.proc.kill('SIGKILL');
      await c.done;
    }
    const last = await runChild(['export', folder, journalPath, String(count)]).done;
    expect(last.out).toContain('DONE');

    const files = dataFiles(folder);
    expect(files).toHaveLength(count);
    const ids = files.map((f) => docNumber(readFileSync(join(folder, f))));
    expect(new Set(ids).size).toBe(count);
    for (const [k, f] of files.entries()) expect(readFileSync(join(folder, f)).equals(expectedDoc(ids[k]!))).toBe(true);
    // Attachments (every 10th letter) beside their document, and one .ok per document.
    const pdfs = dataFiles(folder, '.pdf');
    expect(pdfs).toHaveLength(count / 10);
    for (const p of pdfs) {
      const doc = readFileSync(join(folder, p.replace(/\.pdf$/, '.txt')));
      expect(readFileSync(join(folder, p)).equals(expectedAttachment(docNumber(doc)))).toBe(true);
    }
    expect(dataFiles(folder, '.ok')).toHaveLength(count);
    expect(readdirSync(join(folder, '.pli-staging'))).toEqual([]);
    const journal = await FileExportJournal.open(journalPath);
    expect(await journal.unfinished('resutext')).toEqual([]);
    await journal.close();
  });

  it('an unreachable folder queues ("en attente de dépôt") and delivers once it is back', async () => {
    const base = fresh('unreachable');
    const folder = join(base, 'mnt', 'partage');
    const { exporter, journal, events } = await exporterFor(folder);
    await exporter.enqueue('LA', [{ index: 0, bytes: expectedDoc(1), tokens: {} }]);
    await waitFor(() => events.some((e) => e.type === 'waiting'));
    expect((await exporter.status('LA')).label_fr).toBe('En attente de dépôt');
    await new Promise((r) => setTimeout(r, 150));
    expect(existsSync(join(base, 'mnt'))).toBe(false); // a missing mount point is never created
    mkdirSync(folder, { recursive: true });
    await waitFor(() => events.some((e) => e.type === 'exported' && e.letterId === 'LA'));
    expect(readFileSync(join(folder, 'resutext1.txt')).equals(expectedDoc(1))).toBe(true);
    expect((await exporter.status('LA')).state).toBe('done');

    // A file standing where the folder should be (a share mounted nowhere) is also "waiting".
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'pas un dossier');
    await exporter.enqueue('LB', [{ index: 0, bytes: expectedDoc(2), tokens: {} }]);
    await waitFor(() => events.some((e) => e.type === 'waiting' && e.letterId === 'LB'));
    expect((await exporter.status('LB')).state).toBe('waiting');
    rmSync(folder);
    mkdirSync(folder);
    await waitFor(() => events.some((e) => e.type === 'exported' && e.letterId === 'LB'));
    expect(dataFiles(folder)).toEqual(['resutext1.txt']);
    expect(readFileSync(join(folder, 'resutext1.txt')).equals(expectedDoc(2))).toBe(true);
    await exporter.stop();
    await journal.close();
  });

  it('{compteur} continues after the highest number present; existing files are never overwritten', async () => {
    const folder = fresh('counter');
    writeFileSync(join(folder, 'resutext7.txt'), 'ancien 7');
    writeFileSync(join(folder, 'resutext3.txt'), 'ancien 3');
    writeFileSync(join(folder, 'resutext40.hpr'), 'autre extension');
    const { exporter, journal } = await exporterFor(folder);
    await exporter.enqueue('L1', [
      { index: 0, bytes: expectedDoc(10), tokens: {} },
      { index: 1, bytes: expectedDoc(11), tokens: {} },
    ]);
    await exporter.whenIdle();
    expect(readFileSync(join(folder, 'resutext8.txt')).equals(expectedDoc(10))).toBe(true);
    expect(readFileSync(join(folder, 'resutext9.txt')).equals(expectedDoc(11))).toBe(true);
    expect(readFileSync(join(folder, 'resutext7.txt'), 'utf8')).toBe('ancien 7');
    // Queuing the same letter again does not export it twice.
    await exporter.enqueue('L1', [{ index: 0, bytes: expectedDoc(10), tokens: {} }]);
    await exporter.whenIdle();
    expect(dataFiles(folder)).toHaveLength(4);
    await exporter.stop();
    await journal.close();
  });

  it('a same-named file (present, or created during the move) is kept and ours gets another name', async () => {
    const folder = fresh('clobber');
    writeFileSync(join(folder, 'MARTIN_Helene.hpr'), 'fichier du logiciel');
    const journal = await FileExportJournal.open(join(root, `j-${n++}.jsonl`));
    let raced = false;
    const exporter = new DropFolderExporter({
      profile: profile(folder, { fileNamePattern: '{NOM}_{PRENOM}', extension: 'hpr', okFile: true }),
      journal,
      faultHook: (p, e) => {
        // Another program writes the very name we chose between our check and the move.
        if (p === 'staged-recorded' && !raced) {
          raced = true;
          writeFileSync(join(folder, e.finalName!), 'écrit pendant le dépôt');
        }
      },
    });
    await exporter.start();
    const tokens = { NOM: 'MARTIN', PRENOM: 'Hélène' };
    await exporter.enqueue('L1', [{ index: 0, bytes: expectedDoc(5), tokens }], [{ name: 'compte-rendu.PDF', bytes: expectedAttachment(5) }]);
    await exporter.whenIdle();
    expect(raced).toBe(true);
    expect(readFileSync(join(folder, 'MARTIN_Helene.hpr'), 'utf8')).toBe('fichier du logiciel');
    expect(readFileSync(join(folder, 'MARTIN_Helene-2.hpr'), 'utf8')).toBe('écrit pendant le dépôt');
    expect(readFileSync(join(folder, 'MARTIN_Helene-3.hpr')).equals(expectedDoc(5))).toBe(true);
    expect(readFileSync(join(folder, 'MARTIN_Helene-3.pdf')).equals(expectedAttachment(5))).toBe(true);
    expect(existsSync(join(folder, 'MARTIN_Helene-3.ok'))).toBe(true);
    expect((await exporter.status('L1')).documents[0]?.finalName).toBe('MARTIN_Helene-3.hpr');
    await exporter.stop();
    await journal.close();
  });
});
