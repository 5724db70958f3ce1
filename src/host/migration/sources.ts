import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { parseHprim, decodeHprimBytes } from '../../core/hprim';
import type { LetterOpener } from '../mail/receive';
import { hprimFields } from '../mail/receive';
import type { FolderRole } from '../store/schema';
import type { LetterInput } from '../store/types';
import { mapFolderName } from './folders';
import { readMbox } from './mbox';
import { messageToLetter, type Outcome } from './message';

/** One message or file of a source, in order, with the position to record once it is committed. */
export interface SourceItem {
  /** mbox: byte offset past the message; folders: number of files done. */
  position: number;
  /** Folders: the last file done (relative path); the listing is sorted, so a restart skips up to it. */
  positionName: string;
  bytes: number;
  load(): Promise<Outcome>;
}

/** Resolves a folder role or a user folder name to what LetterInput takes. */
export type FolderResolver = (f: FolderRole | { name: string }) => Promise<FolderRole | number>;

export interface ItemOptions {
  opener: LetterOpener;
  folderOf: FolderResolver;
  signal?: AbortSignal;
}

// ------------------------------------------------------------------ mbox

export async function* mboxItems(
  path: string,
  folder: FolderRole | { name: string },
  from: { position: number; count: number },
  o: ItemOptions,
): AsyncGenerator<SourceItem> {
  const target = await o.folderOf(folder);
  let n = from.count;
  for await (const m of readMbox(path, from.position, o.signal)) {
    n++;
    const where = `${basename(path)} message ${n}`;
    const fallbackDate = envelopeDate(m.envelope) ?? 0;
    yield {
      position: m.end,
      positionName: String(n),
      bytes: m.end - m.start,
      load: () => messageToLetter(m.bytes, { folder: target, fallbackDate, where }, o.opener),
    };
  }
}

/** "sender Mon Jan  5 10:00:00 2026" -> epoch ms. */
function envelopeDate(envelope: string): number | undefined {
  const m = /\s([A-Z][a-z]{2}\s+[A-Z][a-z]{2}\s+\d{1,2}\s+\d{1,2}:\d{2}(:\d{2})?\s+\d{4})\s*$/.exec(envelope);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]} UTC`);
  return Number.isFinite(t) ? t : undefined;
}

// ------------------------------------------------------------------ folders of files

interface FileEntry {
  rel: string;
  abs: string;
  size: number;
  mtime: number;
}

/** Byte-order sort: the same on every platform and locale, so a recorded name means the same place. */
function byName(a: FileEntry, b: FileEntry): number {
  return a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0;
}

async function filesIn(dir: string, accept: (name: string) => boolean, base = dir): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith('.') || !accept(e.name)) continue;
    const abs = join(dir, e.name);
    const s = await stat(abs).catch(() => undefined);
    if (!s) continue;
    out.push({ rel: relative(base, abs).split(sep).join('/'), abs, size: s.size, mtime: s.mtimeMs });
  }
  return out;
}

async function* fileItems(
  files: FileEntry[],
  from: { position: number; positionName: string },
  make: (f: FileEntry, index: number) => SourceItem['load'],
  signal?: AbortSignal,
): AsyncGenerator<SourceItem> {
  files.sort(byName);
  let done = from.position;
  for (const f of files) {
    if (from.positionName !== '' && f.rel <= from.positionName) continue;
    if (signal?.aborted) return;
    done++;
    yield { position: done, positionName: f.rel, bytes: f.size, load: make(f, done) };
  }
}

/** The messages of a Maildir (cur/ and new/, and Maildir++ sub-folders `.Name`): flag S means read. */
export async function maildirFiles(root: string): Promise<{ folder: FolderRole | { name: string }; files: FileEntry[] }[]> {
  const out: { folder: FolderRole | { name: string }; files: FileEntry[] }[] = [];
  const one = async (dir: string, folder: FolderRole | { name: string }) => {
    const files = [...(await filesIn(join(dir, 'cur'), () => true, root)), ...(await filesIn(join(dir, 'new'), () => true, root))];
    if (files.length > 0) out.push({ folder, files });
  };
  await one(root, 'reception');
  for (const e of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory() && e.name.startsWith('.') && e.name.length > 1) await one(join(root, e.name), mapFolderName(e.name.slice(1).replace(/\./g, '/')));
  }
  return out;
}

export async function* maildirItems(root: string, from: { position: number; positionName: string }, o: ItemOptions): AsyncGenerator<SourceItem> {
  const groups = await maildirFiles(root);
  const folderOfFile = new Map<string, FolderRole | number>();
  const all: FileEntry[] = [];
  for (const g of groups) {
    const target = await o.folderOf(g.folder);
    for (const f of g.files) {
      folderOfFile.set(f.rel, target);
      all.push(f);
    }
  }
  yield* fileItems(
    all,
    from,
    (f) => async () => {
      const inNew = /(^|\/)new\//.test(f.rel);
      const flags = /:2,([A-Za-z]*)$/.exec(f.rel)?.[1] ?? '';
      const bytes = await readFile(f.abs);
      return messageToLetter(bytes, { folder: folderOfFile.get(f.rel)!, read: !inNew && flags.includes('S'), fallbackDate: f.mtime, where: `Maildir ${f.rel}` }, o.opener);
    },
    o.signal,
  );
}

export const isEml = (name: string) => /\.(eml|msg822)$/i.test(name);

export async function* emlItems(
  dir: string,
  folder: FolderRole | { name: string },
  from: { position: number; positionName: string },
  o: ItemOptions,
): AsyncGenerator<SourceItem> {
  const target = await o.folderOf(folder);
  const files = await filesIn(dir, isEml);
  yield* fileItems(
    files,
    from,
    (f) => async () => messageToLetter(await readFile(f.abs), { folder: target, fallbackDate: f.mtime, where: `${basename(dir)}/${f.rel}` }, o.opener),
    o.signal,
  );
}

// ------------------------------------------------------------------ decrypted HPRIM exports

export const isHprimFile = (name: string) => /^resutext/i.test(name) || /\.(hpr|hpm|hprim|hps|txt)$/i.test(name);

export async function* hprimItems(
  dir: string,
  folder: FolderRole | { name: string },
  from: { position: number; positionName: string },
  o: ItemOptions,
): AsyncGenerator<SourceItem> {
  const target = await o.folderOf(folder);
  const files = await filesIn(dir, isHprimFile);
  yield* fileItems(
    files,
    from,
    (f) => async (): Promise<Outcome> => {
      const where = `${basename(dir)}/${f.rel}`;
      const bytes = await readFile(f.abs);
      const file = parseHprim(bytes);
      if (file.kind === 'unknown' || file.documents.length === 0 || !file.documents.some((d) => d.valid)) {
        return {
          type: 'unreadable',
          problem: { where, code: 'hprim_unreadable', message_fr: 'Ce fichier n’est pas un document HPRIM lisible (en-tête patient absent) : il a été ignoré.' },
        };
      }
      const fields = hprimFields(decodeHprimBytes(bytes).text);
      // The document's date stands for the reception date: file times are often those of a later copy.
      const letter: LetterInput = {
        kind: 'hprim',
        folder: target,
        payload: bytes,
        text: file.documents.map((d) => d.text).join('\n\n'),
        subject: 'Document importé de l’ancienne messagerie',
        receivedAt: fields.documentDate ? Date.parse(`${fields.documentDate}T12:00:00Z`) : Math.floor(f.mtime),
        read: true,
        contentHash: createHash('sha256').update('hprim-file\0').update(bytes).digest(),
      };
      if (fields.patient) letter.patient = fields.patient;
      if (fields.documentDate) letter.documentDate = fields.documentDate;
      if (fields.labs) letter.labs = fields.labs;
      return { type: 'letter', letter, tag: 'imported' };
    },
    o.signal,
  );
}
