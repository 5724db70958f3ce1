// The directory over the mailbox: search quality of the FTS store against the in-memory index, and the
// host's directory commands on a real Host (CSV import/export, LDAP settings and refresh against slapd,
// block and unblock moving letters into « Bloqués » and back, correspondents learnt from letters).
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeText, parseCsv, queryTokens } from '../../src/core/directory';
import { directoryHandlers } from '../../src/host/commands/directory';
import type { Handlers } from '../../src/host/commands/types';
import { DirectoryService, InMemoryDirectoryStore, MailboxDirectoryStore, recordCorrespondents } from '../../src/host/directory';
import { Host } from '../../src/host/host';
import { openDatabase, openMailbox, type LetterInput } from '../../src/host/store';
import { FIXTURE_KEY_HEX } from '../fixtures/mailbox/fixture-content';
import { commands } from '../../src/shared/contract';
import { PliError } from '../../src/shared/errors';
import { testEnv } from '../env/current';
import { tempMailbox } from './directory-mailbox-support';

const FIX = join(import.meta.dirname, '../fixtures/directory');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A synthetic directory CSV: common surnames (many ties), made-up ones, compound names. */
function syntheticCsv(n: number): { bytes: Uint8Array; surnames: string[] } {
  const rnd = prng(5);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const common = ['MARTIN', 'MARTINEZ', 'DUPONT', 'DURAND', 'MOREAU', 'LE GALL', 'NOËL-MARTIN', 'DA SILVA', "L'HERMITTE", 'BÉRANGER', 'MARIN'];
  const syl = ['ba', 'ma', 'mor', 'du', 'ri', 'sau', 'le', 'gal'];
  const given = ['Jean', 'Marie', 'Éric', 'Hélène', 'Martine', 'Paul'];
  const prof = [['Médecin', 'Cardiologie'], ['Médecin', 'Médecine générale'], ['Infirmier', 'Soins infirmiers'], ['Sage-femme', 'Maïeutique']] as const;
  const cities = [['Paris', '75011'], ['Lyon', '69003'], ['Saint-Étienne', '42000'], ['Martigues', '13500']] as const;
  const lines = ['Nom;Prénom;Profession;Spécialité;Code postal;Ville;Adresse APICRYPT;RPPS'];
  const surnames: string[] = [];
  for (let i = 0; i < n; i++) {
    const sn = rnd() < 0.5 ? pick(common) : (pick(syl) + pick(syl) + pick(syl)).toUpperCase();
    surnames.push(sn);
    const gn = pick(given);
    const [p, s] = pick(prof);
    const [city, pc] = pick(cities);
    const local = `${gn.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}.${sn.normalize('NFD').replace(/[^A-Za-z]/g, '')}${i}`;
    lines.push([sn, gn, p, s, pc, city, `${local}@medical${pc.slice(0, 2)}.apicrypt.org`, `1${String(i).padStart(10, '0')}`].join(';'));
  }
  return { bytes: new TextEncoder().encode(lines.join('\n')), surnames };
}

describe('directory search over the mailbox', () => {
  it('finds results as good as the in-memory index, ties and correspondents included', async () => {
    const { mailbox, close } = await tempMailbox();
    cleanup.push(close);
    const now = () => Date.UTC(2026, 10, 22, 8);
    const mem = new DirectoryService(new InMemoryDirectoryStore(), { now });
    const mbx = new DirectoryService(new MailboxDirectoryStore(mailbox), { now });
    const { bytes, surnames } = syntheticCsv(3000);
    for (const d of [mem, mbx]) {
      await d.open();
      expect((await d.importCsv('synth', 'Synthétique', bytes)).entries).toBe(3000);
      for (let i = 0; i < 60; i++) await d.recordCorrespondent(`corr.c${i}@medical75.apicrypt.org`, `${['Marie', 'Paul'][i % 2]} ${surnames[i * 11]!}`, i % 7 === 0);
    }
    const rnd = prng(9);
    const queries = ['m', 'ma', 'mar', 'martin', 'martin paris', 'mar lyon', 'dupont jean', 'le gall', 'legall', 'gall', 'da silva', 'noel',
      'cardio', 'cardio paris', 'infirm saint', 'etienne', '42', '13500', 'hel', 'marie', 'paul m', 'sage femme', 'corr', 'zzz', '1000000001'];
    for (let i = 0; i < 60; i++) {
      const sn = surnames[Math.floor(rnd() * surnames.length)]!.toLowerCase();
      queries.push(i % 3 === 0 ? sn.slice(0, 2) : i % 3 === 1 ? `${sn.slice(0, 3)} ${['paris', 'lyon', 'ma'][i % 3]}` : sn);
    }
    let compared = 0;
    for (const q of queries) {
      for (const limit of [1, 5, 20]) {
        const a = await mem.search(q, { limit });
        const b = await mbx.search(q, { limit });
        // Same scores in the same order: the mailbox store missed no better entry.
        expect(b.map((c) => c.score), `${q} (${limit})`).toEqual(a.map((c) => c.score));
        // One word found in surnames: the same names too (ties alphabetical over the whole directory).
        // Otherwise bm25 picks the candidates: among more equal scores than shown, other names may show.
        const toks = queryTokens(q);
        const bySurname = (c: (typeof a)[number]) => queryTokens(c.surname ?? c.displayName).some((w) => w.startsWith(toks[0]!) || toks[0] === w);
        if (toks.length === 1 && a.every(bySurname)) expect(b.map((c) => c.displayName), `${q} (${limit})`).toEqual(a.map((c) => c.displayName));
        compared += a.length;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    // The tokens the store receives are the service's; anything else is refused, not interpolated into MATCH.
    expect(await mailbox.directorySearch(['a"b'], 5)).toEqual([]);
    expect(await mailbox.directorySearch(queryTokens('Ma'), 3)).toHaveLength(3);
  });

  it('replaces a re-imported source in one transaction and keeps the correspondents index apart', async () => {
    const { mailbox, close } = await tempMailbox();
    cleanup.push(close);
    const dir = new DirectoryService(new MailboxDirectoryStore(mailbox));
    await dir.open();
    const { bytes } = syntheticCsv(500);
    await dir.importCsv('a', 'A', bytes);
    await dir.importCsv('a', 'A', bytes);
    expect(await mailbox.directoryListEntries('file:a')).toHaveLength(500);
    expect(await recordCorrespondents(mailbox, [{ address: 'paul.DURAND@medical75.apicrypt.org', name: 'Dr Paul DURAND' }, { address: 'pas une adresse' }, { address: '' }])).toBe(1);
    expect(await recordCorrespondents(mailbox, [{ address: 'Paul.Durand@medical75.apicrypt.org' }])).toBe(1);
    const [paul] = await dir.search('durand paul');
    expect(paul).toMatchObject({ correspondent: true, displayName: 'DURAND Paul' });
    expect(await mailbox.directoryGetEntry('correspondents', 'mail:paul.durand@medical75.apicrypt.org')).toMatchObject({ uses: 2, surname: 'DURAND' });
    expect((await mailbox.directoryListSources()).map((s) => [s.id, s.kind, s.entries])).toEqual([['correspondents', 'correspondents', 1], ['file:a', 'file', 500]]);
    await dir.removeSource('file:a');
    expect(await mailbox.directoryListEntries('file:a')).toEqual([]);
    expect(await dir.search('m')).toEqual([]);
    expect((await dir.search('d')).map((c) => c.displayName)).toEqual(['DURAND Paul']);
  });
});

describe('directory migration', () => {
  it('adds « Bloqués » to an older mailbox, taking over a user folder of that name with its letters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pli-directory-migration-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'mailbox.db');
    copyFileSync(join(import.meta.dirname, '../fixtures/mailbox/v3.db'), file);
    const key = Buffer.from(FIXTURE_KEY_HEX, 'hex');
    const old = openDatabase(file, key, { migrate: false });
    const folderId = Number(old.prepare("INSERT INTO folders (kind, name, position, created_at) VALUES ('user', 'Bloqués', 0, 0)").run().lastInsertRowid);
    const letterId = (old.prepare('SELECT id FROM letters LIMIT 1').get() as { id: number }).id;
    old.prepare('UPDATE letters SET folder_id = ? WHERE id = ?').run(folderId, letterId);
    const before = (old.prepare('SELECT count(*) AS n FROM letters').get() as { n: number }).n;
    old.close();
    const mb = await openMailbox({ file, key });
    cleanup.push(() => mb.close());
    const blocked = (await mb.listFolders()).filter((f) => f.role === 'blocked');
    expect(blocked).toMatchObject([{ id: folderId, kind: 'system', name: 'Bloqués', total: 1 }]);
    expect(await mb.countLetters()).toBe(before);
    expect(await mb.directoryListBlocked()).toEqual([]);
  });
});

describe('directory commands on a real host', () => {
  async function openHost(): Promise<{ host: Host; h: Handlers; dir: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'pli-directory-host-'));
    const host = new Host({ profileDir: join(dir, 'profile'), version: '0', shell: 'test', resourcesDir: 'resources' });
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => host.close());
    const r = await host.invoke('profile.create', { password: 'Annuaire-Cabinet-2026', confirmation: 'Annuaire-Cabinet-2026' });
    expect(r.ok).toBe(true);
    return { host, h: directoryHandlers(host) as Handlers, dir };
  }

  it('blocks a sender: letters go to « Bloqués », kept; unblocking brings them back to Réception', async () => {
    const { host, h } = await openHost();
    const mb = host.sessions.get().mailbox;
    const folders = await mb.listFolders();
    expect(folders.find((f) => f.role === 'blocked')).toMatchObject({ kind: 'system', name: 'Bloqués' });
    const user = await mb.createFolder('Cardiologie');
    let n = 0;
    const letter = (sender: string, folder: LetterInput['folder']): LetterInput => ({ kind: 'plain', folder, sender, subject: `Courrier ${++n}`, text: 'Compte rendu.', raw: Buffer.from(`lettre ${n}`), receivedAt: Date.UTC(2026, 10, 1) + n });
    const spam = 'Spam.PUB@medical13.apicrypt.org';
    await mb.insertLetters([
      letter(spam, 'reception'), letter(spam, 'reception'), letter(spam, 'archive'), letter(spam, user), letter(spam, 'trash'), letter(spam, 'review'),
      letter('jean.DUPONT@medical75.apicrypt.org', 'reception'),
    ]);
    const before = await mb.countLetters();
    expect(await h['directory.block']({ address: ' spam.pub@Medical13.apicrypt.org ', reason: 'unwanted', notify: true })).toEqual({ moved: 4 });
    expect(await mb.countLetters('blocked')).toBe(4);
    expect(await mb.countLetters('reception')).toBe(1);
    expect(await mb.countLetters('trash')).toBe(1);
    expect(await mb.countLetters('review')).toBe(1);
    expect(await mb.countLetters()).toBe(before);
    const view = await host.invoke('folders.list', {});
    expect(view.ok && (view.result as { folders: Array<{ kind: string; name: string; total: number }> }).folders.find((f) => f.kind === 'blocked')).toMatchObject({ name: 'Bloqués', total: 4 });
    expect(await h['directory.blocked']({})).toEqual({ senders: [{ address: 'spam.pub@medical13.apicrypt.org', reason: 'unwanted', notify: true, since: expect.any(String) }] });
    // Blocking again moves nothing more; the block list is in the mailbox, not in memory only.
    expect(await h['directory.block']({ address: spam, reason: 'other', note: 'Publicité', notify: false })).toEqual({ moved: 0 });
    expect(await mb.directoryListBlocked()).toMatchObject([{ key: 'spam.pub@medical13.apicrypt.org', reason: 'other', note: 'Publicité', notify: false }]);

    expect(await h['directory.unblock']({ address: 'SPAM.pub@medical13.apicrypt.org' })).toEqual({ moved: 4 });
    expect(await mb.countLetters('blocked')).toBe(0);
    expect(await mb.countLetters('reception')).toBe(5);
    expect(await mb.countLetters()).toBe(before);
    expect(await h['directory.blocked']({})).toEqual({ senders: [] });
    expect(await h['directory.unblock']({ address: spam })).toEqual({ moved: 0 });
  });

  it('imports and re-imports a CSV file, searches with blocked flags, exports correspondents', async () => {
    const { host, h, dir } = await openHost();
    const mb = host.sessions.get().mailbox;
    const path = join(FIX, 'annuaire-utf8-bom-pointvirgule.csv');
    const first = await h['directory.importCsv']({ path });
    expect(first).toMatchObject({ imported: 5, replaced: 0, skipped: 1 });
    expect(first.warnings.some((w) => /^Ligne 7 : adresse ignorée/.test(w))).toBe(true);
    expect(await h['directory.importCsv']({ path })).toMatchObject({ imported: 5, replaced: 5 });
    expect(await mb.directoryListEntries('file:annuaire-utf8-bom-pointvirgule')).toHaveLength(5);
    await expect(h['directory.importCsv']({ path: join(dir, 'absent.csv') })).rejects.toMatchObject({ code: 'file_unreadable' });

    await recordCorrespondents(mb, [{ address: 'jean.DUPONT@medical75.apicrypt.org', name: 'Jean DUPONT' }, { address: 'x.AUTRE@medical13.apicrypt.org' }]);
    await h['directory.block']({ address: 'x.AUTRE@medical13.apicrypt.org', reason: 'format', notify: false });
    const { entries } = await h['directory.search']({ query: 'dupont', limit: 20 });
    expect(entries[0]).toMatchObject({ displayName: 'DUPONT Jean', addresses: ['jean.DUPONT@medical75.apicrypt.org', 'jean.dupont@medecin.mssante.fr'], blocked: false, specialty: 'Médecine générale' });
    expect([...entries[0]!.sources].sort()).toEqual(['correspondents', 'file']);
    expect((await h['directory.search']({ query: 'autre', limit: 5 })).entries).toMatchObject([{ blocked: true, sources: ['correspondents'] }]);
    // Responses match the contract (host.invoke checks them once the group is registered in host.ts).
    for (const [cmd, req] of [['directory.search', { query: 'beranger nice', limit: 20 }], ['directory.blocked', {}]] as const) {
      const out = await (h[cmd] as (r: unknown) => Promise<unknown>)(req);
      expect(commands[cmd].response.safeParse(out).success, cmd).toBe(true);
    }

    const out = join(dir, 'correspondants.csv');
    expect(await h['directory.exportCsv']({ path: out })).toEqual({ count: 2 });
    const rows = parseCsv(decodeText(new Uint8Array(readFileSync(out))).text, ';');
    expect(rows.slice(1).map((r) => [r[2], r[11]])).toEqual([['jean.DUPONT@medical75.apicrypt.org', ''], ['x.AUTRE@medical13.apicrypt.org', 'Format des messages inadapté']]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await expect(h['directory.exportCsv']({ path: join(dir, 'absent', 'x.csv') })).rejects.toMatchObject({ code: 'file_unwritable' });
    expect(existsSync(join(dir, 'absent'))).toBe(false);
  });

  it('saves LDAP settings with the password kept in the mailbox only, refreshes the offline copy from slapd', async () => {
    const env = testEnv();
    const { host, h } = await openHost();
    const mb = host.sessions.get().mailbox;
    await expect(h['directory.ldapRefresh']({})).rejects.toMatchObject({ code: 'directory_ldap_missing' });
    await expect(h['directory.ldapSave']({ settings: { url: 'http://annuaire', baseDn: env.ldap.baseDn, startTls: false } })).rejects.toMatchObject({ code: 'ldap_bad_url' });

    const secret = 'mauvais-MotDePasse-42';
    await h['directory.ldapSave']({ settings: { url: env.ldap.url, baseDn: env.ldap.baseDn, bindDn: env.ldap.bindDn, startTls: false }, password: secret });
    const wrong = await Promise.resolve(h['directory.ldapRefresh']({})).then(() => undefined, (e: unknown) => e);
    expect(wrong).toBeInstanceOf(PliError);
    expect((wrong as PliError).code).toBe('ldap_invalid_credentials');
    expect(JSON.stringify((wrong as PliError).toWire())).not.toContain(secret);

    await h['directory.ldapSave']({ settings: { url: env.ldap.url, baseDn: env.ldap.baseDn, bindDn: env.ldap.bindDn, startTls: true, caPem: env.tls.caCertPem }, password: env.ldap.bindPassword });
    expect(await mb.getSetting('directory.ldap')).toEqual({ url: env.ldap.url, baseDn: env.ldap.baseDn, bindDn: env.ldap.bindDn, startTls: true, caPem: env.tls.caCertPem });
    // Saving again without a password keeps the stored one.
    await h['directory.ldapSave']({ settings: { url: env.ldap.url, baseDn: env.ldap.baseDn, bindDn: env.ldap.bindDn, startTls: true, caPem: env.tls.caCertPem } });
    expect(await h['directory.ldapRefresh']({})).toEqual({ entries: env.ldap.entries });
    expect((await mb.directoryListSources()).find((s) => s.kind === 'ldap')).toMatchObject({ entries: env.ldap.entries });
    const { entries } = await h['directory.search']({ query: 'cardio lyon', limit: 50 });
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.specialty === 'Cardiologie' && e.city === 'Lyon' && e.sources.includes('ldap'))).toBe(true);

    // Anonymous: the stored password is dropped.
    await h['directory.ldapSave']({ settings: { url: env.ldap.url, baseDn: env.ldap.baseDn, startTls: false } });
    expect(await mb.getSetting('directory.ldap.password')).toBeNull();
    await host.close();
    const logs = readdirSync(join(host.profileDir, 'logs')).map((f) => readFileSync(join(host.profileDir, 'logs', f), 'utf8')).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(secret);
    expect(logs).not.toContain(env.ldap.bindPassword);
  });
});
