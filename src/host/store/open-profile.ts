import { join } from 'node:path';
import type { Logger } from '../log/logger';
import { DB_FILE } from '../profile/header';
import { unlock } from '../profile/profile';
import { openMailbox, type Mailbox, type OpenMailboxOptions } from './mailbox';

/** Unlock with the password and open the profile's mailbox (the usual path for the app and the CLI). */
export async function openProfileMailbox(
  dir: string,
  password: string,
  opts: { logger?: Logger; workerUrl?: URL } & Pick<OpenMailboxOptions, 'slowMs'> = {},
): Promise<Mailbox> {
  const key = await unlock(dir, password);
  try {
    return await openMailbox({ ...opts, file: join(dir, DB_FILE), key });
  } finally {
    key.fill(0);
  }
}
