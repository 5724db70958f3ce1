/** Shared set-up of the group-practice tests: a fast profile, its mailbox, the practice and its letters. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProfile } from '../../src/host/profile';
import { openMailbox, type Mailbox } from '../../src/host/store';
import { savePractice } from '../../src/host/group';
import { PRACTICE } from '../fixtures/group/practice';
import type { GroupLetter } from '../fixtures/group/generate';

export const FAST = { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } };
export const PASSWORD = 'Cabinet-Tilleuls-2026!';

export interface GroupEnv {
  root: string;
  dir: string;
  mailbox: Mailbox;
  dbKey: Buffer;
  close(): Promise<void>;
}

export async function groupEnv(): Promise<GroupEnv> {
  const root = mkdtempSync(join(tmpdir(), 'pli-group-'));
  const dir = join(root, 'profil');
  const { dbKey } = await createProfile(dir, PASSWORD, FAST);
  const mailbox = await openMailbox({ file: join(dir, 'mailbox.db'), key: dbKey });
  await savePractice(mailbox, PRACTICE);
  return {
    root,
    dir,
    mailbox,
    dbKey,
    async close() {
      await mailbox.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Stores the letters in Réception as the receive pipeline would; returns letter id per fixture id. */
export async function storeLetters(mailbox: Mailbox, letters: readonly GroupLetter[]): Promise<Map<string, number>> {
  const r = await mailbox.insertLetters(
    letters.map((l, i) => ({
      kind: 'apicrypt',
      folder: 'reception' as const,
      payload: l.bytes,
      text: l.id,
      subject: 'Document concernant votre patient',
      sender: l.sender,
      recipients: l.addresses,
      receivedAt: 1_790_000_000_000 + i,
    })),
  );
  const ids = new Map<string, number>();
  letters.forEach((l, i) => ids.set(l.id, r.ids[i]!));
  return ids;
}
