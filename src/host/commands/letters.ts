import { PliError } from '../../shared/errors';
import type { HostContext } from '../context';
import type { SearchFilters } from '../store/types';
import { detailView, folderView, patientView, seriesView, summaryView } from '../views';
import type { HandlerGroup } from './types';

const num = (id: string, what: string): number => {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new PliError('not_found', `${what} introuvable.`);
  return n;
};
const epoch = (d: string | undefined, endOfDay = false): number | undefined => {
  if (!d) return undefined;
  const t = Date.parse(d.length === 10 ? `${d}T${endOfDay ? '23:59:59.999' : '00:00:00'}` : d);
  if (Number.isNaN(t)) throw new PliError('invalid_date', `Date invalide : ${d}. Utilisez le format JJ/MM/AAAA.`);
  return t;
};

/** Folders, letter lists, search, the reader and the patient views: all read from the open mailbox. */
export function letterHandlers(ctx: HostContext): HandlerGroup {
  const mailbox = () => ctx.sessions.get().mailbox;
  const changed = (folderIds: string[]) => ctx.emit('letters.changed', { folderIds, newLetters: 0 });
  return {
    'folders.list': async () => ({ folders: (await mailbox().listFolders()).map(folderView) }),
    'letters.list': async ({ folderId, cursor, limit }) => {
      const page = await mailbox().listFolder(num(folderId, 'Dossier'), { limit, ...(cursor ? { after: cursor } : {}) });
      return { items: page.items.map((s) => summaryView(s)), ...(page.next ? { nextCursor: page.next } : {}) };
    },
    'letters.search': async ({ query, filters, cursor, limit }) => {
      const f: SearchFilters = {};
      if (filters.folderId) f.folderId = num(filters.folderId, 'Dossier');
      if (filters.patientId) f.patientId = num(filters.patientId, 'Patient');
      if (filters.sender) f.sender = filters.sender;
      const from = epoch(filters.from);
      const to = epoch(filters.to, true);
      if (from !== undefined) f.from = from;
      if (to !== undefined) f.to = to;
      if (filters.abnormalOnly) f.abnormal = true;
      const started = performance.now();
      const page = await mailbox().search(query, f, { limit, ...(cursor ? { after: cursor } : {}) });
      ctx.log.debug('search', { ms: Math.round(performance.now() - started), results: page.items.length });
      return { items: page.items.map((s) => summaryView(s)), ...(page.next ? { nextCursor: page.next } : {}) };
    },
    'letters.get': async ({ id }) => {
      const letter = await mailbox().getLetter(num(id, 'Courrier'));
      if (!letter) throw new PliError('not_found', 'Ce courrier n’existe plus (il a peut-être été supprimé).');
      return detailView(letter);
    },
    'letters.setFlags': async ({ ids, read, flagged }) => {
      await mailbox().setFlags(
        ids.map((i) => num(i, 'Courrier')),
        { ...(read !== undefined ? { read } : {}), ...(flagged !== undefined ? { flagged } : {}) },
      );
      changed([]);
      return { ok: true as const };
    },
    'letters.move': async ({ ids, folderId }) => {
      const mb = mailbox();
      const target = num(folderId, 'Dossier');
      const trash = (await mb.listFolders()).find((f) => f.role === 'trash');
      const letterIds = ids.map((i) => num(i, 'Courrier'));
      // Moving to the Corbeille remembers where each letter came from, so that it can be put back.
      if (trash && trash.id === target) await mb.trashLetters(letterIds);
      else await mb.moveLetters(letterIds, target);
      await mb.audit('user', 'letters.move', folderId, { count: ids.length });
      changed([folderId]);
      return { ok: true as const };
    },
    'trash.empty': async () => {
      const removed = await mailbox().emptyTrash();
      await mailbox().audit('user', 'trash.empty', undefined, { removed });
      changed([]);
      return { removed };
    },
    'patients.search': async ({ query, limit }) => ({ patients: (await mailbox().findPatients(query, limit)).map(patientView) }),
    'patients.labSeries': async ({ patientId }) => ({
      series: seriesView(await mailbox().patientHistory(num(patientId, 'Patient'))),
    }),
  };
}
