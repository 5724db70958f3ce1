import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHprim } from '../../src/core/hprim';
import { DropExports } from '../../src/host/exports/drop-exports';
import { silentLogger } from '../../src/host/log/logger';
import { createProfile } from '../../src/host/profile';
import { openProfileMailbox, type Mailbox } from '../../src/host/store';
import type { PracticeProfileView } from '../../src/shared/domain';

// A received letter carrying three HPRIM documents reaches the practice software's folder as three
// complete files, once, with the mailbox as the journal — including across a restart of the exporter.
const FAST = { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } };
const fixture = readFileSync(join('tests', 'fixtures', 'hprim', 'medecins-windows-1252-crlf.hpr'));
let dir: string;
let mailbox: Mailbox;

const profile = (folder: string): PracticeProfileView => ({
  id: 'resutext',
  name: 'resutext (historique)',
  folder,
  fileNamePattern: 'resutext{compteur}',
  extension: 'txt',
  charset: 'windows-1252',
  lineEnd: 'crlf',
  line13: 'empty',
  line1: 'patient_code',
  okFile: false,
  enabled: true,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pli-drop-'));
  (await createProfile(join(dir, 'profil'), 'Depot-Dossier-2026', FAST)).dbKey.fill(0);
  mailbox = await openProfileMailbox(join(dir, 'profil'), 'Depot-Dossier-2026');
});
afterAll(async () => {
  await mailbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('drop-folder export from the mailbox', () => {
  it('writes one complete file per document, exactly once, and flags the letter exported', async () => {
    const folder = join(dir, 'import-logiciel');
    mkdirSync(folder);
    const { ids } = await mailbox.insertLetters([
      { kind: 'hprim', folder: 'reception', payload: fixture, text: 'voir documents', receivedAt: Date.now() },
    ]);
    const id = ids[0]!;
    const events: string[] = [];
    const exports = new DropExports(mailbox, silentLogger, (e) => events.push(e.type));
    await exports.start([profile(folder)]);
    await exports.exportLetter(id);
    await exports.exportLetter(id); // asked twice: still once
    await waitFor(async () => (await mailbox.getLetter(id))?.exported === true);
    await exports.stop();

    // A restarted exporter (new app run) finds nothing left to do.
    const again = new DropExports(mailbox, silentLogger, () => undefined);
    await again.start([profile(folder)]);
    await again.exportLetter(id);
    await again.stop();

    const files = readdirSync(folder).filter((f) => !f.startsWith('.')).sort();
    expect(files).toEqual(['resutext1.txt', 'resutext2.txt', 'resutext3.txt']);
    const expected = parseHprim(fixture).documents.map((d) => d.patient.surname);
    const written = files.map((f) => parseHprim(readFileSync(join(folder, f))));
    expect(written.map((w) => w.documents.length)).toEqual([1, 1, 1]);
    expect(written.map((w) => w.documents[0]!.patient.surname)).toEqual(expected);
    expect(events).toContain('exported');
  });
});

async function waitFor(ok: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
