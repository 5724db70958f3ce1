import { runMigrateCommand } from '../../host/migration/cli';
import type { CliCommand } from '../io';
import { askPassword } from '../profile';

/** `pli migrate <chemin...> [--dry-run] [--profile DOSSIER]`: imports an old installation; Ctrl+C pauses it. */
const migrate: CliCommand = {
  async run(args, io) {
    const abort = new AbortController();
    const onInt = () => abort.abort();
    process.once('SIGINT', onInt);
    try {
      return await runMigrateCommand(args, { ...io, env: process.env, prompt: (q) => askPassword(q), signal: abort.signal });
    } finally {
      process.off('SIGINT', onInt);
    }
  },
};
export default migrate;
