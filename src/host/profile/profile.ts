import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PliError } from '../../shared/errors';
import { createMailboxDatabase } from '../store/db';
import {
  DB_FILE,
  PASSWORD_KDF,
  RECOVERY_KDF,
  headerPath,
  readHeader,
  unwrapKey,
  wrapKey,
  writeHeader,
  type MailboxHeader,
  type SlotName,
} from './header';
import { checkPasswordStrength } from './password-rules';
import { generateRecoveryCode, normalizeRecoveryCode } from './recovery-code';
import { delaySeconds, enforceDelay, recordFailure, resetFailures } from './unlock-failures';

export interface KdfCost {
  N: number;
  r: number;
  p: number;
}
/** Test-only knobs: lighter scrypt costs so that suites stay fast. Production passes nothing. */
export interface ProfileOptions {
  passwordKdf?: KdfCost;
  recoveryKdf?: KdfCost;
}

/**
 * First launch: a random 256-bit database key, wrapped by the password and by a recovery code shown
 * once to the user, then an empty encrypted mailbox with the current schema. Never overwrites anything.
 */
export async function createProfile(
  dir: string,
  password: string,
  opts: ProfileOptions = {},
): Promise<{ recoveryCode: string; dbKey: Buffer }> {
  checkPasswordStrength(password);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(headerPath(dir)) || existsSync(join(dir, DB_FILE))) {
    throw new PliError(
      'profile_exists',
      'Une messagerie Pli existe déjà dans ce dossier : déverrouillez-la avec son mot de passe.',
    );
  }
  const dbKey = randomBytes(32);
  const recoveryCode = generateRecoveryCode();
  const now = new Date().toISOString();
  const header: MailboxHeader = {
    format: 'pli-mailbox-header',
    version: 1,
    createdAt: now,
    passwordChangedAt: now,
    slots: {
      password: await wrapKey(dbKey, password, 'password', opts.passwordKdf ?? PASSWORD_KDF),
      recovery: await wrapKey(dbKey, normalizeRecoveryCode(recoveryCode), 'recovery', opts.recoveryKdf ?? RECOVERY_KDF),
    },
  };
  // The database first: a header without its database would later look like a lost mailbox.
  createMailboxDatabase(join(dir, DB_FILE), dbKey);
  writeHeader(dir, header);
  return { recoveryCode, dbKey };
}

async function tryUnwrap(dir: string, slot: SlotName, secret: string): Promise<{ header: MailboxHeader; dbKey: Buffer }> {
  const header = readHeader(dir);
  enforceDelay(dir);
  const s = header.slots[slot];
  const dbKey = s ? await unwrapKey(s, secret, slot) : undefined;
  if (!dbKey) {
    const failures = recordFailure(dir);
    const wait = delaySeconds(failures);
    const msg =
      slot === 'password'
        ? 'Mot de passe incorrect. Vérifiez la saisie (majuscules, clavier) ou utilisez votre code de secours.'
        : 'Code de secours incorrect. Vérifiez chaque groupe de caractères.';
    throw new PliError(slot === 'password' ? 'password_wrong' : 'recovery_code_wrong', msg, {
      failures,
      ...(wait > 0 ? { nextDelaySeconds: wait } : {}),
    });
  }
  resetFailures(dir);
  return { header, dbKey };
}

/** The database key for this password; 'password_wrong' or 'password_delay' otherwise. */
export async function unlock(dir: string, password: string): Promise<Buffer> {
  return (await tryUnwrap(dir, 'password', password)).dbKey;
}

/** Forgotten password: the recovery code unwraps the key and a new password replaces the old one. */
export async function unlockWithRecoveryCode(
  dir: string,
  code: string,
  newPassword: string,
  opts: ProfileOptions = {},
): Promise<Buffer> {
  checkPasswordStrength(newPassword);
  const { header, dbKey } = await tryUnwrap(dir, 'recovery', normalizeRecoveryCode(code));
  await rewrap(dir, header, dbKey, newPassword, opts);
  return dbKey;
}

/** Re-wraps the same database key: instant whatever the mailbox size; the old password stops working. */
export async function changePassword(
  dir: string,
  oldPassword: string,
  newPassword: string,
  opts: ProfileOptions = {},
): Promise<void> {
  checkPasswordStrength(newPassword);
  const { header, dbKey } = await tryUnwrap(dir, 'password', oldPassword);
  await rewrap(dir, header, dbKey, newPassword, opts);
  dbKey.fill(0);
}

async function rewrap(dir: string, header: MailboxHeader, dbKey: Buffer, password: string, opts: ProfileOptions) {
  const next: MailboxHeader = {
    ...header,
    passwordChangedAt: new Date().toISOString(),
    slots: { ...header.slots, password: await wrapKey(dbKey, password, 'password', opts.passwordKdf ?? PASSWORD_KDF) },
  };
  writeHeader(dir, next);
}

export function profileExists(dir: string): boolean {
  return existsSync(headerPath(dir));
}
