import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PliError } from '../../shared/errors';
import { writeFileAtomic } from './atomic-file';

export const HEADER_FILE = 'mailbox.header.json';
export const DB_FILE = 'mailbox.db';

/** scrypt cost for the password slot: ~0.4 s and 128 MiB on a 2020 laptop, well under a second. */
export const PASSWORD_KDF = { N: 2 ** 17, r: 8, p: 1 } as const;
/** The recovery code already carries 150 random bits, so a lighter cost is enough for it. */
export const RECOVERY_KDF = { N: 2 ** 15, r: 8, p: 1 } as const;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const slotSchema = z.object({
  kdf: z.object({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: b64 }),
  iv: b64,
  tag: b64,
  wrapped: b64,
});
export type KeySlot = z.infer<typeof slotSchema>;

const headerSchema = z.object({
  format: z.literal('pli-mailbox-header'),
  version: z.literal(1),
  /** Written by Pli before AEGIS (`sqlcipher4`); the database file itself tells its cipher (page-cipher.ts). */
  cipher: z.literal('sqlcipher4').optional(),
  createdAt: z.string(),
  passwordChangedAt: z.string(),
  slots: z.object({ password: slotSchema, recovery: slotSchema.optional() }),
  /** Group practice: the persons' own slots over the same key (validated by people.ts). */
  people: z.unknown().optional(),
});
export type MailboxHeader = z.infer<typeof headerSchema>;
export type SlotName = 'password' | 'recovery';
/** What a wrapped key is bound to: a header slot, or one person of a group practice. */
export type WrapSlot = SlotName | `person:${string}`;

export function headerPath(dir: string): string {
  return join(dir, HEADER_FILE);
}

export function readHeader(dir: string): MailboxHeader {
  const file = headerPath(dir);
  if (!existsSync(file)) {
    throw new PliError('profile_missing', 'Aucune messagerie Pli n’existe dans ce dossier : créez d’abord un mot de passe.');
  }
  return parseHeader(readFileSync(file, 'utf8'));
}

export function parseHeader(text: string): MailboxHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const r = headerSchema.safeParse(parsed);
  if (!r.success) {
    throw new PliError(
      'header_corrupt',
      'L’en-tête de la messagerie (mailbox.header.json) est illisible. Restaurez une sauvegarde de Pli.',
    );
  }
  return r.data;
}

export function writeHeader(dir: string, header: MailboxHeader): void {
  writeFileAtomic(headerPath(dir), JSON.stringify(header, null, 2) + '\n');
}

function deriveKey(secret: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem: 128·N·r bytes are needed; leave headroom so that Node does not refuse the parameters.
  const maxmem = 256 * p.N * p.r;
  return new Promise((resolve, reject) =>
    scrypt(secret.normalize('NFC'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

function aad(slot: WrapSlot): Buffer {
  // Binding the slot name stops a wrapped key from being moved from one slot to the other.
  return Buffer.from(`pli-mailbox-header/1/${slot}`);
}

export async function wrapKey(
  dbKey: Buffer,
  secret: string,
  slot: WrapSlot,
  params: { N: number; r: number; p: number },
): Promise<KeySlot> {
  const salt = randomBytes(16);
  const kek = await deriveKey(secret, salt, params);
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(aad(slot));
  const wrapped = Buffer.concat([c.update(dbKey), c.final()]);
  kek.fill(0);
  return {
    kdf: { name: 'scrypt', ...params, salt: salt.toString('base64') },
    iv: iv.toString('base64'),
    tag: c.getAuthTag().toString('base64'),
    wrapped: wrapped.toString('base64'),
  };
}

/** The database key, or undefined when the secret is wrong (the GCM tag does not verify). */
export async function unwrapKey(s: KeySlot, secret: string, slot: WrapSlot): Promise<Buffer | undefined> {
  const kek = await deriveKey(secret, Buffer.from(s.kdf.salt, 'base64'), s.kdf);
  try {
    const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(s.iv, 'base64'));
    d.setAAD(aad(slot));
    d.setAuthTag(Buffer.from(s.tag, 'base64'));
    const key = Buffer.concat([d.update(Buffer.from(s.wrapped, 'base64')), d.final()]);
    return key.length === 32 ? key : undefined;
  } catch {
    return undefined;
  } finally {
    kek.fill(0);
  }
}
