import type { AuditEntryView, PersonView, PracticeSetupView } from '../../shared/domain';
import { PliError } from '../../shared/errors';
import type { HostContext } from '../context';
import { ACTION_LABELS, type AuditEntry } from '../group/access';
import { doctorName, type PracticeSetup } from '../group/practice';
import { addPerson, listPeople, removePerson, type AdminCredentials, type Person } from '../profile/people';
import type { HandlerGroup } from './types';

const personView = (p: Person): PersonView => ({ id: p.id, name: p.name, role: p.role, ...(p.doctorId ? { doctorId: p.doctorId } : {}) });

const num = (id: string, what: string): number => {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new PliError('not_found', `${what} introuvable.`);
  return n;
};

/** The setup as the settings screen sees it: card fingerprints stay in the host. */
function setupView(s: PracticeSetup): PracticeSetupView {
  return {
    ...s,
    doctors: s.doctors.map(({ cardFingerprint, ...d }) => ({ ...d, hasCard: cardFingerprint !== undefined })),
  };
}

/** Back from the screen: empty optional fields dropped, remembered cards kept. */
function setupFrom(v: PracticeSetupView, before: PracticeSetup | undefined): PracticeSetup {
  const opt = (x: string | undefined) => (x && x.trim() !== '' ? x.trim() : undefined);
  return {
    mode: v.mode,
    ...(opt(v.name) ? { name: opt(v.name)! } : {}),
    ...(opt(v.groupKeyOwner) ? { groupKeyOwner: opt(v.groupKeyOwner)! } : {}),
    ...(opt(v.commonAddress) ? { commonAddress: opt(v.commonAddress)! } : {}),
    doctors: v.doctors.map(({ hasCard, ...d }) => {
      const card = before?.doctors.find((x) => x.id === d.id)?.cardFingerprint;
      // hasCard false from the screen: an administrator removed the remembered card (renewed card).
      return {
        id: d.id,
        firstName: d.firstName,
        surname: d.surname,
        apicryptId: d.apicryptId.trim(),
        ...(opt(d.rpps) ? { rpps: opt(d.rpps)! } : {}),
        ...(card && hasCard !== false ? { cardFingerprint: card } : {}),
        ...(opt(d.dropProfileId) ? { dropProfileId: opt(d.dropProfileId)! } : {}),
        ...(d.hprimCodes && d.hprimCodes.length > 0 ? { hprimCodes: d.hprimCodes } : {}),
        ...(d.addresses && d.addresses.length > 0 ? { addresses: d.addresses } : {}),
        ...(d.delegates && d.delegates.length > 0 ? { delegates: d.delegates } : {}),
      };
    }),
    staff: v.staff,
  };
}

function outcomeOf(details: unknown): AuditEntryView['outcome'] {
  const o = (details as { outcome?: unknown } | null)?.outcome;
  return o === 'allowed' || o === 'refused' ? o : 'none';
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Group practice: setup, people, hand routing, audit log and the secretariat's dashboard. */
export function groupHandlers(ctx: HostContext): HandlerGroup {
  const session = () => ctx.sessions.get();
  const group = () => session().group;
  const changed = (folderIds: string[]) => ctx.emit('letters.changed', { folderIds, newLetters: 0 });
  const credentials = (adminPassword: string): AdminCredentials =>
    group().person ? { personId: group().person!.id, password: adminPassword } : { password: adminPassword };

  return {
    'group.me': async () => {
      const g = group();
      const practice = await g.practice();
      const isGroup = practice?.mode === 'group';
      return {
        mode: practice?.mode ?? 'individual',
        ...(g.person ? { person: personView(g.person) } : {}),
        doctors: (practice?.doctors ?? []).map((d) => ({ id: d.id, name: doctorName(d) })),
        canSort: isGroup && g.actor.role !== 'administrator',
        canAdminister: g.actor.role === 'administrator',
      };
    },

    'practice.group.get': async () => {
      const practice = await group().practice();
      return { setup: practice ? setupView(practice) : null, people: listPeople(ctx.profileDir).map(personView) };
    },

    'practice.group.save': async ({ setup }) => {
      const g = group();
      const before = await g.practice();
      const next = setupFrom(setup, before);
      const saved = await g.guarded('practice.configure', { ref: 'cabinet' }, () => g.save(next), (s) => ({ mode: s.mode, doctors: s.doctors.length, staff: s.staff.length }));
      changed([]);
      return setupView(saved);
    },

    'people.add': async ({ person, password, adminPassword }) => {
      const g = group();
      if (person.role === 'doctor') {
        const practice = await g.practice();
        if (!person.doctorId || !practice?.doctors.some((d) => d.id === person.doctorId)) {
          throw new PliError('person_doctor_missing', 'Choisissez le médecin du cabinet que cette personne est (Paramètres > Cabinet de groupe > Médecins).');
        }
      }
      const added = await g.guarded(
        'people.manage',
        { ref: `person:${person.id}` },
        async () => (await addPerson(ctx.profileDir, credentials(adminPassword), { ...person, password })).person,
        (p) => ({ added: p.role, ...(p.doctorId ? { doctor: p.doctorId } : {}) }),
      );
      return personView(added);
    },

    'people.remove': async ({ personId, adminPassword }) => {
      const g = group();
      if (g.person?.id === personId) {
        throw new PliError('person_self', 'Vous ne pouvez pas retirer votre propre accès : demandez-le à un autre administrateur du cabinet.');
      }
      await g.guarded('people.manage', { ref: `person:${personId}` }, () => removePerson(ctx.profileDir, credentials(adminPassword), personId), () => ({ removed: true }));
      return { ok: true as const };
    },

    'letters.route': async ({ ids, doctorId, remember }) => {
      const g = group();
      if (!(await g.isGroup())) {
        throw new PliError('not_group_practice', 'Le tri par médecin n’existe qu’en cabinet de groupe : activez-le dans Paramètres > Cabinet de groupe.');
      }
      const router = await g.router();
      const letterIds = ids.map((i) => num(i, 'Courrier'));
      let folderId = 0;
      let rule: string | undefined;
      for (const id of letterIds) {
        const letter = await session().mailbox.getLetter(id);
        if (!letter) throw new PliError('letter_unknown', 'Ce courrier n’existe plus (supprimé ou déplacé).', { letterId: id });
        const rememberSender = remember && letter.sender ? letter.sender : undefined;
        const routed = await router.routeByHand(g.actor, id, doctorId, rememberSender ? { rememberSender } : {});
        if (rememberSender) rule = rememberSender;
        folderId = routed.folderId;
        if (routed.dropProfileId && session().exports.has(routed.dropProfileId)) {
          await session().exports.exportLetter(id, [routed.dropProfileId]);
        }
      }
      changed([String(folderId)]);
      return { moved: letterIds.length, folderId: String(folderId), ...(rule ? { rule } : {}) };
    },

    'audit.list': async ({ limit }) => {
      const g = group();
      const names = await g.actorNames(listPeople(ctx.profileDir));
      const entries: AuditEntry[] = (await (await g.access()).auditEntries(g.actor, limit)).reverse();
      return {
        entries: entries.map((e) => {
          const det = (e.details ?? {}) as Record<string, unknown>;
          const rest = Object.fromEntries(Object.entries(det).filter(([k]) => k !== 'outcome'));
          return {
            at: new Date(e.at).toISOString(),
            actor: e.actor,
            actorName: names[e.actor] ?? e.actor,
            action: e.action,
            actionLabel: ACTION_LABELS[e.action] ?? e.action,
            ...(e.target ? { target: e.target } : {}),
            outcome: outcomeOf(e.details),
            ...(Object.keys(rest).length > 0 ? { details: JSON.stringify(rest) } : {}),
          };
        }),
      };
    },

    'audit.exportCsv': async () => {
      const g = group();
      const names = await g.actorNames(listPeople(ctx.profileDir));
      const csv = await (await g.access()).exportAuditCsv(g.actor, names);
      return { fileName: `journal-pli-${isoDate(Date.now())}.csv`, csv };
    },

    'group.dashboard': async () => {
      const g = group();
      if (!(await g.isGroup())) {
        throw new PliError('not_group_practice', 'Le tableau de bord du secrétariat n’existe qu’en cabinet de groupe : activez-le dans Paramètres > Cabinet de groupe.');
      }
      const router = await g.router();
      const { aTrier } = await router.ensureFolders();
      const board = await router.access.dashboard(g.actor);
      const practice = (await g.practice())!;
      const pendingLetters = new Set<string>();
      for (const d of practice.doctors) {
        if (!d.dropProfileId) continue;
        for (const e of await session().mailbox.exportUnfinished(d.dropProfileId)) pendingLetters.add(e.letterId);
      }
      return {
        aTrier: { folderId: String(aTrier), total: board.aTrier.total, unread: board.aTrier.unread },
        doctors: board.doctors.map((b) => {
          const d = practice.doctors.find((x) => x.id === b.doctorId);
          return { doctorId: b.doctorId, name: d ? doctorName(d) : b.doctorId, folderId: String(b.folderId), total: b.total, unread: b.unread };
        }),
        exportsPending: pendingLetters.size,
        outbox: board.outbox,
      };
    },
  };
}
