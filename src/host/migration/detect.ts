import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseKeyFileName } from '../../core/apicrypt';
import { mapFolderName } from './folders';
import { isEml, isHprimFile, maildirFiles } from './sources';
import type { LegacySource } from './types';

export interface DetectOptions {
  /** The user's home folder. */
  home: string;
  /** Mounted removable media and folders the user pointed at: searched deeper. */
  extraRoots?: string[];
  platform?: NodeJS.Platform;
  /** Windows system drive root (default `C:\`), injectable for tests. */
  systemDrive?: string;
}

export interface Detection {
  sources: LegacySource[];
  /** Places looked at (for the user: "Pli a cherché dans ..."). */
  searched: string[];
}

const MAX_DEPTH = 4;
const NOISE = /^(\.|thumbs\.db$|desktop\.ini$|autorun\.inf$|\$recycle\.bin$|system volume information$)/i;

/**
 * Looks for what an old APICRYPT installation left: key folders (`C:\apicrypt\Clefs`, `~/apicrypt/Clefs`,
 * the documents, removable media), the legacy client's data folders (`Documents/ApimailV3/Utilisateur1`)
 * and mail stores in the roots given. Reads names and a few header bytes only.
 */
export async function detectLegacySources(options: DetectOptions): Promise<Detection> {
  const platform = options.platform ?? process.platform;
  const home = resolve(options.home);
  const docs = ['Documents', 'Mes documents', 'My Documents'].map((d) => join(home, d));
  const fixed: string[] = [join(home, 'apicrypt'), ...docs];
  if (platform === 'win32') fixed.unshift(join(options.systemDrive ?? 'C:\\', 'apicrypt'));
  const found: LegacySource[] = [];
  const searched: string[] = [];
  for (const root of fixed) {
    if (!(await isDir(root))) continue;
    searched.push(root);
    // Known places: key folders and the legacy client's folders, not every file of the documents.
    found.push(...(await scan(root, { depth: 3, shallow: true })));
  }
  for (const r of options.extraRoots ?? []) {
    const root = resolve(r);
    searched.push(root);
    found.push(...(await classifyPath(root)));
  }
  return { sources: dedupe(found), searched };
}

/** What a path the user named holds (a file or a folder, searched a few levels deep). */
export async function classifyPath(path: string): Promise<LegacySource[]> {
  const p = resolve(path);
  const s = await stat(p).catch(() => undefined);
  if (!s) return [];
  if (s.isFile()) {
    if (await isMbox(p)) return [{ kind: 'mbox', path: p, folder: mapFolderName(basename(p)), bytes: s.size }];
    return [];
  }
  // A folder inside the legacy client's (as detection reports its private store) is read as such.
  return dedupe(await scan(p, { depth: MAX_DEPTH, shallow: false }, /^apimail/i.test(basename(dirname(p)))));
}

async function scan(dir: string, o: { depth: number; shallow: boolean }, legacyClient = false): Promise<LegacySource[]> {
  const entries = (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((e) => !NOISE.test(e.name) || (e.name.startsWith('.') && e.isDirectory()))
    // Byte order: the same sources in the same order on every platform (reports compare across runs).
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Set(entries.map((e) => e.name));
  const out: LegacySource[] = [];
  const inClient = legacyClient || /^apimail/i.test(basename(dir));

  if (/^clefs$/i.test(basename(dir))) {
    const keys = entries.filter((e) => e.isFile() && parseKeyFileName(e.name) !== undefined);
    if (keys.length > 0) return [{ kind: 'keys', path: dir, bytes: await sizeOf(dir, keys.map((e) => e.name)), files: keys.length }];
  }
  if (names.has('cur') || names.has('new')) {
    const groups = await maildirFiles(dir);
    const files = groups.flatMap((g) => g.files);
    return [{ kind: 'maildir', path: dir, bytes: files.reduce((n, f) => n + f.size, 0), files: files.length }];
  }
  const files = entries.filter((e) => e.isFile());
  const claimed = new Set<string>();
  if (!o.shallow || inClient) {
    const emls = files.filter((e) => isEml(e.name));
    if (emls.length > 0) {
      out.push({ kind: 'eml', path: dir, folder: mapFolderName(basename(dir)), bytes: await sizeOf(dir, emls.map((e) => e.name)), files: emls.length });
      emls.forEach((e) => claimed.add(e.name));
    }
    const hprims = files.filter((e) => isHprimFile(e.name) && !claimed.has(e.name));
    const hprimOk: string[] = [];
    for (const e of hprims) if (await looksHprim(join(dir, e.name))) hprimOk.push(e.name);
    if (hprimOk.length > 0) {
      out.push({ kind: 'hprim', path: dir, folder: mapFolderName(basename(dir)), bytes: await sizeOf(dir, hprimOk), files: hprimOk.length });
      hprimOk.forEach((n) => claimed.add(n));
    }
    for (const e of files) {
      if (claimed.has(e.name)) continue;
      const f = join(dir, e.name);
      if (await isMbox(f)) {
        out.push({ kind: 'mbox', path: f, folder: mapFolderName(e.name), bytes: (await stat(f)).size });
        claimed.add(e.name);
      }
    }
  }
  if (inClient) {
    // The legacy client's own files that none of the open formats explains: its private store.
    const rest = files.filter((e) => !claimed.has(e.name) && !/\.(log|ini|cfg|bak)$/i.test(e.name));
    if (rest.length > 0) {
      const found = await Promise.all(rest.map(async (e) => ({ name: e.name, size: (await stat(join(dir, e.name))).size })));
      found.sort((a, b) => (a.name < b.name ? -1 : 1));
      out.push({ kind: 'legacy-store', path: dir, bytes: found.reduce((n, f) => n + f.size, 0), files: found.length, found });
    }
  }
  if (o.depth > 0) {
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      // In a shallow pass, only key folders and the legacy client's folders are entered.
      if (o.shallow && !inClient && !/^(clefs|apicrypt|apimail.*)$/i.test(e.name)) continue;
      out.push(...(await scan(join(dir, e.name), { depth: o.depth - 1, shallow: o.shallow }, inClient)));
    }
  }
  return out;
}

function dedupe(list: LegacySource[]): LegacySource[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const k = `${s.kind}\0${s.path}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() === true;
}

async function head(p: string, n: number): Promise<Buffer> {
  const h = await open(p, 'r').catch(() => undefined);
  if (!h) return Buffer.alloc(0);
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await h.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

async function isMbox(p: string): Promise<boolean> {
  const b = await head(p, 5);
  return b.toString('latin1') === 'From ';
}

/** An HPRIM Médecins export starts with a header of short text lines (no NUL bytes). */
async function looksHprim(p: string): Promise<boolean> {
  const b = await head(p, 512);
  if (b.length === 0 || b.includes(0)) return b[0] === 0xff && b[1] === 0xfe; // UTF-16LE with BOM is fine
  return true;
}

async function sizeOf(dir: string, names: string[]): Promise<number> {
  let n = 0;
  for (const name of names) n += (await stat(join(dir, name)).catch(() => undefined))?.size ?? 0;
  return n;
}
