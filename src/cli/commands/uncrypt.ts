import { resolve } from 'node:path';
import { decryptArmoredLetter, keyFileName } from '../../core/apicrypt';
import { cp1252 } from '../../core/charset';
import { optional, parseFlags, required } from '../args';
import { COMMON_FLAGS, keyFolderOf } from '../common';
import { readInput, writeAtomic } from '../files';
import type { CliCommand } from '../io';
import { withProfileKeys } from '../profile';

/** `pli uncrypt -s source [-o destination] [-k dossier] [-v]` (legacy apiuncrypt; default output <source>.txt). */
const uncrypt: CliCommand = {
  async run(args, io) {
    const f = parseFlags(args, { values: ['s', 'o', 'k', 'profile'], booleans: ['v', 'utf8'], ...COMMON_FLAGS });
    const src = resolve(io.cwd, required(f, 's', 'le fichier à déchiffrer'));
    const dst = resolve(io.cwd, optional(f, 'o') ?? `${src}.txt`);
    const body = Buffer.from(readInput(src)).toString('latin1');
    // Without -k: the keys imported in the profile (decryption never moves a pointer).
    const letter = f.has('k')
      ? decryptArmoredLetter(body, keyFolderOf(f, io).lookup())
      : await withProfileKeys(f, io, (keys) => keys.openLetterBody(body));
    // Legacy tools write Windows-1252; --utf8 writes UTF-8.
    const out = f.has('utf8') ? new TextEncoder().encode(letter.text) : cp1252.encode(letter.text);
    writeAtomic(dst, out);
    if (f.has('v')) {
      io.err(`Clefs : ${keyFileName(letter.outer.owner, letter.outer.year)} (MID ${letter.outer.counter}), ${keyFileName(letter.inner.owner, letter.inner.year)} (MID ${letter.inner.counter}).\n`);
      io.err(`Destinataires : ${letter.recipients.join(', ') || '(aucun)'}${letter.messageId ? ` ; identifiant : ${letter.messageId}` : ''}.\n`);
      io.err(`Écrit : ${dst}\n`);
    }
    return 0;
  },
};
export default uncrypt;
