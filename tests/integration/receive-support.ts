import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  armorLetter,
  encodeLetterPayload,
  keyFileName,
  letterComments,
  parseKeyFile,
  sealedLengths,
  sealLetter,
  type PadUse,
} from '../../src/core/apicrypt';
import { KeyService } from '../../src/host/keys';
import type { ReceiveAccount } from '../../src/host/mail/receive';
import { createProfile } from '../../src/host/profile';
import { openProfileMailbox, type Mailbox } from '../../src/host/store';
import type { Letter } from '../../src/host/store/types';
import type { TestEnv } from '../env/types';
import { apicryptMail, KEYS_FIXTURES, SERVER_KEYS_DIR } from '../support/trusted-server/letters';
import { lmtpDeliver } from '../support/trusted-server/lmtp-client';
import { GROUP_OWNERS, PROFILE_PASSWORD, TEST_KDF } from './receive-profile';

/** Helpers of the receive integration tests (receive*.test.ts and their child scripts). */

export { GROUP_OWNERS, PROFILE_PASSWORD, TEST_KDF } from './receive-profile';

const temps: string[] = [];
/** Removes the profiles and media the helpers made (call in afterAll, once their mailboxes are closed). */
export function removeTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A key medium folder holding only some of a user's key files (e.g. one year missing). */
export function partialMedium(login: string, keep: (file: string) => boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'pli-medium-'));
  temps.push(dir);
  mkdirSync(join(dir, 'Clefs'));
  const src = join(KEYS_FIXTURES, 'media', login, 'Clefs');
  for (const f of readdirSync(src)) if (keep(f)) copyFileSync(join(src, f), join(dir, 'Clefs', f));
  return dir;
}

export const fullMedium = (login: string) => join(KEYS_FIXTURES, 'media', login);

/** A fresh receiving profile (light KDF) with the given key medium imported. */
export async function receivingProfile(medium: string): Promise<{ dir: string; mailbox: Mailbox; keys: KeyService }> {
  const dir = mkdtempSync(join(tmpdir(), 'pli-recv-profile-'));
  temps.push(dir);
  await createProfile(dir, PROFILE_PASSWORD, TEST_KDF);
  const mailbox = await openProfileMailbox(dir, PROFILE_PASSWORD);
  const keys = new KeyService(mailbox, { groupOwners: GROUP_OWNERS });
  const report = await keys.importMedium(medium);
  if (report.imported.length === 0) throw new Error('no key imported from the test medium');
  return { dir, mailbox, keys };
}

export function accountFor(env: TestEnv, login: string, protocol: 'pop3' | 'imap', extra: Partial<ReceiveAccount> = {}): ReceiveAccount {
  const u = env.users.find((x) => x.login === login);
  if (!u) throw new Error(`no test user ${login}`);
  return {
    id: `${protocol}:${login}`,
    protocol,
    host: env.dovecot.host,
    port: protocol === 'pop3' ? env.dovecot.pop3Port : env.dovecot.imapPort,
    security: 'starttls',
    user: u.login,
    password: u.password,
    ...extra,
  };
}

/** Every letter of the mailbox (small test mailboxes only). */
export async function allLetters(mb: Mailbox): Promise<Letter[]> {
  const out: Letter[] = [];
  for (const f of await mb.listFolders()) {
    let after: string | undefined;
    do {
      const page = await mb.listFolder(f.id, after ? { limit: 500, after } : { limit: 500 });
      for (const s of page.items) out.push((await mb.getLetter(s.id))!);
      after = page.next;
    } while (after);
  }
  return out;
}

function serverKey(owner: string, year: number) {
  const name = keyFileName(owner, year);
  return parseKeyFile(new Uint8Array(readFileSync(join(SERVER_KEYS_DIR, 'Clefs', name))), name);
}

/**
 * Seals a letter as the trusted server does for `owner` (its server-side pads), at test-chosen offsets
 * inside [from, ...): for direct LMTP delivery to a test mailbox without going through the simulator.
 */
export class ServerSealer {
  private next: number;
  constructor(
    readonly owner: string,
    from: number,
    readonly year = 2026,
  ) {
    this.next = from;
  }

  seal(text: string, messageId?: string): string {
    const payload = encodeLetterPayload({ text, recipients: { to: [this.owner] }, mode: 'cp1252', ...(messageId ? { messageId } : {}) });
    const lens = sealedLengths(payload.length);
    const use = (o: string, length: number): PadUse => {
      const k = serverKey(o, this.year);
      const u: PadUse = { owner: k.owner, year: k.year, tag: k.tag, pad: k.pad, offset: this.next, counter: 1 };
      this.next += length;
      return u;
    };
    const master = use('Master', lens.master);
    const user = use(this.owner, lens.user);
    return armorLetter(sealLetter(payload, master, user), letterComments(master, user));
  }
}

/** Delivers an APICRYPT mail straight into a Dovecot mailbox (LMTP). */
export async function deliver(env: TestEnv, to: string, body: string, messageId: string): Promise<void> {
  const from = `jean.DUPONT@${env.domain}`;
  const mail = apicryptMail({ from, to: [to], body, messageId });
  const [r] = await lmtpDeliver({ host: env.dovecot.host, port: env.dovecot.lmtpPort, from, recipients: [to], message: mail });
  if (!r?.ok) throw new Error(`LMTP delivery refused: ${r?.reply}`);
}
