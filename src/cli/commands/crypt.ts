import { resolve } from 'node:path';
import { armorLetter, encodeLetterPayload, keyFileName, letterComments, sealedLengths, sealLetter } from '../../core/apicrypt';
import { parseFlags, optional, required } from '../args';
import { COMMON_FLAGS, decodeTextFile, keyFolderOf, keyNameOf, keyYear, splitList } from '../common';
import { readInput, writeAtomic } from '../files';
import type { CliCommand } from '../io';
import { withProfileKeys } from '../profile';

/** `pli crypt -s source -o destination -u utilisateur [-k dossier] -d destinataires [-v]` (legacy apicrypt). */
const crypt: CliCommand = {
  async run(args, io) {
    const f = parseFlags(args, { values: ['s', 'o', 'u', 'k', 'd', 'year', 'id', 'profile'], booleans: ['v', 'utf8'], ...COMMON_FLAGS });
    const src = resolve(io.cwd, required(f, 's', 'le fichier à chiffrer'));
    const dst = resolve(io.cwd, required(f, 'o', 'le fichier chiffré à écrire'));
    const user = keyNameOf(required(f, 'u', 'l’utilisateur (votre nom de clef, par exemple jean.DUPONT)'));
    const to = splitList(required(f, 'd', 'les destinataires'), ',');
    const year = keyYear(f, io);
    const verbose = f.has('v');
    const { text, charset } = decodeTextFile(readInput(src));
    const messageId = optional(f, 'id');
    if (!f.has('k')) {
      // Profile mode: the keys imported in Pli, ranges reserved in its ledger.
      const sealed = await withProfileKeys(f, io, (keys) =>
        keys.sealLetterBody({
          text,
          recipients: { to },
          mode: f.has('utf8') ? 'utf8' : 'cp1252',
          userKeyOwner: user,
          year,
          letterRef: `cli:${dst}`,
          ...(messageId ? { messageId } : {}),
        }),
      );
      writeAtomic(dst, new TextEncoder().encode(sealed.armored));
      for (const w of sealed.warnings) io.err(w + '\n');
      if (verbose) io.err(`Texte lu en ${charset}, chiffré avec les clefs du profil pour ${to.join(', ')}. Écrit : ${dst}\n`);
      return 0;
    }
    const folder = keyFolderOf(f, io);
    const payload = encodeLetterPayload({ text, recipients: { to }, mode: f.has('utf8') ? 'utf8' : 'cp1252', ...(messageId ? { messageId } : {}) });
    const len = sealedLengths(payload.length);
    // Pointers move on disk before the ciphertext exists: a crash can waste pad bytes, never reuse them.
    const [master, mine] = await folder.reserve(
      [
        { owner: 'Master', year, length: len.master },
        { owner: user, year, length: len.user },
      ],
      (m) => io.err(m + '\n'),
    );
    const sealed = sealLetter(payload, master!, mine!);
    writeAtomic(dst, new TextEncoder().encode(armorLetter(sealed, letterComments(master!, mine!))));
    if (verbose) {
      io.err(`Texte lu en ${charset}, ${payload.length} octets chiffrés pour ${to.join(', ')}.\n`);
      io.err(`Clefs : ${keyFileName('Master', year)} (position ${master!.offset}, MID ${master!.counter}), ${keyFileName(user, year)} (position ${mine!.offset}, MID ${mine!.counter}).\n`);
      io.err(`Écrit : ${dst}\n`);
    }
    return 0;
  },
};
export default crypt;
