import { homedir } from 'node:os';
import { PliError } from '../../shared/errors';
import type { HostContext } from '../context';
import { classifyPath, detectLegacySources, renderReportFr, runMigration } from '../migration';
import type { HandlerGroup } from './types';

/** Bringing the old (V1) mailbox and keys along: detection, the import itself (resumable), cancel. */
export function migrationHandlers(ctx: HostContext): HandlerGroup {
  let running: AbortController | undefined;
  return {
    'migration.detect': async ({ paths }) => {
      const d = await detectLegacySources({ home: homedir(), extraRoots: paths });
      return { sources: d.sources.map((s) => ({ kind: s.kind, path: s.path, bytes: s.bytes, ...(s.files !== undefined ? { files: s.files } : {}) })), searched: d.searched };
    },
    'migration.start': async ({ paths, dryRun }) => {
      if (running) throw new PliError('migration_running', 'Un import est déjà en cours : attendez sa fin ou annulez-le.');
      const session = ctx.sessions.get();
      const sources = (await Promise.all(paths.map((p) => classifyPath(p)))).flat();
      if (sources.length === 0) {
        throw new PliError('migration_nothing', 'Pli n’a rien trouvé à importer à ces emplacements (clefs, mbox, Maildir, .eml ou fichiers HPRIM).');
      }
      running = new AbortController();
      try {
        const report = await runMigration({
          mailbox: session.mailbox,
          keys: session.keys,
          sources,
          dryRun,
          signal: running.signal,
          logger: ctx.log.child('migration'),
          onProgress: (p) =>
            ctx.emit('migration.progress', {
              letters: p.letters,
              imported: p.imported,
              bytesDone: p.bytesDone,
              bytesTotal: p.bytesTotal,
              ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}),
            }),
        });
        if (!dryRun) {
          await session.mailbox.audit('user', 'migration', undefined, { imported: report.imported, alreadyPresent: report.alreadyPresent });
          ctx.emit('letters.changed', { folderIds: [], newLetters: 0 });
        }
        return {
          dryRun: report.dryRun,
          cancelled: report.cancelled,
          imported: report.imported,
          alreadyPresent: report.alreadyPresent,
          notDecryptable: report.notDecryptable,
          notReadable: report.notReadable,
          recovered: report.recovered,
          text: renderReportFr(report),
        };
      } finally {
        running = undefined;
      }
    },
    'migration.cancel': () => {
      running?.abort();
      return { ok: true as const };
    },
  };
}
