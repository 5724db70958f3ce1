// The letters' search index lives in its own database (mailbox.search.db), written by its own worker:
// these tests hold it to the mailbox — searches see what was just stored, deleted letters leave it, and
// an index that is missing, damaged or behind (a stop between the two commits) is repaired at open.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MailboxStore, openMailbox, type LetterInput } from '../../src/host/store';
import { searchIndexFile } from '../../src/host/store/search-index';
import { syntheticLetter } from '../fixtures/mailbox/synthetic';

const KEY = Buffer.alloc(32, 9);
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
function mailboxFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'pli-search-'));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return join(d, 'mailbox.db');
}

let seq = 0;
function letter(text: string, over: Partial<LetterInput> = {}): LetterInput {
  seq++;
  return {
    kind: 'hprim',
    folder: 'reception',
    raw: Buffer.from(`raw ${seq} ${Math.random()}`),
    subject: `Courrier ${seq}`,
    text,
    sender: 'dr.lemaire@medical.apicrypt.org',
    recipients: ['dr.dupont@medical.apicrypt.org'],
    receivedAt: Date.UTC(2026, 0, 1) + seq * 60_000,
    ...over,
  };
}

const subjects = (r: { items: { subject: string }[] }) => r.items.map((l) => l.subject);

describe('search index', () => {
  it('finds the letters stored just before the search, the index being written by its own worker', async () => {
    const file = mailboxFile();
    const mb = await openMailbox({ file, key: KEY, create: true });
    cleanup.push(() => mb.close());
    const batch = Array.from({ length: 1500 }, (_, i) => syntheticLetter(i, { seed: 3, patients: 200 }));
    batch.push(letter('Échographie abdominale : vésicule lithiasique.', { subject: 'Dernier arrivé' }));
    await mb.insertLetters(batch);
    // No wait between the two calls: the search waits for the index to hold what was stored.
    expect(subjects(await mb.search('lithiasique'))).toEqual(['Dernier arrivé']);
    expect(existsSync(searchIndexFile(file))).toBe(true);
  });

  it('rebuilds a missing or damaged index from the letters when the mailbox opens', async () => {
    const file = mailboxFile();
    let mb = await openMailbox({ file, key: KEY, create: true });
    await mb.insertLetters([letter('Ferritine basse, contrôle dans trois mois.', { subject: 'Bilan martial' }), letter('Rien à signaler.')]);
    await mb.close();

    rmSync(searchIndexFile(file));
    mb = await openMailbox({ file, key: KEY });
    expect(subjects(await mb.search('ferrit'))).toEqual(['Bilan martial']);
    await mb.close();

    writeFileSync(searchIndexFile(file), Buffer.alloc(8192, 0x5a));
    mb = await openMailbox({ file, key: KEY });
    try {
      expect(subjects(await mb.search('ferritine'))).toEqual(['Bilan martial']);
      expect(await mb.integrityCheck()).toEqual(['ok']);
    } finally {
      await mb.close();
    }
    // At rest: the two databases, no journal.
    expect(readdirSync(join(file, '..')).sort()).toEqual(['mailbox.db', 'mailbox.search.db']);
  });

  it('drops the entries of deleted letters: a letter that takes a deleted one’s number never matches its words', async () => {
    const file = mailboxFile();
    const mb = await openMailbox({ file, key: KEY, create: true });
    cleanup.push(() => mb.close());
    const first = await mb.insertLetters([letter('Suspicion de zona intercostal.', { subject: 'Zona' })]);
    await mb.trashLetters(first.ids as number[]);
    expect(await mb.emptyTrash()).toBe(1);
    const second = await mb.insertLetters([letter('Vaccination antigrippale faite.', { subject: 'Grippe' })]);
    // SQLite hands the freed number out again: the index must not answer for the letter that had it.
    expect(second.ids).toEqual(first.ids);
    expect(subjects(await mb.search('zona'))).toEqual([]);
    expect(subjects(await mb.search('antigrippale'))).toEqual(['Grippe']);
  });

  it('re-indexes a letter read again from « À vérifier », also when Pli stopped between the two commits', async () => {
    const file = mailboxFile();
    const mb = await openMailbox({ file, key: KEY, create: true });
    const r = await mb.insertLetters([
      letter('', { folder: 'review', subject: 'Courrier illisible', review: { code: 'key_missing', message_fr: 'Clef absente.' } }),
    ]);
    const id = r.ids[0]!;
    expect(await mb.resolveReview(id, letter('Troponine négative à H3.', { subject: 'Urgences' }))).toBe(true);
    expect(subjects(await mb.search('troponine'))).toEqual(['Urgences']);
    await mb.close();

    // A stop between the mailbox's commit and the index's: the text changed, the queue row is there,
    // the index still has the old words.
    const store = MailboxStore.open(file, KEY);
    store.db.prepare('UPDATE letter_bodies SET body = ? WHERE letter_id = ?').run('Procalcitonine élevée.', id);
    store.db.prepare('INSERT INTO search_pending (letter_id) VALUES (?)').run(id);
    store.close();

    const again = MailboxStore.open(file, KEY);
    try {
      expect(subjects(again.search('procalcitonine', {}, { limit: 10 }))).toEqual(['Urgences']);
      expect(subjects(again.search('troponine', {}, { limit: 10 }))).toEqual([]);
      expect(again.db.prepare('SELECT count(*) FROM search_pending').pluck().get()).toBe(0);
    } finally {
      again.close();
    }
  });
});
