import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHprim } from '../../src/core/hprim';
import { auditCsv, GroupRouter, actorOf, type AuditEntry } from '../../src/host/group';
import { changePassword, readHeader, unlock } from '../../src/host/profile';
import { addPerson, listPeople, removePerson, unlockAs, type Person } from '../../src/host/profile/people';
import { isPliError, type PliError } from '../../src/shared/errors';
import { generateGroupLetters } from '../fixtures/group/generate';
import { PRACTICE } from '../fixtures/group/practice';
import { FAST, PASSWORD, groupEnv, storeLetters, type GroupEnv } from './group-support';

let env: GroupEnv;
const PW: Record<string, string> = {
  admin: 'Admin-Tilleuls-2026!',
  nadia: 'Nadia-Secretariat-26',
  claire: 'Claire-Martin-2026!',
  paul: 'Paul-Martin-2026!!',
  helene: 'Helene-Durand-2026!',
};
const people = new Map<string, Person>();

async function pliError(p: Promise<unknown>): Promise<PliError> {
  try {
    await p;
  } catch (e) {
    if (isPliError(e)) return e;
    throw e;
  }
  throw new Error('expected a PliError');
}
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  env = await groupEnv();
  const founder = { password: PASSWORD };
  const add = async (id: string, name: string, role: Person['role'], doctorId?: string) =>
    people.set(id, (await addPerson(env.dir, founder, { id, name, role, password: PW[id]!, ...(doctorId ? { doctorId } : {}) }, FAST)).person);
  await add('admin', 'Administrateur', 'administrator');
  await add('nadia', 'Nadia (secrétariat)', 'secretary');
  await add('claire', 'Dr Claire MARTIN', 'doctor', 'claire-martin');
  await add('paul', 'Dr Paul MARTIN', 'doctor', 'paul-martin');
  await add('helene', 'Dr Hélène DURAND', 'doctor', 'helene-durand');
});
afterAll(() => env?.close());

describe('people of one profile', () => {
  it('every person unlocks the same mailbox key with their own password', async () => {
    expect(listPeople(env.dir).map((p) => p.id).sort()).toEqual(['admin', 'claire', 'helene', 'nadia', 'paul']);
    for (const id of Object.keys(PW)) {
      const { dbKey, person } = await unlockAs(env.dir, id, PW[id]!);
      expect(dbKey.equals(env.dbKey)).toBe(true);
      expect(person.id).toBe(id);
    }
    expect((await pliError(unlockAs(env.dir, 'nadia', PW.claire!))).code).toBe('password_wrong');
    expect((await pliError(unlockAs(env.dir, 'inconnu', PW.claire!))).code).toBe('person_unknown');
  });

  it('adding and removing a person rewrites the header only, never the mailbox', async () => {
    await env.mailbox.close();
    const db = join(env.dir, 'mailbox.db');
    const header = join(env.dir, 'mailbox.header.json');
    const dbBefore = sha(db);
    const headerBefore = sha(header);
    await addPerson(env.dir, { personId: 'admin', password: PW.admin! }, { id: 'yves', name: 'Yves', role: 'secretary', password: 'Yves-Secretariat-26' }, FAST);
    expect(sha(db)).toBe(dbBefore);
    expect(sha(header)).not.toBe(headerBefore);
    expect((await unlockAs(env.dir, 'yves', 'Yves-Secretariat-26')).dbKey.equals(env.dbKey)).toBe(true);
    await removePerson(env.dir, { personId: 'admin', password: PW.admin! }, 'yves');
    expect(sha(db)).toBe(dbBefore);
    expect((await pliError(unlockAs(env.dir, 'yves', 'Yves-Secretariat-26'))).code).toBe('person_unknown');
    // The profile's own password still works, and so do the others.
    expect((await unlock(env.dir, PASSWORD)).equals(env.dbKey)).toBe(true);
    const { openMailbox } = await import('../../src/host/store');
    env.mailbox = await openMailbox({ file: db, key: env.dbKey });
  });

  it('a change of the profile password keeps the people, and backups carry them', async () => {
    await changePassword(env.dir, PASSWORD, 'Nouveau-Cabinet-2026!', FAST);
    expect(readHeader(env.dir).people).toBeDefined();
    expect((await unlockAs(env.dir, 'claire', PW.claire!)).dbKey.equals(env.dbKey)).toBe(true);
    await changePassword(env.dir, 'Nouveau-Cabinet-2026!', PASSWORD, FAST);
    expect(listPeople(env.dir)).toHaveLength(5);
  });

  it('only an administrator manages people', async () => {
    const e = await pliError(addPerson(env.dir, { personId: 'nadia', password: PW.nadia! }, { id: 'x', name: 'X', role: 'administrator', password: 'Xxxxxxxxxx-2026!' }, FAST));
    expect(e.code).toBe('forbidden');
    expect(e.message_fr).toMatch(/administrateur/);
  });

  it('wrong passwords delay that person only', async () => {
    for (let i = 0; i < 3; i++) await pliError(unlockAs(env.dir, 'helene', 'Mauvais-mot-2026!'));
    expect((await pliError(unlockAs(env.dir, 'helene', PW.helene!))).code).toBe('password_delay');
    expect((await unlockAs(env.dir, 'paul', PW.paul!)).person.id).toBe('paul');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await unlockAs(env.dir, 'helene', PW.helene!)).person.id).toBe('helene');
  });

  it('a role edited by hand, or a slot copied onto another person, is refused', async () => {
    const file = join(env.dir, 'mailbox.header.json');
    const original = readFileSync(file, 'utf8');
    try {
      const h = JSON.parse(original) as { people: { persons: { id: string; role: string; slot: unknown }[] } };
      h.people.persons.find((p) => p.id === 'nadia')!.role = 'administrator';
      writeFileSync(file, JSON.stringify(h));
      expect((await pliError(unlockAs(env.dir, 'nadia', PW.nadia!))).code).toBe('people_tampered');
      const h2 = JSON.parse(original) as typeof h;
      h2.people.persons.find((p) => p.id === 'admin')!.slot = h2.people.persons.find((p) => p.id === 'nadia')!.slot;
      writeFileSync(file, JSON.stringify(h2));
      expect((await pliError(unlockAs(env.dir, 'admin', PW.nadia!))).code).toBe('password_wrong');
    } finally {
      writeFileSync(file, original);
    }
  });
});

describe('roles and the audit log', () => {
  it('enforces the policy on a scenario and records every action', async () => {
    const letters = generateGroupLetters(40, 7);
    const ids = await storeLetters(env.mailbox, letters);
    const router = new GroupRouter(env.mailbox, PRACTICE);
    const routed = new Map<string, number>();
    for (const l of letters) {
      const r = await router.route(ids.get(l.id)!, { documents: parseHprim(l.bytes).documents, sender: l.sender, addresses: l.addresses });
      routed.set(r.target, r.letterId);
    }
    const access = router.access;
    const who = (id: string) => actorOf(people.get(id)!);
    const forClaire = routed.get('claire-martin')!;
    const forPaul = routed.get('paul-martin')!;
    const toSort = routed.get('a_trier')!;
    const expected: [string, string, string, 'allowed' | 'refused'][] = [];
    const ok = async (actor: string, action: string, target: string, p: Promise<unknown>) => {
      await p;
      expected.push([actor, action, target, 'allowed']);
    };
    const refused = async (actor: string, action: string, target: string, p: Promise<unknown>) => {
      const e = await pliError(p);
      expect(e.code).toBe('forbidden');
      expect(e.message_fr.length).toBeGreaterThan(20);
      expected.push([actor, action, target, 'refused']);
    };
    const before = (await env.mailbox.listAudit(1_000_000)).length;

    await ok('claire', 'letter.read', `letter:${forClaire}`, access.readLetter(who('claire'), forClaire));
    await refused('claire', 'letter.read', `letter:${forPaul}`, access.readLetter(who('claire'), forPaul));
    // Claire delegated her folder to Paul, not to Hélène.
    await ok('paul', 'letter.read', `letter:${forClaire}`, access.readLetter(who('paul'), forClaire));
    await refused('helene', 'letter.read', `letter:${forClaire}`, access.readLetter(who('helene'), forClaire));
    await ok('nadia', 'letter.read', `letter:${forPaul}`, access.readLetter(who('nadia'), forPaul));
    await ok('nadia', 'letter.read', `letter:${toSort}`, access.readLetter(who('nadia'), toSort));
    await refused('admin', 'letter.read', `letter:${forPaul}`, access.readLetter(who('admin'), forPaul));
    // Signing: only the doctor, in their session, with their own card.
    const claireCard = { fingerprint: PRACTICE.doctors[0]!.cardFingerprint! };
    const paulCard = { fingerprint: PRACTICE.doctors[1]!.cardFingerprint! };
    await refused('nadia', 'letter.sign', 'draft:1', access.authorize(who('nadia'), 'letter.sign', { ref: 'draft:1', doctorId: 'claire-martin', card: claireCard }));
    await refused('paul', 'letter.sign', 'draft:1', access.authorize(who('paul'), 'letter.sign', { ref: 'draft:1', doctorId: 'claire-martin', card: claireCard }));
    await refused('claire', 'letter.sign', 'draft:2', access.authorize(who('claire'), 'letter.sign', { ref: 'draft:2', card: paulCard }));
    await ok('claire', 'letter.sign', 'draft:2', access.authorize(who('claire'), 'letter.sign', { ref: 'draft:2', card: claireCard }));
    // The secretariat sends unsigned letters on a doctor's behalf; a doctor does not send as a colleague.
    await ok('nadia', 'letter.send', 'draft:1', access.authorize(who('nadia'), 'letter.send', { ref: 'draft:1', doctorId: 'claire-martin' }, { onBehalfOf: 'claire-martin' }));
    await refused('paul', 'letter.send', 'draft:3', access.authorize(who('paul'), 'letter.send', { ref: 'draft:3', doctorId: 'claire-martin' }));
    // Sorting by hand, export, people and audit.
    await ok('nadia', 'letter.move', `letter:${toSort}`, router.routeByHand(who('nadia'), toSort, 'helene-durand'));
    await refused('claire', 'letter.move', `letter:${forPaul}`, access.moveLetters(who('claire'), [forPaul], (await router.ensureFolders()).aTrier));
    await ok('helene', 'letter.export', `letter:${toSort}`, access.authorize(who('helene'), 'letter.export', { ref: `letter:${toSort}`, folder: await access.folderScope((await env.mailbox.getLetter(toSort))!.folderId) }));
    await refused('nadia', 'people.manage', 'person:x', access.authorize(who('nadia'), 'people.manage', { ref: 'person:x' }));
    await refused('nadia', 'audit.read', 'audit', access.auditEntries(who('nadia')));
    let entries: AuditEntry[] = [];
    await ok('admin', 'audit.read', 'audit', access.auditEntries(who('admin')).then((e) => (entries = e)));

    // The log holds every action of the scenario, in order (the export itself reads the log first).
    const scenario = (await env.mailbox.listAudit(1_000_000)).reverse().slice(before);
    const got = scenario.map((e) => [e.actor, e.action, e.target, (e.details as { outcome: string }).outcome]);
    expect(got).toEqual(expected);
    expect(entries.length).toBe(before + expected.length);

    const csv = auditCsv(entries, { nadia: 'Nadia (secrétariat)' });
    expect(csv.startsWith('\uFEFFDate;Personne;')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(entries.length + 1);
    expect(lines.some((l) => l.includes(';Nadia (secrétariat);nadia;signature;letter.sign;draft:1;refusé;'))).toBe(true);
    expect(lines.every((l) => l.split(';').length >= 8)).toBe(true);
  });

  it('shows each person only the folders they may open, and the secretariat its dashboard', async () => {
    const router = new GroupRouter(env.mailbox, PRACTICE);
    const { aTrier, doctors } = await router.ensureFolders();
    const who = (id: string) => actorOf(people.get(id)!);
    const doctorFolders = async (id: string) =>
      (await router.access.visibleFolders(who(id))).filter((f) => f.kind === 'doctor').map((f) => f.owner).sort();
    expect(await doctorFolders('claire')).toEqual(['claire-martin']);
    expect(await doctorFolders('paul')).toEqual(['claire-martin', 'paul-martin']);
    expect(await doctorFolders('nadia')).toEqual(PRACTICE.doctors.map((d) => d.id).sort());
    expect(await router.access.visibleFolders(who('admin'))).toEqual([]);
    expect((await router.access.visibleFolders(who('claire'))).some((f) => f.id === aTrier)).toBe(true);
    const board = await router.access.dashboard(who('nadia'));
    expect(board.aTrier.total).toBe((await env.mailbox.listFolders()).find((f) => f.id === aTrier)!.total);
    expect(board.doctors.map((d) => d.folderId).sort()).toEqual(Object.values(doctors).sort());
    const csv = await router.access.exportAuditCsv(who('admin'));
    expect(csv.split('\r\n').at(-2)).toContain(';admin;consultation du journal;audit.read;audit;autorisé;');
  });

  it('remembers a doctor’s card once and refuses another card for that doctor', async () => {
    const { rememberCard, loadPractice } = await import('../../src/host/group');
    await expect(rememberCard(env.mailbox, 'claire-martin', 'ff'.repeat(32))).rejects.toMatchObject({ code: 'card_not_this_doctor' });
    await env.mailbox.setSetting('group.practice', { ...PRACTICE, doctors: PRACTICE.doctors.map((d) => ({ ...d, cardFingerprint: undefined })) });
    await rememberCard(env.mailbox, 'claire-martin', 'FF'.repeat(32));
    expect((await loadPractice(env.mailbox))!.doctors[0]!.cardFingerprint).toBe('ff'.repeat(32));
    await expect(rememberCard(env.mailbox, 'claire-martin', 'ee'.repeat(32))).rejects.toMatchObject({ code: 'card_not_this_doctor' });
    await rememberCard(env.mailbox, 'claire-martin', 'ff'.repeat(32));
  });
});
