import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKeyFile, setKeyPointer } from '../core/apicrypt';
import { cp1252 } from '../core/charset';
import { runCli } from './app';
import { findCommand } from './commands';
import { safeFileName } from './commands/uncrypt-pj';
import type { CliIo } from './io';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'keys-fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'pli-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A fresh copy of a fixture medium (the CLI's -k mode writes pointers into it). */
function medium(login: string): string {
  const dir = join(tmp, `${login}-${n++}`);
  cpSync(join(fixtures, 'media', login), dir, { recursive: true });
  return dir;
}

async function pli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: tmp, now: () => new Date('2026-11-22T10:00:00Z') };
  const code = await runCli(argv, io);
  return { code, out, err };
}

const text = 'Cher confrère,\nVoici les résultats de Mme Françoise Lœuvre : normaux.\n« Bien à vous » — 3 €\n';

describe('pli command line (-k mode)', () => {
  it('finds multi-word commands in the table', () => {
    expect(findCommand(['keys', 'list', '-k', 'x'])?.entry.name).toBe('keys list');
    expect(findCommand(['crypt-pj'])?.rest).toEqual([]);
    expect(findCommand(['keys'])).toBeUndefined();
  });

  it('keeps attachment names inside the output folder', () => {
    expect(safeFileName('../../etc/passwd', 0)).toBe('passwd');
    expect(safeFileName('C:\\Windows\\x.dll', 0)).toBe('x.dll');
    expect(safeFileName('..', 2)).toBe('piece-jointe-3');
    expect(safeFileName('a\u0000b?.txt', 0)).toBe('a_b_.txt');
  });

  it('crypt then uncrypt round-trips and advances the pointers in the key files', async () => {
    const keys = medium('jean.DUPONT');
    writeFileSync(join(tmp, 'lettre.txt'), cp1252.encode(text));
    const r = await pli('crypt', '-s', 'lettre.txt', '-o', 'lettre.apc', '-u', 'jean.DUPONT', '-k', keys, '-d', 'paul.MARTIN@medical69.apicrypt.org,marie.CURIE', '--id', 'abc-1');
    expect(r).toMatchObject({ code: 0, err: '' });
    const armored = readFileSync(join(tmp, 'lettre.apc'), 'latin1');
    expect(armored.split('\n').slice(0, 3)).toEqual(['$APICRYPT initial, clef v1 Master.126 MID 1', '$APICRYPT initial, clef v1 jean.DUPONT.126 MID 1', '']);
    const payloadLen = cp1252.encode(text).length + '#DESTBEGIN#paul.MARTIN,marie.CURIE,,#DESTEND##IDBEGIN#abc-1#IDEND#'.length;
    const master = parseKeyFile(readFileSync(join(keys, 'Clefs', 'Master.126')), 'Master.126');
    const user = parseKeyFile(readFileSync(join(keys, 'Clefs', 'jean.DUPONT.126')), 'jean.DUPONT.126');
    expect([master.indexCourant, master.nbCrypt]).toEqual([payloadLen, 1]);
    expect([user.indexCourant, user.nbCrypt]).toEqual([payloadLen + 224, 1]);

    const u = await pli('uncrypt', '-s', 'lettre.apc', '-k', keys, '-v');
    expect(u.code).toBe(0);
    expect(u.err).toContain('paul.MARTIN, marie.CURIE');
    expect(u.err).toContain('abc-1');
    expect(cp1252.decode(readFileSync(join(tmp, 'lettre.apc.txt')))).toBe(text);

    // A second letter starts where the first ended, with MID 2; the server's copies read it too.
    await pli('crypt', '-s', 'lettre.txt', '-o', 'lettre2.apc', '-u', 'jean.DUPONT', '-k', keys, '-d', 'paul.MARTIN');
    expect(readFileSync(join(tmp, 'lettre2.apc'), 'latin1')).toContain('jean.DUPONT.126 MID 2');
    expect((await pli('uncrypt', '-s', 'lettre2.apc', '-o', 'l2.txt', '-k', join(fixtures, 'server'), '--utf8')).code).toBe(0);
    expect(readFileSync(join(tmp, 'l2.txt'), 'utf8')).toBe(text);
  });

  it('exits with the legacy codes mod 256, in French', async () => {
    const keys = medium('jean.DUPONT');
    writeFileSync(join(tmp, 'court.txt'), 'Bonjour\n');
    const missingKey = await pli('crypt', '-s', 'court.txt', '-o', 'x.apc', '-u', 'paul.MARTIN', '-k', keys, '-d', 'jean.DUPONT');
    expect(missingKey.code).toBe(251);
    expect(missingKey.err).toContain('La clef paul.MARTIN.126 est introuvable');
    // Nothing moved: the user key was missing, so the Master pointer stays too.
    expect(parseKeyFile(readFileSync(join(keys, 'Clefs', 'Master.126'))).indexCourant).toBe(0);
    expect((await pli('uncrypt', '-s', 'absent.apc', '-k', keys)).code).toBe(213);
    const other = medium('paul.MARTIN');
    await pli('crypt', '-s', 'court.txt', '-o', 'paul.apc', '-u', 'paul.MARTIN', '-k', other, '-d', 'jean.DUPONT');
    const wrong = await pli('uncrypt', '-s', 'paul.apc', '-k', keys);
    expect(wrong.code).toBe(251);
    expect(wrong.err).toContain('paul.MARTIN.126');
    const noK = await pli('crypt', '-s', 'court.txt', '-o', 'x.apc', '-u', 'jean.DUPONT', '-d', 'paul.MARTIN');
    // Without -k the profile's key store is used: no terminal and no PLI_PASSWORD, so it asks for one.
    expect(noK.code).toBe(2);
    expect(noK.err).toContain('Mot de passe requis');
    expect((await pli('crypt', '-s', 'court.txt', '-q')).code).toBe(2);
    expect((await pli('inconnue')).code).toBe(2);
  });

  it('refuses an exhausted key and leaves it untouched (never wraps)', async () => {
    const keys = medium('jean.DUPONT');
    const path = join(keys, 'Clefs', 'jean.DUPONT.126');
    const bytes = readFileSync(path);
    setKeyPointer(bytes, 256 * 1024 - 300, 41);
    writeFileSync(path, bytes);
    writeFileSync(join(tmp, 'long.txt'), 'x'.repeat(200));
    const r = await pli('crypt', '-s', 'long.txt', '-o', 'long.apc', '-u', 'jean.DUPONT', '-k', keys, '-d', 'paul.MARTIN');
    expect(r.code).toBe(1);
    expect(r.err).toContain('épuisée');
    expect(existsSync(join(tmp, 'long.apc'))).toBe(false);
    expect(parseKeyFile(readFileSync(path)).indexCourant).toBe(256 * 1024 - 300);
    expect(parseKeyFile(readFileSync(join(keys, 'Clefs', 'Master.126'))).indexCourant).toBe(0);
    writeFileSync(join(tmp, 'ok.txt'), 'x'.repeat(20));
    const ok = await pli('crypt', '-s', 'ok.txt', '-o', 'ok.apc', '-u', 'jean.DUPONT', '-k', keys, '-d', 'paul.MARTIN');
    expect(ok.code).toBe(0);
    expect(ok.err).toContain('utilisée à 99 %');
  });

  it('crypt-pj then uncrypt-pj round-trips several files', async () => {
    const keys = medium('cabinet.LESTILLEULS');
    const a = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 255);
    writeFileSync(join(tmp, 'compte-rendu.pdf'), a);
    writeFileSync(join(tmp, 'note.txt'), 'hello');
    const r = await pli('crypt-pj', '-s', 'compte-rendu.pdf|note.txt', '-o', 'pj.apz', '-u', 'cabinet.LESTILLEULS', '-k', keys, '-d', 'jean.DUPONT', '-z');
    expect(r.code).toBe(0);
    const u = await pli('uncrypt-pj', '-s', 'pj.apz', '-o', 'sortie/', '-k', keys);
    expect(u.code).toBe(0);
    expect(Buffer.compare(readFileSync(join(tmp, 'sortie', 'compte-rendu.pdf')), a)).toBe(0);
    expect(readFileSync(join(tmp, 'sortie', 'note.txt'), 'utf8')).toBe('hello');
  });

  it('keys list shows V2 keys as unsupported without failing', async () => {
    const r = await pli('keys', 'list', '-k', join(fixtures, 'media', 'cabinet.LESTILLEULS'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cabinet\.LESTILLEULS\.126 .*valide/);
    expect(r.out).toMatch(/cabinet\.LESTILLEULS\.aes .*non prise en charge/);
    expect(r.out).toContain('262 144 o');
  });

  it('the real process exits with status 251 on a missing key', () => {
    const keys = medium('jean.DUPONT');
    writeFileSync(join(tmp, 'p.txt'), 'x');
    const p = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'crypt', '-s', join(tmp, 'p.txt'), '-o', join(tmp, 'p.apc'), '-u', 'nobody.X', '-k', keys, '-d', 'a.B', '--year', '2026'], {
      cwd: root, // where tsx resolves
      encoding: 'utf8',
    });
    expect(p.status).toBe(251);
    expect(p.stderr).toContain('introuvable');
  });
});
