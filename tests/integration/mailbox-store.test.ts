import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogSink } from '../../src/host/log/logger';
import { createProfile, unlock } from '../../src/host/profile';
import {
  SCHEMA_VERSION,
  backupMailbox,
  backupOpenMailbox,
  openDatabase,
  openMailbox,
  restoreMailbox,
  type LetterInput,
  type Mailbox,
} from '../../src/host/store';
import { FIXTURE_KEY_HEX } from '../fixtures/mailbox/fixture-content';
import { patientFor } from '../fixtures/mailbox/synthetic';

const FAST = { passwordKdf: { N: 2 ** 12, r: 8, p: 1 }, recoveryKdf: { N: 2 ** 12, r: 8, p: 1 } };
const PASSWORD = 'Ordonnance-2026!';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'mailbox');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pli-mailbox-'));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
async function fresh(): Promise<{ dir: string; mb: Mailbox; key: Buffer }> {
  const dir = tmp();
  const { dbKey } = await createProfile(dir, PASSWORD, FAST);
  const mb = await openMailbox({ file: join(dir, 'mailbox.db'), key: dbKey });
  cleanup.push(() => mb.close());
  return { dir, mb, key: dbKey };
}

let seq = 0;
function letter(over: Partial<LetterInput> = {}): LetterInput {
  seq++;
  return {
    kind: 'hprim',
    folder: 'reception',
    raw: Buffer.from(`raw letter ${seq} ${Math.random()}`),
    subject: `Courrier ${seq}`,
    text: 'Compte rendu de consultation.',
    sender: 'dr.lemaire@medical.apicrypt.org',
    receivedAt: Date.UTC(2026, 0, 1) + seq * 60_000,
    ...over,
  };
}

describe('opening', () => {
  it('refuses a database newer than the application, without touching it', async () => {
    const dir = tmp();
    const file = join(dir, 'mailbox.db');
    const key = Buffer.alloc(32, 7);
    const db = openDatabase(file, key, { create: true });
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = readFileSync(file);
    await expect(openMailbox({ file, key })).rejects.toMatchObject({ code: 'mailbox_too_new', details: { version: SCHEMA_VERSION + 1 } });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a wrong key and never creates an empty database in place of a missing one', async () => {
    const dir = tmp();
    const file = join(dir, 'mailbox.db');
    openDatabase(file, Buffer.alloc(32, 1), { create: true }).close();
    await expect(openMailbox({ file, key: Buffer.alloc(32, 2) })).rejects.toMatchObject({ code: 'mailbox_key_wrong' });
    await expect(openMailbox({ file: join(dir, 'absent.db'), key: Buffer.alloc(32, 1) })).rejects.toMatchObject({ code: 'mailbox_missing' });
    expect(readdirSync(dir).filter((f) => f.startsWith('absent'))).toEqual([]);
  });

  it('upgrades the fixture database of every released schema version', async () => {
    // One fixture per released version (v1 at least); a version still in development has none yet.
    const versions = readdirSync(FIXTURES).filter((f) => /^v\d+\.db$/.test(f));
    expect(versions).toContain('v1.db');
    for (const v of versions) expect(Number(v.slice(1, -3))).toBeLessThanOrEqual(SCHEMA_VERSION);
    for (const v of versions) {
      const dir = tmp();
      const file = join(dir, 'mailbox.db');
      copyFileSync(join(FIXTURES, v), file);
      // The fixture's unfinished reservation names the process that made it; on this machine that pid may
      // now belong to another process (or the host name differs). Make it a process of this machine that
      // is certainly gone, as after a crash here; the rest of the fixture is opened as released.
      const raw = openDatabase(file, Buffer.from(FIXTURE_KEY_HEX, 'hex'), { migrate: false });
      raw.prepare(`UPDATE pad_reservations SET session = ? WHERE state = 'reserved'`).run(`${hostname()}:2147483646`);
      raw.close();
      const mb = await openMailbox({ file, key: Buffer.from(FIXTURE_KEY_HEX, 'hex') });
      try {
        expect(mb.schemaVersion, v).toBe(SCHEMA_VERSION);
        expect(await mb.integrityCheck()).toEqual(['ok']);
        expect(await mb.countLetters()).toBe(2);
        const hits = await mb.search('hémo');
        expect(hits.items.map((l) => l.subject)).toEqual(['Résultats biologiques']);
        const letter = await mb.getLetter(hits.items[0]!.id);
        expect(letter?.attachments.map((a) => a.name)).toEqual(['compte-rendu.pdf']);
        expect(letter?.abnormal).toBe(true);
        expect(await mb.patientHistory(letter!.patientId!, 'HB')).toMatchObject([{ value: '11,2', numericValue: 11.2, abnormal: true }]);
        const [key] = await mb.listKeys();
        expect(key).toMatchObject({ owner: 'jean.DUPONT', year: 2026, nextOffset: 600 });
        // The fixture was left with a range reserved by a process that is gone: abandoned at open.
        expect(mb.abandonedAtOpen).toBe(1);
        expect((await mb.listReservations()).map((r) => r.state)).toEqual(['used', 'abandoned']);
        expect((await mb.listFolders()).some((f) => f.kind === 'doctor' && f.owner === 'paul.MARTIN@medical.apicrypt.org')).toBe(true);
        expect(await mb.getSetting('ui.theme')).toEqual({ mode: 'clair' });
      } finally {
        await mb.close();
      }
    }
  });
});

describe('letters, search and patients', () => {
  it('keeps a payload that is the text’s own bytes once, and gives every payload back byte for byte', async () => {
    const { dir, mb, key } = await fresh();
    const text = 'Hémoglobine 11,2 g/dL — contrôle à 3 mois.';
    const latin = 'Créatinine 80 µmol/L';
    const odd = 'Texte \uFFFD remplacé';
    const cases: [string, Uint8Array, boolean][] = [
      [latin, Buffer.from(latin, 'latin1'), true],
      [text, Buffer.from(text, 'utf8'), true],
      // Decodes to the same text as UTF-8 but is not its encoding (an invalid byte): kept as is.
      [odd, Buffer.concat([Buffer.from('Texte '), Buffer.from([0xff]), Buffer.from(' remplacé')]), false],
      [text, Buffer.from('MIME-Version: 1.0\r\n\r\n' + text), false],
    ];
    const r = await mb.insertLetters(cases.map(([t, p]) => letter({ text: t, payload: p })));
    for (const [i, [t, p]] of cases.entries()) {
      const got = await mb.getLetter(r.ids[i]!);
      expect(got?.text).toBe(t);
      expect(Buffer.from(got!.payload!).equals(Buffer.from(p)), `payload ${i}`).toBe(true);
    }
    await mb.close();
    const db = openDatabase(join(dir, 'mailbox.db'), key, { readonly: true });
    const stored = db.prepare('SELECT letter_id, payload IS NULL AS once FROM letter_bodies ORDER BY letter_id').all() as { once: number }[];
    db.close();
    expect(stored.map((x) => x.once === 1)).toEqual(cases.map((c) => c[2]));
  });

  it('finds words whatever their accents and case, by prefix', async () => {
    const { mb } = await fresh();
    await mb.insertLetters([
      letter({ subject: 'Résultats biologiques', text: 'Hémoglobine 13,1 g/dL, créatinine normale.' }),
      letter({ subject: 'Compte rendu', text: 'Pas de café ni de tabac. Échographie abdominale normale.' }),
      letter({ subject: 'Lettre de sortie', text: 'Retour à domicile.', patient: { surname: 'LEFÈVRE', firstName: 'Hélène', birthDate: '1950-02-03' } }),
    ]);
    const subjects = async (q: string) => (await mb.search(q)).items.map((l) => l.subject).sort();
    expect(await subjects('hémo')).toEqual(['Résultats biologiques']);
    expect(await subjects('hemo')).toEqual(['Résultats biologiques']);
    expect(await subjects('HÉMOGLOBINE')).toEqual(['Résultats biologiques']);
    expect(await subjects('cafe')).toEqual(['Compte rendu']);
    expect(await subjects('café tabac')).toEqual(['Compte rendu']);
    expect(await subjects('echo')).toEqual(['Compte rendu']);
    expect(await subjects('lefevre helene')).toEqual(['Lettre de sortie']);
    expect((await mb.findPatients('lefevre hel')).map((p) => p.firstName)).toEqual(['Hélène']);
    expect((await mb.findPatients('Lefèv')).map((p) => p.surname)).toEqual(['LEFÈVRE']);
    expect(await subjects('normale')).toEqual(['Compte rendu', 'Résultats biologiques']);
    expect(await subjects('café hémoglobine')).toEqual([]);
    expect(await subjects('lemaire')).toHaveLength(3);
    expect(await subjects('"*(')).toHaveLength(3);
  });

  it('filters by patient, dates, sender, folder and abnormal results, and pages newest first', async () => {
    const { mb } = await fresh();
    const p = patientFor(1);
    const batch: LetterInput[] = [];
    for (let i = 0; i < 120; i++) {
      batch.push(
        letter({
          subject: `Bilan ${i}`,
          text: `Bilan sanguin numéro ${i}`,
          sender: i % 3 === 0 ? 'labo.biopole@medical.apicrypt.org' : 'dr.nguyen@medical.apicrypt.org',
          receivedAt: Date.UTC(2026, 1, 1) + i * 3_600_000,
          ...(i % 4 === 0 ? { patient: p } : {}),
          ...(i % 10 === 0 ? { labs: [{ code: 'K', label: 'Potassium', value: '6,1', unit: 'mmol/L', low: 3.5, high: 5 }] } : {}),
          ...(i % 10 === 5 ? { labs: [{ code: 'K', label: 'Potassium', value: '4,1', unit: 'mmol/L', low: 3.5, high: 5 }] } : {}),
        }),
      );
    }
    const res = await mb.insertLetters(batch);
    expect(res.inserted).toBe(120);
    // Same batch again: all duplicates.
    expect(await mb.insertLetters(batch)).toMatchObject({ inserted: 0, duplicates: 120 });

    const all: number[] = [];
    let after: string | undefined;
    do {
      const page = await mb.search('bilan', {}, { limit: 50, ...(after ? { after } : {}) });
      all.push(...page.items.map((l) => l.receivedAt));
      after = page.next;
    } while (after);
    expect(all).toHaveLength(120);
    expect([...all].sort((a, b) => b - a)).toEqual(all);

    const patientId = (await mb.findPatients(p.surname))[0]!.id;
    expect((await mb.search('bilan', { patientId }, { limit: 500 })).items).toHaveLength(30);
    expect((await mb.search('', { sender: 'LABO.biopole@medical.apicrypt.org' }, { limit: 500 })).items).toHaveLength(40);
    expect((await mb.search('bilan', { abnormal: true }, { limit: 500 })).items.map((l) => l.subject).sort()).toEqual(
      [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110].map((i) => `Bilan ${i}`).sort(),
    );
    const from = Date.UTC(2026, 1, 1) + 10 * 3_600_000;
    const to = Date.UTC(2026, 1, 1) + 19 * 3_600_000;
    expect((await mb.search('bilan', { from, to })).items).toHaveLength(10);
    const ids = (await mb.search('bilan', { to: Date.UTC(2026, 1, 1) + 4 * 3_600_000 })).items.map((l) => l.id);
    expect(ids).toHaveLength(5);
    await mb.trashLetters(ids);
    expect((await mb.search('bilan', {}, { limit: 500 })).items).toHaveLength(115);
    const trash = (await mb.listFolders()).find((f) => f.role === 'trash')!;
    expect((await mb.search('bilan', { folderId: trash.id })).items).toHaveLength(5);
    expect(await mb.emptyTrash()).toBe(5);
    expect(await mb.countLetters()).toBe(115);
    expect((await mb.search('bilan', {}, { limit: 500 })).items).toHaveLength(115);
  });

  it('builds the patient index and the lab history per analyte', async () => {
    const { mb } = await fresh();
    const p = patientFor(42);
    const spaced = p.nir!.replace(/^(\d)(\d{2})(\d{2})(\d{2})(\d{3})(\d{3})(\d{2})$/, '$1 $2 $3 $4 $5 $6 $7');
    const hb = (date: string, value: string, flag?: string) => ({ code: 'HB', label: 'Hémoglobine', date, value, unit: 'g/dL', low: 12, high: 16, ...(flag ? { flag } : {}) });
    await mb.insertLetters([
      letter({ patient: p, documentDate: '2025-03-01', labs: [hb('2025-03-01', '13,5'), { code: 'K', value: '4,2', low: 3.5, high: 5 }] }),
      letter({ patient: { ...p, nir: spaced }, labs: [hb('2025-09-10', '11,0', 'L')], receivedAt: Date.UTC(2025, 0, 1) }),
      // Name typed without accents nor NIR: the same patient by name and birth date.
      letter({ patient: { surname: p.surname.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase(), firstName: p.firstName.toUpperCase(), birthDate: p.birthDate! }, labs: [hb('2024-12-24', '14,2')] }),
      letter({ patient: patientFor(43), labs: [hb('2025-01-01', '9,9')] }),
    ]);
    const found = await mb.findPatients(p.surname.slice(0, 4));
    const patient = found.find((x) => x.nir === p.nir!.slice(0, 13))!;
    expect(patient.letterCount).toBe(3);
    // Newest received first, page after page (the letters were not received in insertion order).
    const all = (await mb.patientLetters(patient.id)).items;
    expect(all).toHaveLength(3);
    const byDate = [...all].sort((a, b) => b.receivedAt - a.receivedAt || b.id - a.id);
    expect(all.map((l) => l.id)).toEqual(byDate.map((l) => l.id));
    const first = await mb.patientLetters(patient.id, { limit: 2 });
    const rest = await mb.patientLetters(patient.id, { limit: 2, after: first.next });
    expect([...first.items, ...rest.items].map((l) => l.id)).toEqual(byDate.map((l) => l.id));
    expect(rest.next).toBeUndefined();
    const history = await mb.patientHistory(patient.id, 'HB');
    expect(history.map((h) => [h.date, h.numericValue, h.abnormal])).toEqual([
      ['2024-12-24', 14.2, false],
      ['2025-03-01', 13.5, false],
      ['2025-09-10', 11, true],
    ]);
    const allLabs = await mb.patientHistory(patient.id);
    expect(allLabs.map((h) => h.code)).toEqual(['HB', 'HB', 'HB', 'K']);
    expect(allLabs[3]!.date).toBe('2025-03-01');
  });

  it('keeps folders, flags, attachments and the trash', async () => {
    const { mb } = await fresh();
    const doctor = await mb.createFolder('Dr Martin', { owner: 'paul.MARTIN@medical.apicrypt.org' });
    const mine = await mb.createFolder('Cardiologie');
    await expect(mb.createFolder('Cardiologie')).rejects.toMatchObject({ code: 'folder_exists' });
    const { ids } = await mb.insertLetters([
      letter({ attachments: [{ name: 'irm.pdf', mime: 'application/pdf', bytes: Buffer.from([1, 2, 3, 0, 255]) }] }),
      letter({ review: { code: 'undecryptable', message_fr: 'Clef introuvable pour ce courrier.' }, folder: 'review' }),
    ]);
    const [a, b] = ids as [number, number];
    await mb.moveLetters([a], doctor);
    await mb.setFlags([a], { read: true, flagged: true });
    const la = await mb.getLetter(a);
    expect(la).toMatchObject({ folderId: doctor, read: true, flagged: true, exported: false });
    expect(Buffer.from((await mb.getAttachment(la!.attachments[0]!.id))!.bytes)).toEqual(Buffer.from([1, 2, 3, 0, 255]));
    expect(await mb.getLetter(b)).toMatchObject({ reviewCode: 'undecryptable', reviewMessage: 'Clef introuvable pour ce courrier.' });
    const folders = await mb.listFolders();
    expect(folders.find((f) => f.id === doctor)).toMatchObject({ kind: 'doctor', total: 1, unread: 0 });
    expect(folders.find((f) => f.id === mine)).toMatchObject({ kind: 'user', total: 0 });
    await mb.trashLetters([a]);
    await mb.restoreFromTrash([a]);
    expect((await mb.getLetter(a))!.folderId).toBe(doctor);
    await mb.trashLetters([a, b]);
    expect((await mb.listFolder('trash')).items).toHaveLength(2);
    expect(await mb.emptyTrash()).toBe(2);
    expect(await mb.getLetter(a)).toBeUndefined();
    expect(await mb.integrityCheck()).toEqual(['ok']);
  });
});

describe('key store and pad ledger', () => {
  it('imports keys idempotently and reserves forward-only ranges with warnings', async () => {
    const { mb } = await fresh();
    const pad = Buffer.alloc(1000, 9);
    const k = { owner: 'jean.DUPONT', year: 2026, tag: '126', indexMax: 1000, crc: 42, pad, startOffset: 100, kind: 'user' as const };
    const first = await mb.importKey(k);
    expect(first.created).toBe(true);
    expect(await mb.importKey(k)).toEqual({ id: first.id, created: false });
    await expect(mb.importKey({ ...k, crc: 43, pad: Buffer.alloc(10) })).rejects.toMatchObject({ code: 'key_incomplete' });
    expect(await mb.listKeys()).toHaveLength(1);

    const r1 = await mb.reservePadRange(first.id, 600, 'letter-1');
    expect(r1).toMatchObject({ start: 100, length: 600, warning: 'none', remaining: 300 });
    const r2 = await mb.reservePadRange(first.id, 150, 'letter-2');
    expect(r2).toMatchObject({ start: 700, warning: 'warn_80' });
    await mb.markPadUsed(r1.reservationId);
    const r3 = await mb.reservePadRange(first.id, 100, 'letter-3');
    expect(r3).toMatchObject({ start: 850, warning: 'warn_95', remaining: 50 });
    const e = await mb.reservePadRange(first.id, 51, 'letter-4').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'pad_exhausted', details: { remaining: 50, needed: 51 } });
    expect((e as Error).message).toMatch(/jean\.DUPONT\.2026 est épuisée : il reste 50 octets/);
    const pad2 = await mb.getPad('jean.DUPONT', 2026);
    expect(pad2).toMatchObject({ indexMax: 1000, nextOffset: 950 });
    expect(Buffer.from(pad2!.pad).equals(pad)).toBe(true);
    expect(await mb.getPad('jean.DUPONT', 2025)).toBeUndefined();
    expect((await mb.listReservations(first.id)).map((r) => [r.start, r.state])).toEqual([
      [100, 'used'],
      [700, 'reserved'],
      [850, 'reserved'],
    ]);
  });
});

describe('backup and privacy at rest', () => {
  const MARKERS = ['ZORGLUB-MARQUEUR-17', 'Quetzalcoatlé-Mystère', 'XYLOPHONE-PIÈCE-JOINTE', 'NIRMARQUE', 'Brébeuf-Omphalos'] as const;

  function scan(dir: string, found: string[] = []): string[] {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) scan(p, found);
      else {
        const data = readFileSync(p);
        for (const m of MARKERS) {
          for (const enc of ['utf8', 'latin1', 'utf16le'] as const) if (data.includes(Buffer.from(m, enc))) found.push(`${f}:${m}:${enc}`);
        }
      }
    }
    return found;
  }

  function markerLetters(n: number): LetterInput[] {
    return Array.from({ length: n }, (_, i) =>
      letter({
        subject: `Objet ${MARKERS[0]} ${i}`,
        text: `Le texte contient ${MARKERS[1]} ${'et du remplissage '.repeat(200)}`,
        raw: Buffer.from(`armure ${MARKERS[2]} ${i}`),
        payload: Buffer.from(`charge ${MARKERS[1]} ${i}`, 'latin1'),
        patient: { surname: MARKERS[3], firstName: MARKERS[4], birthDate: '1961-06-06' },
        attachments: [{ name: `${MARKERS[2]}.txt`, bytes: Buffer.from(`pièce ${MARKERS[2]} ${i}`) }],
        labs: [{ code: 'HB', label: MARKERS[4], value: '12' }],
      }),
    );
  }

  it('leaves no marker phrase in any file of the profile (db, journal, header, logs)', async () => {
    // The scanner itself must see a marker in a plain file, in any of the encodings.
    const control = tmp();
    writeFileSync(join(control, 'plain.bin'), Buffer.from(`x ${MARKERS[1]} y`, 'latin1'));
    expect(scan(control)).toEqual([`plain.bin:${MARKERS[1]}:latin1`]);
    const dir = tmp();
    const sink = new LogSink({ dir: join(dir, 'logs'), level: 'debug' });
    const { dbKey } = await createProfile(dir, PASSWORD, FAST);
    // slowMs 0: every query is logged, so the logs are exercised too.
    const mb = await openMailbox({ file: join(dir, 'mailbox.db'), key: dbKey, logger: sink.logger('mailbox'), slowMs: 0 });
    const { ids } = await mb.insertLetters(markerLetters(300));
    expect((await mb.search('zorglub')).items.length).toBeGreaterThan(0);
    expect((await mb.search('quetzalcoatle mystere')).items.length).toBeGreaterThan(0);
    expect((await mb.findPatients('nirmarque')).length).toBe(1);
    // Moving the letters rewrites pages that hold the markers: the rollback journal keeps their former
    // content (it stays on disk, header zeroed, between transactions), encrypted too.
    await mb.moveLetters(ids.filter((id): id is number => id !== null), 'archive');
    expect(readdirSync(dir)).toContain('mailbox.db-journal');
    expect(statSync(join(dir, 'mailbox.db-journal')).size).toBeGreaterThan(4096);
    expect(scan(dir)).toEqual([]);
    await mb.close();
    // At rest the profile holds the database alone (the journal is deleted at close).
    expect(readdirSync(dir).filter((f) => f.startsWith('mailbox.db'))).toEqual(['mailbox.db']);
    expect(readdirSync(join(dir, 'logs')).length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'logs', readdirSync(join(dir, 'logs'))[0]!), 'utf8')).toMatch(/slow mailbox query/);
    expect(scan(dir)).toEqual([]);
  });

  it('backs up to one encrypted file and restores it', async () => {
    const { dir, mb } = await fresh();
    await mb.insertLetters(markerLetters(20));
    const k = await mb.importKey({ owner: 'paul.MARTIN', year: 2026, indexMax: 64, crc: 7, pad: Buffer.alloc(64, 3), kind: 'user' });
    await mb.reservePadRange(k.id, 10, 'l1');
    const out = tmp();
    // From the running app (open mailbox) and from the command line (password).
    await backupOpenMailbox(mb, dir, join(out, 'open.plibak'));
    await mb.close();
    await backupMailbox(dir, join(out, 'cli.plibak'), PASSWORD);
    await expect(backupMailbox(dir, join(out, 'bad.plibak'), 'Mauvais-Mot-2026')).rejects.toMatchObject({ code: 'password_wrong' });
    expect(scan(out)).toEqual([]);

    for (const f of ['open.plibak', 'cli.plibak']) {
      const target = join(tmp(), 'restored');
      restoreMailbox(join(out, f), target);
      expect(() => restoreMailbox(join(out, f), target)).toThrow(/déjà une messagerie/);
      const key = await unlock(target, PASSWORD);
      const r = await openMailbox({ file: join(target, 'mailbox.db'), key });
      try {
        expect(await r.integrityCheck()).toEqual(['ok']);
        expect(await r.countLetters()).toBe(20);
        expect((await r.search('zorglub', {}, { limit: 100 })).items).toHaveLength(20);
        expect(await r.listKeys()).toMatchObject([{ owner: 'paul.MARTIN', nextOffset: 10 }]);
        const one = (await r.search('zorglub')).items[0]!;
        expect((await r.getLetter(one.id))!.attachments).toHaveLength(1);
      } finally {
        await r.close();
      }
    }
    const garbage = join(out, 'garbage.plibak');
    copyFileSync(join(FIXTURES, 'fixture-content.ts'), garbage);
    expect(() => restoreMailbox(garbage, join(tmp(), 'x'))).toThrow(/pas une sauvegarde Pli valide/);
  });
});
