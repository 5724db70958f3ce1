import { resolve } from 'node:path';
import { restoreMailbox } from '../../host/store/backup';
import { parseFlags, usageError } from '../args';
import type { CliCommand } from '../io';
import { profileDirOf } from '../profile';

/** `pli restore -s fichier [--profile DIR]`: restores into a profile folder that holds no mailbox yet. */
const restore: CliCommand = {
  async run(args, io) {
    const f = parseFlags(args, { values: ['s', 'profile'], booleans: ['v'] });
    const src = f.get('s');
    if (typeof src !== 'string') throw usageError('Indiquez la sauvegarde à restaurer avec -s.');
    const dir = profileDirOf(f, io);
    restoreMailbox(resolve(io.cwd, src), dir);
    io.out(`Messagerie restaurée dans ${dir}. Ouvrez-la avec le mot de passe en vigueur lors de la sauvegarde.\n`);
    return 0;
  },
};
export default restore;
