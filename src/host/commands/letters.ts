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
  const group = () => ctx.sessions.get().group;
  const changed = (folderIds: string[]) => ctx.emit('letters.changed', { folderIds, newLetters: 0 });
  /** Group practice: drops letters of folders the person may not open (search results, flags). */
  const visible = async <T extends { folderId: number; trashedFrom?: number | null }>(items: T[]): Promise<T[]> => {
    if (!(await group().isGroup())) return items;
    const out: T[] = [];
    for (const i of items) if (await group().canSee(i)) out.push(i);
    return out;
  };
  return {
    'folders.list': async () => {
      const g = group();
      if (!(await g.isGroup())) return { folders: (await mailbox().listFolders()).map(folderView) };
      // Group practice: only what the person may open; a doctor's own folder is "Mes courriers".
      const folders = await (await g.access()).visibleFolders(g.actor);
      return { folders: folders.map((f) => ({ ...folderView(f), name: g.folderName(f) })) };
    },
    'letters.list': async ({ folderId, cursor, limit }) => {
      await group().assertOpen(num(folderId, 'Dossier'));
      const page = await mailbox().listFolder(num(folderId, 'Dossier'), { limit, ...(cursor ? { after: cursor } : {}) });
      // Group practice: the Corbeille shows each person only the deleted letters they could read.
      return { items: (await visible(page.items)).map((s) => summaryView(s)), ...(page.next ? { nextCursor: page.next } : {}) };
    },
    'letters.search': async ({ query, filters, cursor, limit }) => {
      const f: SearchFilters = {};
      if (filters.folderId) {
        f.folderId = num(filters.folderId, 'Dossier');
        await group().assertOpen(f.folderId);
      }
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
      return { items: (await visible(page.items)).map((s) => summaryView(s)), ...(page.next ? { nextCursor: page.next } : {}) };
    },
    'letters.get': async ({ id }) => {
      const g = group();
      // Group practice: reading goes through the policy and is audited (who read what, when).
      const letter = (await g.isGroup()) ? await (await g.access()).readLetter(g.actor, num(id, 'Courrier')) : await mailbox().getLetter(num(id, 'Courrier'));
      if (!letter) throw new PliError('not_found', 'Ce courrier n’existe plus (il a peut-être été supprimé).');
      return detailView(letter);
    },
    'letters.setFlags': async ({ ids, read, flagged }) => {
      const letterIds = ids.map((i) => num(i, 'Courrier'));
      if (await group().isGroup()) {
        for (const id of letterIds) {
          const l = await mailbox().getLetter(id);
          if (l && !(await group().canSee(l))) {
            const access = await group().access();
            await access.authorize(group().actor, 'letter.read', { ref: `letter:${id}`, folder: await access.letterScope(l) }, { flags: true });
          }
        }
      }
      await mailbox().setFlags(
        letterIds,
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
      const g = group();
      if (await g.isGroup()) {
        // Group practice: each move is checked and audited under the person's name.
        const access = await g.access();
        if (trash && trash.id === target) {
          const destination = await access.folderScope(target);
          for (const id of letterIds) {
            const l = await mb.getLetter(id);
            if (!l) continue;
            await access.authorize(g.actor, 'letter.move', { ref: `letter:${id}`, folder: await access.letterScope(l), destination }, { trash: true });
          }
          await mb.trashLetters(letterIds);
        } else {
          await access.moveLetters(g.actor, letterIds, target);
          // Into a doctor's folder: the letters go to that doctor's practice software too.
          const profile = await g.dropProfileOf(target);
          const exports = ctx.sessions.get().exports;
          if (profile && exports.has(profile)) for (const id of letterIds) await exports.exportLetter(id, [profile]);
        }
        changed([folderId]);
        return { ok: true as const };
      }
      // Moving to the Corbeille remembers where each letter came from, so that it can be put back.
      if (trash && trash.id === target) await mb.trashLetters(letterIds);
      else await mb.moveLetters(letterIds, target);
      await mb.audit('user', 'letters.move', folderId, { count: ids.length });
      changed([folderId]);
      return { ok: true as const };
    },
    'trash.empty': async () => {
      const g = group();
      if ((await g.isGroup()) && g.actor.role === 'administrator') {
        await (await g.access()).authorize(g.actor, 'letter.move', { ref: 'corbeille', folder: { kind: 'shared' } }, { emptyTrash: true });
      }
      const removed = await mailbox().emptyTrash();
      await mailbox().audit((await g.isGroup()) ? g.actor.id : 'user', 'trash.empty', undefined, { removed });
      changed([]);
      return { removed };
    },
    'patients.search': async ({ query, limit }) => {
      const patients = await mailbox().findPatients(query, limit);
      if (!(await group().isGroup())) return { patients: patients.map(patientView) };
      // Group practice: only patients of letters the person may open (medical secrecy between doctors).
      const out = [];
      for (const p of patients) {
        const letters = await visible((await mailbox().patientLetters(p.id, { limit: 500 })).items);
        if (letters.length > 0) out.push(patientView({ ...p, letterCount: letters.length }));
      }
      return { patients: out };
    },
    'patients.labSeries': async ({ patientId }) => {
      const rows = await mailbox().patientHistory(num(patientId, 'Patient'));
      if (!(await group().isGroup())) return { series: seriesView(rows) };
      // Group practice: lab values of letters in folders the person may open only.
      const folderOf = new Map<number, number | undefined>();
      for (const id of new Set(rows.map((r) => r.letterId))) folderOf.set(id, (await mailbox().getLetter(id))?.folderId);
      const kept = [];
      for (const r of rows) {
        const f = folderOf.get(r.letterId);
        if (f !== undefined && (await group().canOpen(f))) kept.push(r);
      }
      return { series: seriesView(kept) };
    },
  };
}
