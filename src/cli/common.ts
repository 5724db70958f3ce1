import { resolve } from 'node:path';
import { cp1252 } from '../core/charset';
import { PliError } from '../shared/errors';
import { optional, usageError, type ParsedFlags } from './args';
import type { CliIo } from './io';
import { KeyFolder } from './key-folder';

/** The -k folder (the legacy mode); commands that also have a profile mode check for -k themselves. */
export function keyFolderOf(flags: ParsedFlags, io: CliIo): KeyFolder {
  const k = optional(flags, 'k');
  if (k === undefined) {
    throw new PliError(
      'cli_key_folder_missing',
      'Indiquez le dossier qui contient Clefs/ avec -k.',
      { exitCode: 2 },
    );
  }
  return new KeyFolder(resolve(io.cwd, k));
}

export function keyYear(flags: ParsedFlags, io: CliIo): number {
  const y = optional(flags, 'year');
  if (y === undefined) return io.now().getFullYear();
  if (!/^\d{4}$/.test(y)) throw usageError(`Année invalide : « ${y} » (attendu : 2026 par exemple).`);
  return Number(y);
}

/** `jean.DUPONT@medical69.apicrypt.org` or `jean.DUPONT` -> `jean.DUPONT`. */
export function keyNameOf(user: string): string {
  const at = user.indexOf('@');
  return at < 0 ? user : user.slice(0, at);
}

export function splitList(s: string, sep: string): string[] {
  return s.split(sep).map((x) => x.trim()).filter((x) => x !== '');
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Legacy text files are Windows-1252; a file that is valid UTF-8 with non-ASCII bytes (or a BOM) is read as UTF-8. */
export function decodeTextFile(bytes: Uint8Array): { text: string; charset: 'utf-8' | 'windows-1252' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: utf8Strict.decode(bytes.subarray(3)), charset: 'utf-8' };
  if (bytes.some((b) => b >= 0x80)) {
    try {
      return { text: utf8Strict.decode(bytes), charset: 'utf-8' };
    } catch {}
  }
  return { text: cp1252.decode(bytes), charset: 'windows-1252' };
}

export const COMMON_FLAGS = { aliases: { verbose: 'v', keys: 'k', source: 's', output: 'o' } };
