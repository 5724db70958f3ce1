/**
 * Builds the synthetic key media (see README.md). Deterministic: every byte comes from a SHA-256 counter
 * stream seeded by the file's role, so re-running reproduces the committed files exactly.
 * Run: node --import tsx keys-fixtures/generate.ts
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { keyFileName, writeKeyFile } from '../src/core/apicrypt';

export const FIXTURE_USERS = ['jean.DUPONT', 'paul.MARTIN', 'cabinet.LESTILLEULS'] as const;
export const FIXTURE_YEARS = [2026, 2025] as const;
export const PAD_SIZE = 256 * 1024;
const BROKEN_PAD = 1024;
const ROOT = dirname(fileURLToPath(import.meta.url));
/** Folders this script owns and rewrites whole. */
export const GENERATED_DIRS = ['media', 'server', 'broken'];

/** `length` pseudo-random bytes: SHA-256(seed || u32 counter) blocks. */
export function prng(seed: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const ctr = Buffer.alloc(4);
  for (let i = 0, o = 0; o < length; i++, o += 32) {
    ctr.writeUInt32BE(i);
    const block = createHash('sha256').update(`pli-fixtures/${seed}/`).update(ctr).digest();
    out.set(block.subarray(0, Math.min(32, length - o)), o);
  }
  return out;
}

function key(owner: string, year: number, padSize = PAD_SIZE): Uint8Array {
  return writeKeyFile({ owner, year, tag: '1000', pad: prng(`${owner}/${year}`, padSize) });
}

export interface BrokenCase {
  /** Folder under broken/, one bad key file inside. */
  case: string;
  file: string;
  code: string;
  legacyCode: number;
}

function brokenCases(): { meta: BrokenCase; bytes: Uint8Array }[] {
  const good = () => key('jean.DUPONT', 2026, BROKEN_PAD);
  const setU32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v);
  const cases: { meta: BrokenCase; bytes: Uint8Array }[] = [];
  const add = (name: string, file: string, code: string, legacyCode: number, bytes: Uint8Array) =>
    cases.push({ meta: { case: name, file, code, legacyCode }, bytes });
  let b = good();
  setU32(b, 0, 2);
  add('bad-version', 'jean.DUPONT.126', 'key_bad_version', -6, b);
  add('year-mismatch', 'jean.DUPONT.125', 'key_year_mismatch', -6, good());
  add('name-mismatch', 'paul.MARTIN.126', 'key_name_mismatch', -6, good());
  add('incomplete', 'jean.DUPONT.126', 'key_incomplete', -2000, good().slice(0, 224 + BROKEN_PAD / 2));
  add('header-truncated', 'jean.DUPONT.126', 'key_incomplete', -2000, good().slice(0, 100));
  b = new Uint8Array(224 + BROKEN_PAD + 16);
  b.set(good());
  add('too-long', 'jean.DUPONT.126', 'key_too_long', -2000, b);
  b = good();
  b[224 + 17]! ^= 0x40;
  add('crc-mismatch', 'jean.DUPONT.126', 'key_crc_mismatch', -3000, b);
  b = good();
  setU32(b, 44, 99);
  add('bad-header', 'jean.DUPONT.126', 'key_bad_header', -6, b);
  b = good();
  setU32(b, 92, BROKEN_PAD + 1);
  add('bad-pointer', 'jean.DUPONT.126', 'key_bad_pointer', -8, b);
  return cases;
}

/** Every generated file, by path relative to keys-fixtures/. */
export function buildFixtures(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const master = new Map(FIXTURE_YEARS.map((y) => [y, key('Master', y)]));
  for (const y of FIXTURE_YEARS) files.set(`server/Clefs/${keyFileName('Master', y)}`, master.get(y)!);
  for (const user of FIXTURE_USERS) {
    for (const y of FIXTURE_YEARS) {
      const k = key(user, y);
      // The network's Master is one file per year, the same on every medium (spec §1-2).
      files.set(`media/${user}/Clefs/${keyFileName('Master', y)}`, master.get(y)!);
      files.set(`media/${user}/Clefs/${keyFileName(user, y)}`, k);
      files.set(`server/Clefs/${keyFileName(user, y)}`, k);
    }
  }
  // A V2 key, which Pli lists as unsupported without failing.
  files.set('media/cabinet.LESTILLEULS/Clefs/cabinet.LESTILLEULS.aes', prng('aes', 512));
  const cases = brokenCases();
  for (const c of cases) files.set(`broken/${c.meta.case}/${c.meta.file}`, c.bytes);
  files.set('broken/cases.json', new TextEncoder().encode(JSON.stringify(cases.map((c) => c.meta), null, 2) + '\n'));
  return files;
}

function main(): void {
  for (const d of GENERATED_DIRS) rmSync(join(ROOT, d), { recursive: true, force: true });
  const files = buildFixtures();
  for (const [rel, bytes] of files) {
    mkdirSync(dirname(join(ROOT, rel)), { recursive: true });
    writeFileSync(join(ROOT, rel), bytes);
  }
  process.stdout.write(`keys-fixtures: ${files.size} fichiers écrits.\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
