// Flat-file directories through the DirectoryService (fixtures in several charsets and delimiters),
// re-imports, correspondents, block list and export. No server needed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeText, parseCsv } from '../../src/core/directory';
import { DirectoryService, type DirectoryStore } from '../../src/host/directory';
import { DIRECTORY_STORES } from './directory-mailbox-support';

const FIX = join(import.meta.dirname, '../fixtures/directory');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIX, name)));

// Every test runs over the in-memory store and over the mailbox tables (FTS5 in the store worker).
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});
async function makeStore(kind: (typeof DIRECTORY_STORES)[number]): Promise<DirectoryStore> {
  const { store, close } = await kind.create();
  closers.push(close);
  return store;
}

describe.each(DIRECTORY_STORES)('flat-file directories ($name)', (kind) => {
  let store: DirectoryStore;
  let dir: DirectoryService;
  beforeEach(async () => {
    store = await makeStore(kind);
    dir = new DirectoryService(store, { now: () => Date.UTC(2026, 10, 22, 8) });
    await dir.open();
  });

  it('imports UTF-8 with BOM, `;`, quoted fields holding `;`, quotes and line breaks', async () => {
    const r = await dir.importCsv('ordre', 'Annuaire de l’Ordre', fixture('annuaire-utf8-bom-pointvirgule.csv'));
    expect(r).toMatchObject({ charset: 'utf-8-bom', delimiter: ';', rows: 6, entries: 5, duplicates: 0 });
    expect(r.columns).toMatchObject({ surname: 'Nom', givenName: 'Prénom', apicrypt: 'Adresse APICRYPT', mssante: 'Adresse MSSanté', rpps: 'RPPS', street: 'Adresse' });
    expect(r.skipped.map((s) => s.row)).toEqual([6]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.message_fr).toMatch(/^Ligne 7 : adresse ignorée/);
    const [h] = await dir.search('beranger nice');
    expect(h).toMatchObject({
      displayName: 'BÉRANGER Hélène', street: 'Résidence « Les Pins »; bât. B, 3 allée des Cèdres', postalCode: '06000', phone: '04 93 00 00 01',
      addresses: [{ address: 'helene.BERANGER@medical06.apicrypt.org', kind: 'apicrypt' }],
    });
    const [f] = await dir.search("l'hermitte");
    expect(f).toMatchObject({ street: '1 rue "Pasteur"', addresses: [{ address: 'francois.lhermitte@pharmacien.mssante.fr', kind: 'mssante' }] });
    // The row whose only address was malformed is kept for its RPPS, without the address.
    const [m] = await dir.search('mauvaise');
    expect(m).toMatchObject({ rpps: '10000000033', addresses: [] });
  });

  it('imports Windows-1252 with `,` and English headers', async () => {
    const r = await dir.importCsv('ght', 'GHT', fixture('annuaire-cp1252-virgule.csv'));
    expect(r).toMatchObject({ charset: 'windows-1252', delimiter: ',', entries: 4 });
    const [c] = await dir.search('chateau dijon');
    expect(c).toMatchObject({ displayName: 'CHÂTEAU Éric', profession: 'Sage-femme', specialty: 'Maïeutique', street: '3 bis, rue Pasteur' });
    const [g] = await dir.search('le gall');
    expect(g).toMatchObject({ street: '2, rue de l’Église', rpps: '10000000041', addresses: [{ address: 'yann.legall@ch-quimper.mssante.fr', kind: 'mssante' }] });
    const [a] = await dir.search('giraud');
    expect(a).toMatchObject({ adeli: '750000001' });
  });

  it('imports tab-separated UTF-8, UTF-16 (Excel « texte Unicode ») and `|` with CR line ends', async () => {
    const tab = await dir.importCsv('tab', 'Tab', fixture('annuaire-tabulation.txt'));
    expect(tab).toMatchObject({ charset: 'utf-8', delimiter: '\t', entries: 3 });
    const u16 = await dir.importCsv('u16', 'UTF-16', fixture('annuaire-utf16-excel.txt'));
    expect(u16).toMatchObject({ charset: 'utf-16le', delimiter: '\t', entries: 3 });
    const pipe = await dir.importCsv('pipe', 'Pipe', fixture('annuaire-barre.csv'));
    expect(pipe).toMatchObject({ charset: 'utf-8', delimiter: '|', entries: 2 });
    // Same people in two files: merged by address.
    const hits = await dir.search('da silva');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.sources.map((s) => s.source).sort()).toEqual(['file:tab', 'file:u16']);
    expect((await dir.search('orthophon rennes')).map((h) => h.displayName)).toEqual(['MOREAU Claire']);
  });

  it('re-imports: changed entries replaced, removed ones gone, nothing duplicated', async () => {
    const v1 = fixture('annuaire-utf8-bom-pointvirgule.csv');
    await dir.importCsv('ordre', 'Ordre', v1);
    await dir.importCsv('ordre', 'Ordre', v1);
    expect(await store.listEntries('file:ordre')).toHaveLength(5);
    const text = new TextDecoder().decode(v1).replace('12 rue des Tilleuls;75011;Paris', '4 place Bellecour;69002;Lyon').replace(/^NOËL-MARTIN.*$/m, '');
    const r = await dir.importCsv('ordre', 'Ordre', new TextEncoder().encode(text));
    expect(r.entries).toBe(4);
    expect(await store.listEntries('file:ordre')).toHaveLength(4);
    const dupont = await dir.search('dupont');
    expect(dupont).toHaveLength(1);
    expect(dupont[0]).toMatchObject({ city: 'Lyon', postalCode: '69002' });
    expect(await dir.search('noel')).toEqual([]);
    expect(await dir.search('dupont paris')).toEqual([]);
    const [src] = await store.listSources();
    expect(src).toMatchObject({ id: 'file:ordre', kind: 'file', entries: 4 });
  });

  it('learns correspondents, boosts them, flags proxy users and exports them', async () => {
    await dir.importCsv('ordre', 'Ordre', fixture('annuaire-utf8-bom-pointvirgule.csv'));
    expect((await dir.search('d')).map((h) => h.displayName)[0]).toBe('DUPONT Jean');
    await dir.recordCorrespondent('Paul.DURAND@medical75.apicrypt.org', 'Dr Paul DURAND');
    await dir.recordCorrespondent('paul.DURAND@Medical75.apicrypt.org');
    await dir.recordCorrespondent('secretariat.cardio@chu-exemple.mssante.fr', 'Secrétariat CARDIOLOGIE', true);
    expect(await dir.recordCorrespondent('pas une adresse')).toBeUndefined();
    expect((await dir.search('d')).map((h) => h.displayName)[0]).toBe('DURAND Paul');
    // A correspondent that is also in the directory: one contact, flagged.
    await dir.recordCorrespondent('jean.DUPONT@medical75.apicrypt.org', 'Jean DUPONT');
    const [j] = await dir.search('dupont');
    expect(j).toMatchObject({ correspondent: true, specialty: 'Médecine générale' });
    expect(j!.sources).toHaveLength(2);
    const [s] = await dir.search('cardiologie');
    expect(s).toMatchObject({ proxy: true, correspondent: true });
    const corr = await dir.correspondents();
    // The address as last written by the network, the name as last given.
    expect(corr.find((c) => c.surname === 'DURAND')).toMatchObject({ uses: 2, givenName: 'Paul', apicrypt: 'paul.DURAND@medical75.apicrypt.org' });

    await dir.block('secretariat.cardio@chu-exemple.mssante.fr', 'unwanted');
    const csv = decodeText(await dir.exportCorrespondents());
    expect(csv.charset).toBe('utf-8-bom');
    const rows = parseCsv(csv.text, ';');
    expect(rows[0]).toEqual(['Nom', 'Prénom', 'Adresse', 'Réseau', 'Utilisateur proxy', 'Profession', 'Spécialité', 'Ville', 'RPPS', 'Messages échangés', 'Dernier échange', 'Bloqué']);
    expect(rows.slice(1).map((r) => [r[0], r[2], r[3], r[4], r[9], r[11]])).toEqual([
      ['CARDIOLOGIE', 'secretariat.cardio@chu-exemple.mssante.fr', 'MSSanté', 'oui', '1', 'Messages non désirés'],
      ['DUPONT', 'jean.DUPONT@medical75.apicrypt.org', 'APICRYPT', 'non', '1', ''],
      ['DURAND', 'paul.DURAND@medical75.apicrypt.org', 'APICRYPT', 'non', '2', ''],
    ]);
    expect(csv.text.split('\r\n')[1]!.startsWith('"CARDIOLOGIE";"Secrétariat";')).toBe(true);
  });
});

describe.each(DIRECTORY_STORES)('block list ($name)', (kind) => {
  it('blocks with a reason, says which letters to move, survives a restart, unblocks', async () => {
    const store = await makeStore(kind);
    const dir = new DirectoryService(store, { now: () => Date.UTC(2026, 10, 22, 8) });
    await dir.open();
    expect(dir.isBlocked('spam.PUB@medical13.apicrypt.org')).toBe(false);
    const r = await dir.block(' Spam.PUB@Medical13.apicrypt.org ', 'format', { notify: true });
    expect(r.blocked).toMatchObject({ address: 'Spam.PUB@medical13.apicrypt.org', reason: 'format', notify: true, since: '2026-11-22T08:00:00.000Z' });
    expect(r.move).toEqual({ senderKey: 'spam.pub@medical13.apicrypt.org', from: 'received', to: 'Bloqués' });
    expect(dir.isBlocked('spam.pub@MEDICAL13.apicrypt.org')).toBe(true);
    expect(dir.isBlocked('autre.PERSONNE@medical13.apicrypt.org')).toBe(false);
    expect(dir.blockNotice('spam.PUB@medical13.apicrypt.org', 'Dr Jean DUPONT')).toMatch(/Dr Jean DUPONT a bloqué[\s\S]*Motif : Format des messages inadapté\./);
    await dir.block('x@exemple.fr', 'other', { note: 'Adressez vos résultats au secrétariat' });
    expect(dir.blockNotice('x@exemple.fr')).toBeUndefined();
    await expect(dir.block('y@exemple.fr', 'nope' as never)).rejects.toThrow(/Format des messages inadapté, Messages non désirés, Autre motif/);

    // A new service over the same store (restart) knows the block list.
    const again = new DirectoryService(store);
    await again.open();
    expect(again.listBlocked().map((b) => [b.address, b.reason, b.note])).toEqual([
      ['Spam.PUB@medical13.apicrypt.org', 'format', undefined],
      ['x@exemple.fr', 'other', 'Adressez vos résultats au secrétariat'],
    ]);
    const u = await again.unblock('spam.pub@medical13.apicrypt.org');
    expect(u?.move).toEqual({ senderKey: 'spam.pub@medical13.apicrypt.org', from: 'Bloqués', to: 'inbox' });
    expect(again.isBlocked('Spam.PUB@medical13.apicrypt.org')).toBe(false);
    expect(await again.unblock('spam.pub@medical13.apicrypt.org')).toBeUndefined();
    expect((await store.listBlocked()).map((b) => b.key)).toEqual(['x@exemple.fr']);
  });
});
