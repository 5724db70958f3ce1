import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyPath, detectLegacySources, renderReportFr, runMigration, type LegacySource } from '../../src/host/migration';
import { runMigrateCommand } from '../../src/host/migration/cli';
import { createProfile } from '../../src/host/profile';
import { openProfileMailbox, type Mailbox } from '../../src/host/store';
import { generate } from '../fixtures/legacy/generate';
import { writeBigMbox } from '../fixtures/legacy/synth';

const FIXTURE = join(import.meta.dirname, '../fixtures/legacy/install');
const expected = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/legacy/expected.json'), 'utf8')) as {
  keys: { path: string; imported: string[]; unsupported: string[] };
  sources: { kind: string; path: string; imported: number; alreadyPresent: number; notDecryptable: number; notReadable: number }[];
  totals: { imported: number; alreadyPresent: number; notDecryptable: number; notReadable: number };
  lateKeys: { path: string; recovered: number; reviewLeft: number };
};
const PASSWORD = 'Migration-Test-2026!';
const KDF = { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } };
const rel = (p: string) => relative(FIXTURE, p).split('\\').join('/');
const counts = (x: { imported: number; alreadyPresent: number; notDecryptable: number; notReadable: number }) => ({
  imported: x.imported,
  alreadyPresent: x.alreadyPresent,
  notDecryptable: x.notDecryptable,
  notReadable: x.notReadable,
});

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pli-migration-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function newProfile(name: string): Promise<{ dir: string; mailbox: Mailbox }> {
  const dir = join(tmp, name);
  await createProfile(dir, PASSWORD, KDF);
  return { dir, mailbox: await openProfileMailbox(dir, PASSWORD) };
}

async function detect(): Promise<LegacySource[]> {
  const d = await detectLegacySources({ home: join(FIXTURE, 'home'), extraRoots: [join(FIXTURE, 'mail')], platform: 'linux' });
  return d.sources;
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p, base) : [relative(base, p)];
  });
}

describe('migration of a legacy installation', () => {
  it('the committed fixture is what the generator writes (edit generate.ts, never the files)', () => {
    const out = join(tmp, 'regenerated');
    generate(out);
    const committed = filesUnder(FIXTURE).sort();
    expect(filesUnder(join(out, 'install')).sort()).toEqual(committed);
    for (const f of committed) expect(readFileSync(join(out, 'install', f)).equals(readFileSync(join(FIXTURE, f))), f).toBe(true);
    expect(readFileSync(join(out, 'expected.json'), 'utf8')).toBe(readFileSync(join(FIXTURE, '../expected.json'), 'utf8'));
  });

  it('detects the key folder, the old client store and every mail store, in a stable order', async () => {
    const found = (await detect()).map((s) => ({ kind: s.kind, path: rel(s.path) }));
    expect(found).toEqual([{ kind: 'keys', path: expected.keys.path }, ...expected.sources.map((s) => ({ kind: s.kind, path: s.path }))]);
  });

  it('classifies each detected source the same when its path is given back (as the window does)', async () => {
    for (const s of await detect()) {
      expect((await classifyPath(s.path)).map((c) => ({ kind: c.kind, path: rel(c.path) })), rel(s.path)).toContainEqual({ kind: s.kind, path: rel(s.path) });
    }
  });

  it('imports the fixture installation with exactly the expected report, then the late keys decrypt the letters of their year', async () => {
    const { mailbox } = await newProfile('full');
    try {
      const progress: number[] = [];
      const report = await runMigration({ mailbox, sources: await detect(), onProgress: (p) => progress.push(p.bytesDone) });
      expect(report.cancelled).toBe(false);
      const keys = report.sources.find((s) => s.kind === 'keys')!;
      expect(keys.keys?.imported).toEqual(expected.keys.imported);
      expect(keys.keys?.unsupported).toEqual(expected.keys.unsupported);
      expect(report.sources.filter((s) => s.kind !== 'keys').map((s) => ({ kind: s.kind, path: rel(s.path), ...counts(s) }))).toEqual(expected.sources);
      expect(counts(report)).toEqual(expected.totals);
      expect(progress.length).toBeGreaterThan(0);

      // What landed where: the mailbox holds each letter once.
      const total = expected.totals.imported + expected.totals.notDecryptable;
      expect(await mailbox.countLetters()).toBe(total);
      expect(await mailbox.countLetters('review')).toBe(expected.totals.notDecryptable);
      const folders = await mailbox.listFolders();
      expect(folders.find((f) => f.kind === 'user' && f.name === 'Cardiologie')?.total).toBe(3);
      expect(folders.find((f) => f.kind === 'user' && f.name === 'Patients')?.total).toBe(3);
      expect(folders.find((f) => f.role === 'sent')?.total).toBe(2);
      // The review letters keep their original and say why.
      const review = (await mailbox.listFolder('review')).items;
      expect(review.map((l) => l.reviewCode).sort()).toEqual(['armor_checksum', 'key_not_found', 'key_not_found'].sort());
      const one = await mailbox.getLetter(review.find((l) => l.reviewCode === 'key_not_found')!.id);
      expect(Buffer.from(one!.raw!).toString('latin1')).toContain('#BINASCII1#');
      // Decrypted letters: HPRIM read (patients, labs), original kept, mbox quoting undone, read status kept.
      const found = await mailbox.search('tilleuls');
      expect(found.items.length).toBeGreaterThan(5);
      const plain = (await mailbox.search('lab résultats transmis')).items;
      expect(plain).toHaveLength(1);
      const p1 = await mailbox.getLetter(plain[0]!.id);
      expect(p1!.text).toContain('\nFrom the lab');
      expect(p1!.text).not.toContain('>From');
      const inbox = (await mailbox.listFolder('reception', { limit: 100 })).items;
      expect(inbox.filter((l) => !l.read)).toHaveLength(3); // X1 (Mozilla status), Maildir M2 (no S) and M3 (new/)
      const withLabs = inbox.filter((l) => l.abnormal || l.patientId !== null);
      expect(withLabs.length).toBeGreaterThan(3);
      // The .eml exports: the decrypted .apz files are the letters' attachments.
      const patients = folders.find((f) => f.kind === 'user' && f.name === 'Patients')!;
      const withApz = (await mailbox.listFolder(patients.id)).items.filter((l) => l.attachmentCount > 0);
      expect(withApz).toHaveLength(2);
      const att = (await mailbox.getLetter(withApz[0]!.id))!.attachments;
      expect(att.map((a) => a.name)).toEqual([expect.stringMatching(/^document-\d+\.hpr$/)]);
      expect(renderReportFr(report)).toContain('format privé que Pli ne sait pas lire');

      // Running again: every source is done, nothing is added.
      const again = await runMigration({ mailbox, sources: await detect() });
      expect(counts(again)).toEqual(expected.totals);
      expect(again.sources.filter((s) => s.kind !== 'keys').every((s) => s.resumed && s.complete)).toBe(true);
      expect(await mailbox.countLetters()).toBe(total);

      // The 2023 keys are found later: the letters of 2023 leave "À vérifier"; the damaged one stays.
      const late = await runMigration({ mailbox, sources: [{ kind: 'keys', path: join(FIXTURE, expected.lateKeys.path), bytes: 0 }] });
      expect(late.recovered).toBe(expected.lateKeys.recovered);
      expect(await mailbox.countLetters('review')).toBe(expected.lateKeys.reviewLeft);
      expect(await mailbox.countLetters()).toBe(total);
      // Imported letters are not queued for the drop folder.
      expect(inbox.every((l) => !l.exported)).toBe(true);
    } finally {
      await mailbox.close();
    }
  });

  it('a dry run reads and decrypts everything and writes nothing', async () => {
    const { mailbox } = await newProfile('dry');
    try {
      const report = await runMigration({ mailbox, sources: await detect(), dryRun: true });
      expect(report.dryRun).toBe(true);
      expect(counts(report)).toEqual(expected.totals);
      expect(await mailbox.countLetters()).toBe(0);
      expect(await mailbox.listKeys()).toEqual([]);
      expect(await mailbox.listFolders().then((f) => f.filter((x) => x.kind === 'user'))).toEqual([]);
      for (const s of await detect()) expect(await mailbox.migrationProgress(`${s.kind}:${s.path}`)).toBeUndefined();
    } finally {
      await mailbox.close();
    }
    // Without a profile at all (the CLI's --dry-run): the keys of the sources are enough.
    const out: string[] = [];
    const code = await runMigrateCommand([join(FIXTURE, 'home'), join(FIXTURE, 'mail'), '--dry-run', '--json'], { out: (t) => out.push(t), err: () => {}, cwd: tmp, env: {} });
    expect(code).toBe(0);
    const r = JSON.parse(out.join('')) as typeof expected.totals;
    expect(counts(r)).toEqual({ ...expected.totals, notReadable: expected.totals.notReadable });
  });

  it('pli migrate imports into a profile and prints the French report', async () => {
    const { dir, mailbox } = await newProfile('cli');
    await mailbox.close();
    const out: string[] = [];
    const code = await runMigrateCommand([join(FIXTURE, 'mail', 'mbox', 'Inbox'), join(FIXTURE, 'home', 'apicrypt'), '--profile', dir], {
      out: (t) => out.push(t),
      err: () => {},
      cwd: tmp,
      env: { PLI_PASSWORD: PASSWORD },
    });
    expect(code).toBe(0);
    const text = out.join('');
    const inbox = expected.sources.find((s) => s.path === 'mail/mbox/Inbox')!;
    // Alone, the Inbox has no duplicates from other stores: its two copies count as imported.
    expect(text).toContain(`Importés : ${inbox.imported + inbox.alreadyPresent} courriers`);
    expect(text).toContain(`Non déchiffrables (placés dans « À vérifier ») : ${inbox.notDecryptable} courriers`);
    expect(await runMigrateCommand(['--bogus'], { out: () => {}, err: () => {}, cwd: tmp, env: {} })).toBe(2);
  });

  it('cancel stops after a committed batch; running again resumes with no duplicate', async () => {
    const { mailbox } = await newProfile('cancel');
    try {
      const mbox = join(tmp, 'cancel-Inbox');
      const keys = join(tmp, 'cancel-keys');
      await writeBigMbox(mbox, keys, 1500, 2025);
      const sources: LegacySource[] = [
        { kind: 'keys', path: keys, bytes: 0 },
        { kind: 'mbox', path: mbox, folder: 'reception', bytes: 1 },
      ];
      const ac = new AbortController();
      const first = await runMigration({
        mailbox,
        sources,
        batchSize: 100,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.letters >= 400) ac.abort();
        },
      });
      expect(first.cancelled).toBe(true);
      const partial = first.sources.find((s) => s.kind === 'mbox')!;
      expect(partial.complete).toBe(false);
      expect(partial.imported).toBeGreaterThan(0);
      expect(partial.imported).toBeLessThan(1500);
      expect(await mailbox.countLetters()).toBe(partial.imported);
      const second = await runMigration({ mailbox, sources });
      const done = second.sources.find((s) => s.kind === 'mbox')!;
      expect(done).toMatchObject({ resumed: true, complete: true, imported: 1500, alreadyPresent: 0 });
      expect(await mailbox.countLetters()).toBe(1500);
    } finally {
      await mailbox.close();
    }
  });
});
