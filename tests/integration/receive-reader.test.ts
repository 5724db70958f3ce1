import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { processMessage, ReceiveKeys } from '../../src/host/mail/receive';
import { ReaderThread, SharedReader } from '../../src/host/mail/receive/reader-thread';
import type { LetterInput } from '../../src/host/store/types';
import { apicryptMail } from '../support/trusted-server/letters';
import { fullMedium, partialMedium, receivingProfile, removeTemps, ServerSealer } from './receive-support';

afterAll(removeTemps);

/** A letter without its clock-dependent field and with its original bytes as a plain byte array. */
const comparable = ({ receivedAt: _r, raw, ...rest }: LetterInput) => ({ ...rest, raw: raw && new Uint8Array(raw) });

/** One data character of the armor changed for another of the alphabet: the checksum no longer matches. */
function damaged(armored: string): string {
  const at = armored.indexOf('\n', armored.indexOf('#BINASCII1#')) + 20;
  return armored.slice(0, at) + (armored[at] === '1' ? '2' : '1') + armored.slice(at + 1);
}

describe('letter-reading thread', () => {
  it('reads in its own thread exactly what the host thread reads, and returns the original bytes', async () => {
    const { mailbox } = await receivingProfile(fullMedium('paul.MARTIN'));
    try {
      const keys = new ReceiveKeys(mailbox);
      const sealer = new ServerSealer('paul.MARTIN', 9000);
      const text = 'PAT1\nLECTEUR\nAda\n\n\n\n21/01/1964\n\nDOS-1\n09/01/2026\nLAB1 Laboratoire\nDR1 Dr Test\nCompte rendu lu dans le fil de lecture.\n';
      const raws = [
        apicryptMail({ from: 'jean.DUPONT@pli.test', to: ['paul.MARTIN@pli.test'], body: sealer.seal(text), messageId: '<reader-1@pli.test>' }),
        Buffer.from('ceci n’est pas un courrier'),
        apicryptMail({ from: 'jean.DUPONT@pli.test', to: ['paul.MARTIN@pli.test'], body: damaged(sealer.seal(text)), messageId: '<reader-2@pli.test>' }),
      ];
      // The thread gives texts as UTF-8 bytes (handed over, never a string on the host thread).
      const here = await Promise.all(raws.map((r) => processMessage(r, { keys, textAsUtf8: true })));
      const reader = ReaderThread.start({ keys: await keys.snapshot() });
      try {
        const there = await reader.read(raws);
        expect(there.map(comparable)).toEqual(here.map(comparable));
        expect(there.map((l) => [l.kind, l.folder, l.review?.code ?? null])).toEqual([
          ['apicrypt', 'reception', null],
          ['plain', 'reception', null],
          ['apicrypt', 'review', 'armor_checksum'],
        ]);
        expect(there[0]!.text).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(there[0]!.text as Uint8Array).toString('utf8')).toBe(text);
        expect(Buffer.from(there[0]!.raw!).equals(raws[0]!)).toBe(true);
        // The caller's buffers are its own still (copies were transferred).
        expect(raws[0]!.length).toBeGreaterThan(0);

        // Handed over to the store: the same letter as the host thread's read, text included; the
        // buffers are the store thread's now (detached here).
        // Its dedup hash is the one of the text read as a string (letters stored before, or elsewhere).
        const asString = await processMessage(raws[0]!, { keys });
        expect(Buffer.from(there[0]!.contentHash!).equals(asString.contentHash!)).toBe(true);
        const [handed] = await mailbox.storeReceivedHandingOver([{ account: 'a', mailbox: 'INBOX', uid: '1', size: 1, letter: there[0]! }]);
        expect(handed!.inserted).toBe(true);
        expect(there[0]!.raw!.length).toBe(0);
        expect((there[0]!.text as Uint8Array).length).toBe(0);
        const stored = await mailbox.getLetter(handed!.letterId!);
        expect(stored?.text).toBe(text);
        expect(stored?.patient).toMatchObject({ surname: 'LECTEUR', firstName: 'Ada' });
        expect(Buffer.from(stored!.raw!).equals(raws[0]!)).toBe(true);
        expect((await mailbox.search('lecture')).items.map((l) => l.id)).toEqual([handed!.letterId]);
      } finally {
        await reader.close();
      }
      await expect(reader.read(raws)).rejects.toMatchObject({ code: 'internal' });
    } finally {
      await mailbox.close();
    }
  });

  it('keys imported after the snapshot are not seen by that thread: a new run takes a new snapshot', async () => {
    const { mailbox, keys: service } = await receivingProfile(partialMedium('paul.MARTIN', (f) => !f.endsWith('.126')));
    try {
      const keys = new ReceiveKeys(mailbox);
      const raw = apicryptMail({ from: 'jean.DUPONT@pli.test', to: ['paul.MARTIN@pli.test'], body: new ServerSealer('paul.MARTIN', 9000).seal('Texte.\n'), messageId: '<reader-3@pli.test>' });
      const before = ReaderThread.start({ keys: await keys.snapshot() });
      await service.importMedium(fullMedium('paul.MARTIN'));
      const after = ReaderThread.start({ keys: await keys.snapshot() });
      try {
        expect((await before.read([raw]))[0]!.folder).toBe('review');
        expect((await after.read([raw]))[0]!.folder).toBe('reception');
      } finally {
        await before.close();
        await after.close();
      }
    } finally {
      await mailbox.close();
    }
  });

  it('a kept thread reads each run with that run’s keys, lends itself to one run at a time, and ends when idle', async () => {
    const { mailbox, keys: service } = await receivingProfile(partialMedium('paul.MARTIN', (f) => !f.endsWith('.126')));
    const shared = new SharedReader({ idleMs: 300 });
    try {
      const keys = new ReceiveKeys(mailbox);
      const raw = apicryptMail({ from: 'jean.DUPONT@pli.test', to: ['paul.MARTIN@pli.test'], body: new ServerSealer('paul.MARTIN', 9000).seal('Texte.\n'), messageId: '<reader-5@pli.test>' });
      const first = shared.lend({ keys: await keys.snapshot() });
      expect((await first.reader.read([raw]))[0]!.folder).toBe('review');
      // Lent: another run at the same time gets a thread of its own, ended with that run.
      const meanwhile = shared.lend({ keys: await keys.snapshot() });
      expect(meanwhile.reader).not.toBe(first.reader);
      await meanwhile.giveBack();
      await expect(meanwhile.reader.read([raw])).rejects.toMatchObject({ code: 'internal' });
      await first.giveBack();

      await service.importMedium(fullMedium('paul.MARTIN'));
      const second = shared.lend({ keys: await keys.snapshot() });
      expect(second.reader).toBe(first.reader);
      expect((await second.reader.read([raw]))[0]!.folder).toBe('reception');
      await second.giveBack();
      // Idle past idleMs: ended, its keys with it; the next run starts a new one.
      await new Promise((r) => setTimeout(r, 600));
      expect(second.reader.usable).toBe(false);
      const third = shared.lend({ keys: await keys.snapshot() });
      expect(third.reader).not.toBe(second.reader);
      expect((await third.reader.read([raw]))[0]!.folder).toBe('reception');
      await third.giveBack();
    } finally {
      await shared.close();
      await mailbox.close();
    }
  });

  it('fails the reads in progress with a typed French error when the thread dies', async () => {
    const { mailbox } = await receivingProfile(fullMedium('paul.MARTIN'));
    try {
      const keys = new ReceiveKeys(mailbox);
      const raw = apicryptMail({ from: 'jean.DUPONT@pli.test', to: ['paul.MARTIN@pli.test'], body: new ServerSealer('paul.MARTIN', 15000).seal('Texte.\n'), messageId: '<reader-4@pli.test>' });
      const reader = ReaderThread.start({ keys: await keys.snapshot() });
      const pending = reader.read(Array.from({ length: 50 }, () => raw));
      // As if the thread crashed (out of memory, native fault) in the middle of the batch.
      await (reader as unknown as { worker: Worker }).worker.terminate();
      await expect(pending).rejects.toMatchObject({ code: 'internal', message_fr: expect.stringContaining('Relevez de nouveau') });
      await expect(reader.read([raw])).rejects.toMatchObject({ code: 'internal' });
      await reader.close();
    } finally {
      await mailbox.close();
    }
  });
});
