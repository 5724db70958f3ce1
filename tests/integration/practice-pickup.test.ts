import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FilePickupJournal, OutgoingPickup, type OutgoingPickupOptions, type PickedLetter, type PickupEvent, type PickupOutcome } from '../../src/host/practice/index';
import { expectedAttachment, expectedDoc } from './practice-child';

const root = mkdtempSync(join(tmpdir(), 'pli-pickup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const now = () => new Date(2026, 10, 22);
const MONTH = '2026-11';

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(over: Partial<OutgoingPickupOptions> = {}, outcome: () => Promise<PickupOutcome> = async () => ({ status: 'queued' })) {
  const folder = join(root, `out-${n++}`);
  mkdirSync(folder);
  const journalPath = join(root, `pickup-${n++}.jsonl`);
  const journal = await FilePickupJournal.open(journalPath);
  const letters: PickedLetter[] = [];
  const events: PickupEvent[] = [];
  const pickup = new OutgoingPickup({
    folder,
    journal,
    onLetter: async (l) => {
      letters.push(l);
      return outcome();
    },
    onEvent: (e) => events.push(e),
    stableChecks: 3,
    checkIntervalMs: 40,
    pollIntervalMs: 50,
    rescanIntervalMs: 200,
    retryDelayMs: 100,
    now,
    ...over,
  });
  await pickup.start();
  return { folder, journal, journalPath, letters, events, pickup };
}

describe('outgoing pick-up', () => {
  it('a file written slowly in chunks is taken once, complete, then archived with its attachment', async () => {
    // 6 checks 40 ms apart: a quiet time of 240 ms, far above the writer's 50 ms pauses.
    const { folder, journal, letters, events, pickup } = await setup({ stableChecks: 6 });
    const full = expectedDoc(21);
    writeFileSync(join(folder, 'courrier.pdf'), expectedAttachment(21));
    const fd = openSync(join(folder, 'courrier.hpr'), 'w');
    for (let o = 0; o < full.length; o += Math.ceil(full.length / 8)) {
      writeSync(fd, full.subarray(o, o + Math.ceil(full.length / 8)));
      await sleep(50); // pauses shorter than the quiet time must never look "complete"
    }
    closeSync(fd);
    await waitFor(() => events.some((e) => e.type === 'picked'));
    await sleep(300);
    expect(letters).toHaveLength(1);
    expect(Buffer.from(letters[0]!.bytes).equals(full)).toBe(true);
    expect(letters[0]!.attachments.map((a) => a.name)).toEqual(['courrier.pdf']);
    expect(readdirSync(folder).sort()).toEqual(['archive']);
    expect(readFileSync(join(folder, 'archive', MONTH, 'courrier.hpr')).equals(full)).toBe(true);
    expect(existsSync(join(folder, 'archive', MONTH, 'courrier.pdf'))).toBe(true);
    expect(events.find((e) => e.type === 'picked')).toMatchObject({ status: 'queued', archivedAs: `archive/${MONTH}/courrier.hpr` });
    await pickup.stop();
    await journal.close();
  });

  it('.ok mode: taken only once the companion exists; the same file renamed is not resent', async () => {
    const { folder, journal, letters, events, pickup } = await setup({ okMode: 'required', usePolling: true });
    writeFileSync(join(folder, 'lettre1.txt'), expectedDoc(3));
    await sleep(400);
    expect(letters).toHaveLength(0);
    writeFileSync(join(folder, 'lettre1.ok'), '');
    await waitFor(() => events.some((e) => e.type === 'picked'));
    expect(existsSync(join(folder, 'archive', MONTH, 'lettre1.ok'))).toBe(true);
    // The practice software writes it again under another name: archived as a duplicate, not sent.
    copyFileSync(join(folder, 'archive', MONTH, 'lettre1.txt'), join(folder, 'lettre1-bis.txt'));
    writeFileSync(join(folder, 'lettre1-bis.ok'), '');
    await waitFor(() => events.some((e) => e.type === 'duplicate'));
    expect(letters).toHaveLength(1);
    expect(existsSync(join(folder, 'archive', MONTH, 'lettre1-bis.txt'))).toBe(true);
    // Same name, same content again: archived under a free name, never overwriting the first.
    copyFileSync(join(folder, 'archive', MONTH, 'lettre1.txt'), join(folder, 'lettre1.txt'));
    writeFileSync(join(folder, 'lettre1.ok'), '');
    await waitFor(() => events.filter((e) => e.type === 'duplicate').length === 2);
    expect(readdirSync(join(folder, 'archive', MONTH)).sort()).toEqual(
      ['lettre1-2.ok', 'lettre1-2.txt', 'lettre1-bis.ok', 'lettre1-bis.txt', 'lettre1.ok', 'lettre1.txt'],
    );
    expect(letters).toHaveLength(1);
    await pickup.stop();
    await journal.close();
  });

  it('an unresolved recipient is reported as a draft; a failed hand-over keeps the file and retries', async () => {
    let fail = true;
    const { folder, journal, letters, events, pickup } = await setup({}, async () => {
      if (fail) throw Object.assign(new Error('x'), { message_fr: 'Boîte indisponible.' });
      return { status: 'draft', reason_fr: 'Destinataire inconnu (ligne 12).' };
    });
    writeFileSync(join(folder, 'inconnu.hpr'), expectedDoc(8));
    await waitFor(() => events.some((e) => e.type === 'failed'));
    expect(existsSync(join(folder, 'inconnu.hpr'))).toBe(true);
    fail = false;
    await waitFor(() => events.some((e) => e.type === 'picked'));
    expect(events.find((e) => e.type === 'picked')).toMatchObject({ status: 'draft', reason_fr: 'Destinataire inconnu (ligne 12).' });
    expect(letters).toHaveLength(2);
    expect(existsSync(join(folder, 'archive', MONTH, 'inconnu.hpr'))).toBe(true);
    await pickup.stop();
    await journal.close();
  });

  it('ignores dot-folders, temporary names and the archive; files in them are never taken', async () => {
    const { folder, journal, letters, pickup } = await setup();
    mkdirSync(join(folder, '.cache'));
    writeFileSync(join(folder, '.cache', 'a.hpr'), expectedDoc(1));
    writeFileSync(join(folder, 'b.hpr.tmp'), expectedDoc(2));
    writeFileSync(join(folder, '.c.hpr'), expectedDoc(3));
    mkdirSync(join(folder, 'archive', '2020-01'), { recursive: true });
    writeFileSync(join(folder, 'archive', 'd.hpr'), expectedDoc(4));
    writeFileSync(join(folder, 'e.hpr'), expectedDoc(5));
    await waitFor(() => letters.length === 1);
    await sleep(300);
    expect(letters.map((l) => l.fileName)).toEqual(['e.hpr']);
    await pickup.stop();
    await journal.close();
  });

  it('after a crash during the hand-over the letter is not handed over again', async () => {
    const first = await setup({}, () => new Promise<PickupOutcome>(() => {})); // hangs: "killed" mid-call
    writeFileSync(join(first.folder, 'x.hpr'), expectedDoc(9));
    await waitFor(() => first.letters.length === 1);
    await first.pickup.stop();
    await first.journal.close();
    // Restart on the same folder and journal: the journal says 'started'.
    const journal = await FilePickupJournal.open(first.journalPath);
    const letters: PickedLetter[] = [];
    const events: PickupEvent[] = [];
    const mk = (resolveInterrupted?: OutgoingPickupOptions['resolveInterrupted']) =>
      new OutgoingPickup({
        folder: first.folder, journal, onLetter: async (l) => (letters.push(l), { status: 'queued' }), onEvent: (e) => events.push(e),
        stableChecks: 2, checkIntervalMs: 40, now, ...(resolveInterrupted ? { resolveInterrupted } : {}),
      });
    const second = mk();
    await second.start();
    await waitFor(() => events.some((e) => e.type === 'interrupted'));
    await sleep(200);
    expect(letters).toHaveLength(0);
    expect(existsSync(join(first.folder, 'x.hpr'))).toBe(true);
    await second.stop();
    // With the outbox's answer ("it was sent"), the file is archived, still without a second send.
    const third = mk(async (hash) => (hash === first.letters[0]!.hash ? 'sent' : 'unknown'));
    await third.start();
    await waitFor(() => events.some((e) => e.type === 'duplicate'));
    expect(letters).toHaveLength(0);
    expect(existsSync(join(first.folder, 'archive', MONTH, 'x.hpr'))).toBe(true);
    await third.stop();
    await journal.close();
  });
});
