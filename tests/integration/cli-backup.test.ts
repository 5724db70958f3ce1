import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/app';
import type { CliIo } from '../../src/cli/io';
import { createProfile } from '../../src/host/profile';
import { openProfileMailbox } from '../../src/host/store';

const FAST = { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } };
const PASSWORD = 'Sauvegarde-2026!';
let dir: string;

function io(): CliIo & { text: string } {
  const o = { text: '', cwd: dir, now: () => new Date('2026-11-22T10:00:00Z') } as CliIo & { text: string };
  o.out = (t) => void (o.text += t);
  o.err = (t) => void (o.text += t);
  return o;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pli-cli-backup-'));
  process.env.PLI_PASSWORD = PASSWORD;
});
afterAll(() => {
  delete process.env.PLI_PASSWORD;
  rmSync(dir, { recursive: true, force: true });
});

describe('pli backup / pli restore', () => {
  it('round-trips a mailbox through one encrypted file', async () => {
    const profile = join(dir, 'profil');
    const { dbKey } = await createProfile(profile, PASSWORD, FAST);
    dbKey.fill(0);
    const mb = await openProfileMailbox(profile, PASSWORD);
    await mb.insertLetters([{ kind: 'hprim', folder: 'reception', subject: 'Compte rendu', text: 'Texte témoin sauvegarde', receivedAt: Date.now() }]);
    await mb.close();

    const out = io();
    expect(await runCli(['backup', '-o', 'copie.pli', '--profile', profile], out)).toBe(0);
    expect(out.text).toContain('Sauvegarde chiffrée écrite');

    const again = io();
    const restored = join(dir, 'restaure');
    expect(await runCli(['restore', '-s', 'copie.pli', '--profile', restored], again)).toBe(0);
    const back = await openProfileMailbox(restored, PASSWORD);
    const page = await back.search('témoin');
    await back.close();
    expect(page.items).toHaveLength(1);

    // A second restore into the same folder is refused: it never overwrites a mailbox.
    expect(await runCli(['restore', '-s', 'copie.pli', '--profile', restored], io())).not.toBe(0);
  });

  it('refuses a backup without a destination', async () => {
    const out = io();
    expect(await runCli(['backup'], out)).toBe(2);
    expect(out.text).toContain('-o');
  });
});
