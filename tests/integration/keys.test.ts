import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  decryptArmoredLetter,
  encodeLetterPayload,
  HEADER_SIZE,
  openApz,
  parseKeyFile,
  sealLetter,
  armorLetter,
  writeKeyFile,
} from '../../src/core/apicrypt';
import { Host } from '../../src/host/host';
import { KeyService } from '../../src/host/keys';
import type { Mailbox } from '../../src/host/store';
import { isPliError, type PliError } from '../../src/shared/errors';
import { cleanup, copyMedium, FIXTURES, MEDIA, newProfile, openProfile, serverLookup, tmp } from './keys-support';

const open: Mailbox[] = [];
afterEach(async () => {
  for (const m of open.splice(0)) await m.close();
  cleanup();
});

async function service(opts: ConstructorParameters<typeof KeyService>[1] = {}): Promise<{ keys: KeyService; mailbox: Mailbox; dir: string }> {
  const dir = await newProfile();
  const mailbox = await openProfile(dir);
  open.push(mailbox);
  return { keys: new KeyService(mailbox, { now: () => new Date('2026-06-15T10:00:00Z'), ...opts }), mailbox, dir };
}

async function pliError(p: Promise<unknown>): Promise<PliError> {
  try {
    await p;
  } catch (e) {
    if (isPliError(e)) return e;
    throw e;
  }
  throw new Error('expected a PliError');
}

/** Content hash and mtime of every file below a folder. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[p] = `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${statSync(p).mtimeMs}`;
  }
  return out;
}

/** A synthetic key medium with a Master and a user key of the given pad sizes. */
function syntheticMedium(user: string, year: number, padSize: number, pointer = 0): string {
  const root = tmp('pli-keys-synth-');
  mkdirSync(join(root, 'Clefs'));
  for (const owner of ['Master', user]) {
    const pad = new Uint8Array(padSize);
    for (let i = 0; i < padSize; i++) pad[i] = (i * 131 + owner.length * 7 + (i >> 8)) & 0xff;
    const name = `${owner}.${year - 1900}`;
    writeFileSync(join(root, 'Clefs', name), writeKeyFile({ owner, year, pad, indexCourant: owner === 'Master' ? 0 : pointer }));
  }
  return root;
}

describe('key medium import', () => {
  it('imports every key of a medium, never writes to it, and a second import is a no-op', async () => {
    const { keys } = await service();
    const medium = join(MEDIA, 'jean.DUPONT');
    const before = snapshot(medium);

    const first = await keys.importMedium(medium);
    expect(first.imported.sort()).toEqual(['Master.125', 'Master.126', 'jean.DUPONT.125', 'jean.DUPONT.126']);
    expect(first).toMatchObject({ alreadyPresent: [], unsupported: [], rejected: [], recovered: 0 });

    const list = await keys.list();
    expect(list.map((k) => `${k.owner}.${k.year}:${k.kind}`).sort()).toEqual([
      'Master.2025:master',
      'Master.2026:master',
      'jean.DUPONT.2025:user',
      'jean.DUPONT.2026:user',
    ]);
    for (const k of list) expect(k).toMatchObject({ size: 256 * 1024, used: 0, usedRatio: 0 });

    // The Clefs/ folder itself is accepted too, and importing again changes nothing.
    const again = await keys.importMedium(join(medium, 'Clefs'));
    expect(again.imported).toEqual([]);
    expect(again.alreadyPresent.sort()).toEqual(first.imported.sort());
    expect(await keys.list()).toEqual(list);
    expect(snapshot(medium)).toEqual(before);
  });

  it('works on a read-only medium', async () => {
    const { keys } = await service();
    const root = copyMedium('paul.MARTIN');
    for (const f of readdirSync(join(root, 'Clefs'))) chmodSync(join(root, 'Clefs', f), 0o444);
    chmodSync(join(root, 'Clefs'), 0o555);
    const before = snapshot(root);
    try {
      expect((await keys.importMedium(root)).imported).toHaveLength(4);
    } finally {
      chmodSync(join(root, 'Clefs'), 0o755);
    }
    expect(snapshot(root)).toEqual(before);
  });

  it('adds a newer year beside the old one', async () => {
    const { keys } = await service();
    const root = copyMedium('jean.DUPONT', (f) => f.endsWith('.125'));
    expect((await keys.importMedium(root)).imported.sort()).toEqual(['Master.125', 'jean.DUPONT.125']);
    cpSync(join(MEDIA, 'jean.DUPONT', 'Clefs'), join(root, 'Clefs'), { recursive: true });
    const r = await keys.importMedium(root);
    expect(r.imported.sort()).toEqual(['Master.126', 'jean.DUPONT.126']);
    expect(r.alreadyPresent.sort()).toEqual(['Master.125', 'jean.DUPONT.125']);
    expect((await keys.list()).map((k) => `${k.owner}.${k.year}`).sort()).toEqual(['Master.2025', 'Master.2026', 'jean.DUPONT.2025', 'jean.DUPONT.2026']);
  });

  it('lists .aes keys as unsupported without failing, and marks group keys', async () => {
    const { keys } = await service({ groupOwners: ['cabinet.LESTILLEULS'] });
    const r = await keys.importMedium(join(MEDIA, 'cabinet.LESTILLEULS'));
    expect(r.unsupported).toEqual(['cabinet.LESTILLEULS.aes']);
    expect(r.rejected).toEqual([]);
    expect(r.imported).toHaveLength(4);
    const kinds = Object.fromEntries((await keys.list()).map((k) => [`${k.owner}.${k.year}`, k.kind]));
    expect(kinds).toEqual({ 'Master.2025': 'master', 'Master.2026': 'master', 'cabinet.LESTILLEULS.2025': 'group', 'cabinet.LESTILLEULS.2026': 'group' });
  });

  const cases = JSON.parse(readFileSync(join(FIXTURES, 'broken', 'cases.json'), 'utf8')) as { case: string; file: string; code: string }[];
  describe('broken key files', () => {
    // One profile for all cases: every case fails, so nothing but the Master keys ever enters it.
    let keys: KeyService;
    let mailbox: Mailbox;
    let dir: string;
    beforeAll(async () => {
      dir = await newProfile(true);
      mailbox = await openProfile(dir);
      keys = new KeyService(mailbox);
    });
    afterAll(async () => {
      await mailbox.close();
      rmSync(join(dir, '..'), { recursive: true, force: true });
    });
    it.each(cases)('rejects $case with $code, beside good keys', async ({ case: name, file, code }) => {
      const root = copyMedium('jean.DUPONT', (f) => f.startsWith('Master'));
      cpSync(join(FIXTURES, 'broken', name, file), join(root, 'Clefs', file));
      const r = await keys.importMedium(root);
      expect([...r.imported, ...r.alreadyPresent].sort()).toEqual(['Master.125', 'Master.126']);
      expect(r.rejected).toHaveLength(1);
      expect(r.rejected[0]).toMatchObject({ file, code });
      expect(r.rejected[0]!.message_fr).toContain(file);
      expect((await keys.list()).map((k) => k.owner)).not.toContain('jean.DUPONT');
    });
  });

  it('gives each broken case its own message', async () => {
    const { keys } = await service();
    const messages = new Set<string>();
    for (const c of cases) {
      const r = await keys.importMedium(join(FIXTURES, 'broken', c.case));
      expect(r.rejected.map((x) => x.code)).toEqual([c.code]);
      messages.add(r.rejected[0]!.message_fr);
    }
    expect(messages.size).toBe(cases.length);
  });

  it('reports stray files of a Clefs folder, ignores system files, refuses a folder without keys', async () => {
    const { keys } = await service();
    const root = copyMedium('paul.MARTIN', (f) => f === 'Master.126');
    writeFileSync(join(root, 'Clefs', 'notes.txt'), 'x');
    writeFileSync(join(root, 'Clefs', 'Thumbs.db'), 'x');
    const r = await keys.importMedium(root);
    expect(r.imported).toEqual(['Master.126']);
    expect(r.rejected.map((x) => [x.file, x.code])).toEqual([['notes.txt', 'key_bad_file_name']]);

    const empty = tmp();
    writeFileSync(join(empty, 'photo.jpg'), 'x');
    expect((await pliError(keys.importMedium(empty))).code).toBe('key_medium_empty');
    expect((await pliError(keys.importMedium(join(empty, 'absent')))).code).toBe('key_medium_not_found');
  });

  it('starts the ledger at the key file pointer, also when the legacy client moved it after an import', async () => {
    const { keys, mailbox } = await service();
    const root = syntheticMedium('test.POINTEUR', 2026, 20_000, 5_000);
    await keys.importMedium(root);
    expect((await keys.list()).find((k) => k.owner === 'test.POINTEUR')!.used).toBe(5_000);
    const a = await keys.sealLetterBody({ text: 'a', recipients: { to: ['x.Y'] }, mode: 'cp1252', userKeyOwner: 'test.POINTEUR', letterRef: 'a' });
    expect(a.reservations.user.start).toBe(5_000);

    // The legacy tool used the medium meanwhile: its pointer is now 9 000.
    const file = join(root, 'Clefs', 'test.POINTEUR.126');
    const k = parseKeyFile(readFileSync(file), 'test.POINTEUR.126');
    writeFileSync(file, writeKeyFile({ owner: k.owner, year: k.year, pad: k.pad, indexCourant: 9_000, nbCrypt: 3 }));
    const r = await keys.importMedium(root);
    expect(r.alreadyPresent).toContain('test.POINTEUR.126');
    const b = await keys.sealLetterBody({ text: 'b', recipients: { to: ['x.Y'] }, mode: 'cp1252', userKeyOwner: 'test.POINTEUR', letterRef: 'b' });
    expect(b.reservations.user.start).toBeGreaterThanOrEqual(9_000);
    const skipped = (await mailbox.listReservations(b.reservations.user.keyId)).filter((x) => x.letterRef.startsWith('legacy:'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ state: 'used', start: a.reservations.user.start + a.reservations.user.length });
  });
});

describe('sealing and opening with the profile keys', () => {
  it('round-trips a letter: the sender copy and the trusted server can read it', async () => {
    const { keys } = await service();
    await keys.importMedium(join(MEDIA, 'jean.DUPONT'));
    const text = 'Cher confrère,\nVotre patient présente une glycémie à 1,05 g/l — « normale ».\nBien à vous.\n';
    const sealed = await keys.sealLetterBody({
      text,
      recipients: { to: ['paul.MARTIN@medical69.apicrypt.org'], cc: ['cabinet.LESTILLEULS@medical69.apicrypt.org'] },
      messageId: 'PLI-0001',
      mode: 'cp1252',
      userKeyOwner: 'jean.DUPONT',
      letterRef: 'letter-1',
    });
    expect(sealed.armored.split('\n').slice(0, 2)).toEqual(['$APICRYPT initial, clef v1 Master.126 MID 1', '$APICRYPT initial, clef v1 jean.DUPONT.126 MID 1']);
    expect(sealed.warnings).toEqual([]);
    expect(sealed.reservations.master).toMatchObject({ owner: 'Master', year: 2026, start: 0 });
    expect(sealed.reservations.user).toMatchObject({ owner: 'jean.DUPONT', year: 2026, start: 0, length: sealed.reservations.master.length + HEADER_SIZE });

    const mine = await keys.openLetterBody(sealed.armored);
    expect(mine).toMatchObject({ text, recipients: ['paul.MARTIN', 'cabinet.LESTILLEULS'], messageId: 'PLI-0001' });
    expect(mine.outer).toMatchObject({ owner: 'jean.DUPONT', year: 2026, offset: 0, counter: 1 });
    expect(mine.inner).toMatchObject({ owner: 'Master', year: 2026, offset: 0, counter: 1 });

    const server = decryptArmoredLetter(sealed.armored, serverLookup());
    expect(server).toMatchObject({ text, recipients: ['paul.MARTIN', 'cabinet.LESTILLEULS'], messageId: 'PLI-0001' });

    // The next letter takes the following bytes and the next counter; UTF-8 mode keeps any character.
    const second = await keys.sealLetterBody({ text: 'Ω ≠ 😀', recipients: { to: ['paul.MARTIN'] }, mode: 'utf8', userKeyOwner: 'jean.DUPONT', letterRef: 'letter-2' });
    expect(second.reservations.master.start).toBe(sealed.reservations.master.length);
    expect(second.reservations.user.start).toBe(sealed.reservations.user.length);
    expect(second.armored).toContain('jean.DUPONT.126 MID 2');
    expect((await keys.openLetterBody(`Texte avant\r\n${second.armored.replace(/\n/g, '\r\n')}\r\nTexte après`)).text).toBe('Ω ≠ 😀');
    const used = (await keys.list()).find((k) => k.owner === 'jean.DUPONT' && k.year === 2026)!;
    expect(used.used).toBe(second.reservations.user.start + second.reservations.user.length);
  });

  it('reads a letter of last year and names the missing key of a letter it cannot read', async () => {
    const { keys } = await service();
    await keys.importMedium(join(MEDIA, 'jean.DUPONT'));
    const lookup = serverLookup();
    const pads = (owner: string, year: number, offset: number) => ({ owner, year, tag: '1000', pad: lookup(owner, year)!, offset, counter: 7 });
    const payload = encodeLetterPayload({ text: 'Lettre en retard', recipients: { to: ['jean.DUPONT'] }, mode: 'cp1252' });
    // As the server delivers it: re-encrypted with the recipient's (last year's) key.
    const late = armorLetter(sealLetter(payload, pads('Master', 2025, 100), pads('jean.DUPONT', 2025, 300)));
    expect((await keys.openLetterBody(late)).text).toBe('Lettre en retard');

    const forPaul = armorLetter(sealLetter(payload, pads('Master', 2026, 0), pads('paul.MARTIN', 2026, 0)));
    const e = await pliError(keys.openLetterBody(forPaul));
    expect(e.code).toBe('key_not_found');
    expect(e.message_fr).toContain('paul.MARTIN.126');
    expect(e.details).toMatchObject({ owner: 'paul.MARTIN', year: 2026 });
  });

  it('refuses to seal without the keys of the year', async () => {
    const { keys } = await service();
    await keys.importMedium(join(MEDIA, 'jean.DUPONT'));
    const e = await pliError(keys.sealLetterBody({ text: 'x', recipients: { to: ['a.B'] }, mode: 'cp1252', userKeyOwner: 'jean.DUPONT', year: 2027, letterRef: 'x' }));
    expect(e.code).toBe('key_missing');
    expect(e.message_fr).toBe('Aucune clef Master.127 : importez votre support de clefs 2027.');
    const f = await pliError(keys.sealLetterBody({ text: 'x', recipients: { to: ['a.B'] }, mode: 'cp1252', userKeyOwner: 'paul.MARTIN', letterRef: 'x' }));
    expect(f.message_fr).toBe('Aucune clef paul.MARTIN.126 : importez votre support de clefs 2026.');
  });

  it('round-trips an .apz attachment', async () => {
    const { keys } = await service();
    await keys.importMedium(join(MEDIA, 'paul.MARTIN'));
    const files = [
      { name: 'compte-rendu.pdf', data: new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 255, 1]) },
      { name: 'image é.jpg', data: new Uint8Array(5000).map((_, i) => (i * 37) & 0xff) },
    ];
    const sealed = await keys.sealApzFile({ files, recipients: ['jean.DUPONT@medical69.apicrypt.org'], userKeyOwner: 'paul.MARTIN', letterRef: 'apz-1' });
    const opened = await keys.openApzFile(sealed.bytes);
    expect(opened.content).toMatchObject({ sender: 'paul.MARTIN', recipients: ['jean.DUPONT'], files });
    expect(openApz(sealed.bytes, serverLookup()).content.files).toEqual(files);
  });
});

describe('pad exhaustion', () => {
  it('warns at 80 and 95 %, then refuses without reserving anything and never wraps', async () => {
    const { keys, mailbox } = await service();
    const SIZE = 11_500; // letters of 947 pad bytes: the 11th ends at 91 %, the 12th at 99 %
    await keys.importMedium(syntheticMedium('petit.PAD', 2026, SIZE));
    const text = 'x'.repeat(700);
    const seen: { ratio: number; warnings: string[] }[] = [];
    let refusal: PliError | undefined;
    for (let i = 0; i < 40 && !refusal; i++) {
      try {
        const r = await keys.sealLetterBody({ text, recipients: { to: ['a.B'] }, mode: 'cp1252', userKeyOwner: 'petit.PAD', letterRef: `l${i}` });
        const u = r.reservations.user;
        seen.push({ ratio: (u.start + u.length) / SIZE, warnings: r.warnings.filter((w) => w.includes('petit.PAD.126')) });
      } catch (e) {
        if (!isPliError(e)) throw e;
        refusal = e;
      }
    }
    expect(refusal?.code).toBe('pad_exhausted');
    expect(refusal!.message_fr).toMatch(/^La clef petit\.PAD\.126 est épuisée/);
    expect(seen.some((s) => s.ratio >= 0.8 && s.ratio < 0.95)).toBe(true);
    expect(seen.some((s) => s.ratio >= 0.95)).toBe(true);
    for (const s of seen) {
      const expected = s.ratio >= 0.95 ? /presque épuisée/ : s.ratio >= 0.8 ? /utilisée à (8\d|9[0-4]) %/ : undefined;
      if (expected) {
        expect(s.warnings).toHaveLength(1);
        expect(s.warnings[0]).toMatch(expected);
      } else expect(s.warnings).toEqual([]);
    }
    // The refusal reserved nothing: every range belongs to a sealed letter.
    const rs = await mailbox.listReservations();
    expect(rs.every((r) => r.state === 'used')).toBe(true);
    expect(rs).toHaveLength(2 * seen.length);
    // What is left still serves a letter short enough, after the last range, never at 0.
    const user = (await keys.list()).find((k) => k.owner === 'petit.PAD')!;
    const tiny = keys.sealLetterBody({ text: '', recipients: { to: ['a.B'] }, mode: 'cp1252', userKeyOwner: 'petit.PAD', letterRef: 'tiny' });
    if (user.size - user.used >= HEADER_SIZE + '#DESTBEGIN#a.B#DESTEND#'.length) expect((await tiny).reservations.user.start).toBe(user.used);
    else expect((await pliError(tiny)).code).toBe('pad_exhausted');
  });
});

describe('keys commands through the host', () => {
  it('imports a medium, lists the keys and announces the change with French warnings', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'pli-keys-host-'));
    const host = new Host({ profileDir, version: '0.0.0', shell: 'test', resourcesDir: 'resources' });
    const events: { event: string; payload: unknown }[] = [];
    host.onEvent((event, payload) => events.push({ event, payload }));
    try {
      const created = await host.invoke('profile.create', { password: 'Clefs-Cabinet-2026', confirmation: 'Clefs-Cabinet-2026' });
      expect(created.ok).toBe(true);
      const res = await host.invoke('keys.importMedium', { path: join(MEDIA, 'cabinet.LESTILLEULS') });
      if (!res.ok) throw new Error(res.error.message_fr);
      const report = res.result as { imported: string[] };
      expect(report.imported).toHaveLength(4);
      const changed = events.filter((e) => e.event === 'keys.changed');
      expect(changed).toHaveLength(1);
      expect((changed[0]!.payload as { warnings: string[] }).warnings).toEqual([
        'Le fichier cabinet.LESTILLEULS.aes est une clef APICRYPT V2 (.aes) : ce format n’est pas encore pris en charge par Pli.',
      ]);
      const listed = await host.invoke('keys.list', {});
      if (!listed.ok) throw new Error(listed.error.message_fr);
      const { keys } = listed.result as { keys: { owner: string; year: number }[] };
      expect(keys.map((k) => `${k.owner}.${k.year}`).sort()).toEqual(['Master.2025', 'Master.2026', 'cabinet.LESTILLEULS.2025', 'cabinet.LESTILLEULS.2026']);
      expect((await host.sessions.get().mailbox.listAudit()).some((a) => a.action === 'keys.importMedium')).toBe(true);
    } finally {
      await host.close();
      rmSync(profileDir, { recursive: true, force: true });
    }
  });
});
