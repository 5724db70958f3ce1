import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/app';
import type { CliIo } from '../../src/cli/io';
import { KeyService } from '../../src/host/keys';
import { createProfile } from '../../src/host/profile';
import { openProfileMailbox } from '../../src/host/store';

// Without -k, pli crypt/uncrypt use the keys imported in the profile and reserve ranges in its ledger
// (shared with the app), never touching a key file.
const FAST = { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } };
const PASSWORD = 'Ligne-De-Commande-26';
let dir: string;
let profile: string;

const io = (): CliIo & { err_: string } => {
  const o = { err_: '', cwd: dir, now: () => new Date('2026-11-22T10:00:00Z'), out: () => undefined } as unknown as CliIo & { err_: string };
  o.err = (t: string) => void (o.err_ += t);
  return o;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pli-cli-profile-'));
  profile = join(dir, 'profil');
  (await createProfile(profile, PASSWORD, FAST)).dbKey.fill(0);
  const mb = await openProfileMailbox(profile, PASSWORD);
  await new KeyService(mb).importMedium(resolve('keys-fixtures', 'media', 'jean.DUPONT'));
  await mb.close();
  process.env.PLI_PASSWORD = PASSWORD;
});
afterAll(() => {
  delete process.env.PLI_PASSWORD;
  rmSync(dir, { recursive: true, force: true });
});

describe('pli crypt / uncrypt with the profile key store', () => {
  it('round-trips a letter and records its pad ranges in the ledger', async () => {
    writeFileSync(join(dir, 'lettre.txt'), Buffer.from('Compte rendu opératoire.\nSuites simples.\n', 'latin1'));
    const c = io();
    expect(await runCli(['crypt', '-s', 'lettre.txt', '-o', 'lettre.apc', '-u', 'jean.DUPONT', '-d', 'paul.MARTIN', '--profile', profile], c)).toBe(0);
    expect(readFileSync(join(dir, 'lettre.apc'), 'latin1')).toContain('#BINASCII1#');
    const u = io();
    expect(await runCli(['uncrypt', '-s', 'lettre.apc', '-o', 'clair.txt', '--profile', profile], u)).toBe(0);
    expect(readFileSync(join(dir, 'clair.txt'), 'latin1')).toBe('Compte rendu opératoire.\nSuites simples.\n');

    const mb = await openProfileMailbox(profile, PASSWORD);
    const used = (await mb.listReservations()).filter((r) => r.state === 'used');
    await mb.close();
    expect(used.map((r) => r.letterRef)).toEqual([`cli:${join(dir, 'lettre.apc')}`, `cli:${join(dir, 'lettre.apc')}`]);
  });
});
