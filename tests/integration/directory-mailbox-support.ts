// The directory stores the directory tests run over: in memory, and the mailbox tables (a fresh
// encrypted mailbox database in a temp folder, queried through the store worker).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryDirectoryStore, MailboxDirectoryStore, type DirectoryStore } from '../../src/host/directory';
import { openMailbox, type Mailbox } from '../../src/host/store';

export async function tempMailbox(): Promise<{ mailbox: Mailbox; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pli-directory-'));
  const mailbox = await openMailbox({ file: join(dir, 'mailbox.db'), key: randomBytes(32), create: true });
  return {
    mailbox,
    close: async () => {
      await mailbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const DIRECTORY_STORES = [
  { name: 'memory', create: async (): Promise<{ store: DirectoryStore; close: () => Promise<void> }> => ({ store: new InMemoryDirectoryStore(), close: async () => {} }) },
  {
    name: 'mailbox',
    create: async (): Promise<{ store: DirectoryStore; close: () => Promise<void> }> => {
      const { mailbox, close } = await tempMailbox();
      return { store: new MailboxDirectoryStore(mailbox), close };
    },
  },
] as const;
