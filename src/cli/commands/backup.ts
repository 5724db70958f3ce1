import { resolve } from 'node:path';
import { backupMailbox } from '../../host/store/backup';
import { parseFlags, usageError } from '../args';
import type { CliCommand } from '../io';
import { askPassword, profileDirOf } from '../profile';

/** `pli backup -o fichier [--profile DIR]`: one encrypted file holding the whole mailbox and its header. */
const backup: CliCommand = {
  async run(args, io) {
    const f = parseFlags(args, { values: ['o', 'profile'], booleans: ['v'] });
    const out = f.get('o');
    if (typeof out !== 'string') throw usageError('Indiquez le fichier de sauvegarde avec -o (par exemple -o sauvegarde.pli).');
    const dest = resolve(io.cwd, out);
    const { bytes } = await backupMailbox(profileDirOf(f, io), dest, await askPassword());
    io.out(`Sauvegarde chiffrée écrite : ${dest} (${(bytes / 1_048_576).toFixed(1)} Mo). Elle s’ouvre avec le mot de passe actuel.\n`);
    return 0;
  },
};
export default backup;
