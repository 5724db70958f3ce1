import { basename, resolve } from 'node:path';
import { encodeApzPayload, sealApz, sealedLengths } from '../../core/apicrypt';
import { parseFlags, required } from '../args';
import { COMMON_FLAGS, keyFolderOf, keyNameOf, keyYear, splitList } from '../common';
import { readInput, writeAtomic } from '../files';
import type { CliCommand } from '../io';

/** `pli crypt-pj -s "f1|f2" -o arrivee.apz -u utilisateur [-k dossier] -d destinataires [-v] [-z]` (legacy apicryptpj). */
const cryptPj: CliCommand = {
  async run(args, io) {
    const f = parseFlags(args, { values: ['s', 'o', 'u', 'k', 'd', 'year'], booleans: ['v', 'z'], ...COMMON_FLAGS });
    const sources = splitList(required(f, 's', 'les fichiers à joindre'), '|').map((p) => resolve(io.cwd, p));
    const dst = resolve(io.cwd, required(f, 'o', 'le fichier .apz à écrire'));
    const user = keyNameOf(required(f, 'u', 'l’utilisateur (votre nom de clef)'));
    const to = splitList(required(f, 'd', 'les destinataires'), ',');
    const folder = keyFolderOf(f, io);
    const year = keyYear(f, io);
    if (f.has('z')) io.err('Note : la compression LZO (-z) n’est pas prise en charge ; les fichiers sont joints sans compression.\n');
    const files = sources.map((p) => ({ name: basename(p), data: readInput(p) }));
    const payload = encodeApzPayload({ sender: user, recipients: to, files });
    const len = sealedLengths(payload.length);
    const [master, mine] = await folder.reserve(
      [
        { owner: 'Master', year, length: len.master },
        { owner: user, year, length: len.user },
      ],
      (m) => io.err(m + '\n'),
    );
    writeAtomic(dst, sealApz(payload, master!, mine!));
    if (f.has('v')) io.err(`${files.length} fichier(s), ${payload.length} octets chiffrés pour ${to.join(', ')}. Écrit : ${dst}\n`);
    return 0;
  },
};
export default cryptPj;
