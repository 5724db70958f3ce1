// Shared by the keys integration tests and their child process: a throwaway profile with cheap KDF costs.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyFileName, parseKeyFile, type PadLookup } from '../../src/core/apicrypt';
import { createProfile } from '../../src/host/profile';
import { openProfileMailbox, type Mailbox } from '../../src/host/store';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'keys-fixtures');
export const MEDIA = join(FIXTURES, 'media');
export const SERVER_CLEFS = join(FIXTURES, 'server', 'Clefs');
export const PASSWORD = 'Ordonnance-Clefs-2026!';
const FAST = { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } };

const dirs: string[] = [];
/** A temporary folder, removed by cleanup() unless `keep` (then the caller removes it). */
export function tmp(prefix = 'pli-keys-', keep = false): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  if (!keep) dirs.push(d);
  return d;
}
export function cleanup(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh profile folder (created, closed); open it with openProfile. */
export async function newProfile(keep = false): Promise<string> {
  const dir = join(tmp('pli-keys-profile-', keep), 'profil');
  await createProfile(dir, PASSWORD, FAST);
  return dir;
}

export function openProfile(dir: string): Promise<Mailbox> {
  return openProfileMailbox(dir, PASSWORD);
}

/** A copy of a fixture medium (or of some of its files) in a temporary folder. */
export function copyMedium(login: string, only?: (file: string) => boolean): string {
  const root = tmp('pli-keys-medium-');
  const src = join(MEDIA, login, 'Clefs');
  cpSync(src, join(root, 'Clefs'), { recursive: true, filter: (s) => s === src || !only || only(s.split(/[\\/]/).pop()!) });
  return root;
}

/** The trusted server's view: every user key and Master, from keys-fixtures/server. */
export function serverLookup(): PadLookup {
  const pads = new Map<string, Uint8Array>();
  for (const f of readdirSync(SERVER_CLEFS)) {
    const k = parseKeyFile(readFileSync(join(SERVER_CLEFS, f)), f);
    pads.set(keyFileName(k.owner, k.year), k.pad);
  }
  return (owner, year) => pads.get(keyFileName(owner, year));
}
