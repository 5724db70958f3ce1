import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { KeyService } from '../host/keys';
import { defaultProfileDir } from '../host/profile-dir';
import { openProfileMailbox } from '../host/store/open-profile';
import { PliError } from '../shared/errors';
import { optional, type ParsedFlags } from './args';
import type { CliIo } from './io';

/** The profile folder: `--profile DIR`, else PLI_PROFILE, else the app's usual place. */
export function profileDirOf(flags: ParsedFlags, io: CliIo): string {
  const p = optional(flags, 'profile');
  return p ? resolve(io.cwd, p) : defaultProfileDir();
}

/**
 * The mailbox password: PLI_PASSWORD for scripts, otherwise asked on the terminal without echo.
 * Never taken from the command line, where other users of the machine could read it.
 */
export async function askPassword(prompt = 'Mot de passe de la messagerie Pli : '): Promise<string> {
  const fromEnv = process.env.PLI_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new PliError('cli_password_missing', 'Mot de passe requis : lancez la commande dans un terminal, ou définissez PLI_PASSWORD.', { exitCode: 2 });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Mute the echo: readline writes through _writeToOutput, which we swallow after the prompt.
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write(prompt);
  out._writeToOutput = () => undefined;
  try {
    return await new Promise<string>((ok) => rl.question('', ok));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/**
 * Without -k the tools use the profile's key store and pad ledger (shared with the app: the mailbox's
 * write lock keeps the app and the CLI from ever reserving the same pad bytes).
 */
export async function withProfileKeys<T>(flags: ParsedFlags, io: CliIo, fn: (keys: KeyService) => Promise<T>): Promise<T> {
  const mailbox = await openProfileMailbox(profileDirOf(flags, io), await askPassword());
  try {
    return await fn(new KeyService(mailbox));
  } finally {
    await mailbox.close();
  }
}
