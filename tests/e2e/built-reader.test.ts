import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ReceiveKeys } from '../../src/host/mail/receive';
import { ReaderThread } from '../../src/host/mail/receive/reader-thread';
import { fullMedium, receivingProfile, removeTemps, ServerSealer } from '../integration/receive-support';
import { apicryptMail } from '../support/trusted-server/letters';

afterAll(removeTemps);

// The web shell's bundle reads large receive runs in the thread script emitted beside it: the script as
// built (no TypeScript loader) must start and read a letter.
describe('built letter-reading thread', () => {
  it('dist/web/reader-worker.js reads an APICRYPT letter', async () => {
    const script = join(process.cwd(), 'dist', 'web', 'reader-worker.js');
    if (!existsSync(script)) throw new Error('dist/web/reader-worker.js manque : lancez « node scripts/build.mjs --only=web,renderer » avant les tests e2e.');
    const { mailbox } = await receivingProfile(fullMedium('paul.MARTIN'));
    try {
      const keys = new ReceiveKeys(mailbox);
      const text = 'Compte rendu lu par le script construit.\n';
      const raw = apicryptMail({ from: 'jean.DUPONT@pli.test', to: ['paul.MARTIN@pli.test'], body: new ServerSealer('paul.MARTIN', 12000).seal(text), messageId: '<built-reader@pli.test>' });
      const reader = ReaderThread.start({ keys: await keys.snapshot() }, pathToFileURL(script));
      try {
        const [letter] = await reader.read([raw]);
        expect(letter).toMatchObject({ kind: 'apicrypt', folder: 'reception' });
        expect(Buffer.from(letter!.text as Uint8Array).toString('utf8')).toBe(text);
      } finally {
        await reader.close();
      }
    } finally {
      await mailbox.close();
    }
  });
});
