import type { HostContext } from '../context';
import type { HandlerGroup } from './types';

/** The key store of the open profile: listing and key medium import. */
export function keyHandlers(ctx: HostContext): HandlerGroup {
  const service = () => ctx.sessions.get().keys;
  return {
    'keys.list': async () => ({ keys: await service().list() }),
    'keys.importMedium': async ({ path }) => {
      const keys = service();
      const report = await keys.importMedium(path);
      // Letters waiting in "À vérifier" for these keys can now be read.
      if (report.imported.length > 0) report.recovered = await ctx.sessions.get().mail.retryReview();
      await ctx.sessions.get().mailbox.audit('user', 'keys.importMedium', undefined, {
        imported: report.imported,
        alreadyPresent: report.alreadyPresent.length,
        unsupported: report.unsupported.length,
        rejected: report.rejected.map((r) => `${r.file}: ${r.code}`),
      });
      const warnings = [
        ...report.rejected.map((r) => r.message_fr),
        ...report.unsupported.map((f) => `Le fichier ${f} est une clef APICRYPT V2 (.aes) : ce format n’est pas encore pris en charge par Pli.`),
        ...(await keys.usageWarnings()),
      ];
      ctx.emit('keys.changed', { warnings });
      return report;
    },
  };
}
