import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host/host';
import type { LetterSummary } from '../../src/shared/domain';
import { testEnv } from '../env/current';
import { CABINET, FOUNDER_PASSWORD, PEOPLE, call, groupPractice, hprimFor, mailProfile, refusal } from '../support/group-practice';
import { start, type TrustedServerSimulator } from '../support/trusted-server';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';

// A group practice through the host contract, on the real servers: letters for the practice arrive at
// cabinet.LESTILLEULS (group key), are routed by HPRIM line 12 or land in "À trier", the secretary
// sorts by hand (the choice becomes a rule for the next letter), and each person sees only what the
// policy allows; the audit log holds every action of the scenario.
const env = testEnv();
let root: string;
let sim: TrustedServerSimulator;
let jean: Host;
let cabinet: Host;
let drops: Record<string, string>;
let cabinetDir: string;
const token = Math.random().toString(36).slice(2, 8).toUpperCase();
const SURNAME = { unknown: `INCONNU${token}`, helene: `DURANDPAT${token}`, rule: `REGLE${token}` };

const as = (who: keyof typeof PEOPLE) => call(cabinet, 'profile.unlock', { personId: PEOPLE[who].id, password: PEOPLE[who].password });
const asFounder = () => call(cabinet, 'profile.unlock', { password: FOUNDER_PASSWORD });

async function send(text: string): Promise<void> {
  await call(jean, 'compose.send', { draft: { to: [`${CABINET}@${env.domain}`], subject: 'Compte rendu de biologie', text } });
  await call(jean, 'mail.sync', {});
  // Sent by the background run or by "Relever", whichever came first: the outbox empties.
  await expect.poll(async () => (await call(jean, 'folders.list', {})).folders.find((f) => f.kind === 'outbox')!.total, { timeout: 30_000 }).toBe(0);
}

/** The letter of the scenario with this patient surname, found by the secretariat's search. */
async function findLetter(surname: string): Promise<LetterSummary> {
  const found = (await call(cabinet, 'letters.search', { query: surname, filters: {}, limit: 50 })).items;
  expect(found, surname).toHaveLength(1);
  return found[0]!;
}

/** The files a doctor's practice software received in its drop folder. */
const exported = (who: string) => readdirSync(drops[who]!).filter((f) => !f.startsWith('.')).map((f) => readFileSync(join(drops[who]!, f), 'latin1'));

const folderOf = async (kind: string, name?: string) =>
  (await call(cabinet, 'folders.list', {})).folders.find((f) => f.kind === kind && (name === undefined || f.name === name));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pli-group-host-'));
  // This workstation's own id (group key lock) lives here, not in the tester's home.
  process.env.PLI_LOCAL_CONFIG_DIR = join(root, 'poste');
  sim = await start(simulatorOptionsFromEnv(env));
  const bundle = join(root, 'ca.pem');
  writeFileSync(bundle, `${env.tls.caCertPem}\n${sim.caPem ?? ''}`);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  jean = await mailProfile(join(root, 'jean'), 'jean.DUPONT', env, sim, 'Profil-Jean-2026!');
  ({ host: cabinet, drops, profileDir: cabinetDir } = await groupPractice(root, env, sim));
  // What cabinet.LESTILLEULS's box already holds (other test files' letters) is collected first.
  await call(cabinet, 'mail.sync', {});
});
afterAll(async () => {
  await jean?.close();
  await cabinet?.close();
  await sim?.stop();
  delete process.env.NODE_EXTRA_CA_CERTS;
  delete process.env.PLI_LOCAL_CONFIG_DIR;
  rmSync(root, { recursive: true, force: true });
});

describe('group practice through the host contract', () => {
  it('lists the people for the sign-in screen while locked, and opens each person’s session', async () => {
    await call(cabinet, 'profile.lock', {});
    const { people } = await call(cabinet, 'profile.people', {});
    expect(people.map((p) => `${p.id}:${p.role}`).sort()).toEqual(['claire:doctor', 'helene:doctor', 'nadia:secretary']);
    expect(JSON.stringify(people)).not.toMatch(/slot|wrapped|password/i);
    expect((await refusal(cabinet, 'profile.unlock', { personId: 'nadia', password: PEOPLE.claire.password })).code).toBe('password_wrong');
    await as('nadia');
    const me = await call(cabinet, 'group.me', {});
    expect(me).toMatchObject({ mode: 'group', person: { id: 'nadia', role: 'secretary' }, canSort: true, canAdminister: false });
    expect(me.doctors.map((d) => d.name)).toEqual(['Dr Claire MARTIN', 'Dr Hélène DURAND']);
    // The single-password path still opens the profile (the founder, an administrator).
    await asFounder();
    expect((await call(cabinet, 'group.me', {})).canAdminister).toBe(true);
  });

  it('routes received letters by line 12 to the doctor’s folder and drop folder, unknown ones to "À trier"', async () => {
    await send(hprimFor('Dr Hélène DURAND', SURNAME.helene, token));
    await send(hprimFor('Dr Pierre DUPUIS', SURNAME.unknown, token));
    await as('nadia');
    expect((await call(cabinet, 'mail.sync', {})).received).toBeGreaterThanOrEqual(2); // other test files may write to the same box meanwhile
    const forHelene = await findLetter(SURNAME.helene);
    const toSort = await findLetter(SURNAME.unknown);
    const aTrier = (await folderOf('user', 'À trier'))!;
    const heleneFolder = (await folderOf('doctor', 'Dr Hélène DURAND'))!;
    expect(toSort.folderId).toBe(aTrier.id);
    expect(forHelene.folderId).toBe(heleneFolder.id);
    // Only Hélène's practice software receives her letter; nothing from "À trier" is exported.
    await expect.poll(() => exported('helene-durand').some((t) => t.includes(SURNAME.helene)), { timeout: 20_000 }).toBe(true);
    expect(exported('claire-martin').some((t) => t.includes(token))).toBe(false);
    expect(exported('helene-durand').some((t) => t.includes(SURNAME.unknown))).toBe(false);
    const board = await call(cabinet, 'group.dashboard', {});
    expect(board.aTrier.folderId).toBe(aTrier.id);
    expect(board.aTrier.total).toBe(aTrier.total);
    expect(board.doctors.map((d) => d.name).sort()).toEqual(['Dr Claire MARTIN', 'Dr Hélène DURAND']);
  });

  it('the secretary sorts by hand, cannot sign in a doctor’s name, and the choice becomes a rule', async () => {
    await as('nadia');
    const toSort = await findLetter(SURNAME.unknown);
    const detail = await call(cabinet, 'letters.get', { id: toSort.id });
    expect(detail.documents[0]!.text).toContain(`Compte rendu ${token}`);
    const signed = await refusal(cabinet, 'compose.send', {
      draft: { to: ['paul.MARTIN@medical75.apicrypt.org'], subject: 'Courrier', text: 'Texte.', sign: true },
      onBehalfOf: 'claire-martin',
    });
    expect(signed.code).toBe('forbidden');
    expect(signed.message_fr).toContain('Seul le Dr Claire MARTIN peut signer en son nom');
    const routed = await call(cabinet, 'letters.route', { ids: [toSort.id], doctorId: 'claire-martin', remember: true });
    const claireFolder = (await folderOf('doctor', 'Dr Claire MARTIN'))!;
    // The rule names the sender as written; it matches whatever the case (its key is lower case).
    expect(routed).toEqual({ moved: 1, folderId: claireFolder.id, rule: `jean.DUPONT@${env.domain}` });
    expect((await findLetter(SURNAME.unknown)).folderId).toBe(claireFolder.id);
    // The next letter of that sender, naming nobody, goes to Claire without a human.
    await send(hprimFor('Secrétariat', SURNAME.rule, token));
    expect((await call(cabinet, 'mail.sync', {})).received).toBeGreaterThanOrEqual(1);
    expect((await findLetter(SURNAME.rule)).folderId).toBe(claireFolder.id);
    // Both reach Claire's practice software once attributed, never Hélène's.
    await expect.poll(() => [SURNAME.unknown, SURNAME.rule].every((n) => exported('claire-martin').some((t) => t.includes(n))), { timeout: 20_000 }).toBe(true);
    expect(exported('helene-durand').some((t) => t.includes(SURNAME.unknown) || t.includes(SURNAME.rule))).toBe(false);
    // Only an administrator sets up the practice and its people.
    expect((await refusal(cabinet, 'people.add', { person: { id: 'x', name: 'X', role: 'secretary' }, password: 'Xxxxxx-Secret-2026', adminPassword: PEOPLE.nadia.password })).code).toBe('forbidden');
    expect((await refusal(cabinet, 'practice.group.save', { setup: { mode: 'individual', doctors: [], staff: [] } })).code).toBe('forbidden');
    expect((await refusal(cabinet, 'audit.list', {})).code).toBe('forbidden');
  });

  it('a doctor sees “Mes courriers” and not a colleague’s folder', async () => {
    await as('nadia');
    const ids = { unknown: (await findLetter(SURNAME.unknown)).id, helene: (await findLetter(SURNAME.helene)).id, rule: (await findLetter(SURNAME.rule)).id };
    const heleneFolderId = (await folderOf('doctor', 'Dr Hélène DURAND'))!.id;
    await as('claire');
    const folders = (await call(cabinet, 'folders.list', {})).folders;
    const mine = folders.find((f) => f.kind === 'doctor')!;
    expect(mine.name).toBe('Mes courriers');
    expect(folders.filter((f) => f.kind === 'doctor')).toHaveLength(1);
    const listed = (await call(cabinet, 'letters.list', { folderId: mine.id, limit: 50 })).items.map((l) => l.id);
    expect(listed).toEqual(expect.arrayContaining([ids.unknown, ids.rule]));
    expect((await call(cabinet, 'letters.get', { id: ids.unknown })).documents[0]!.text).toContain(token);
    const read = await refusal(cabinet, 'letters.get', { id: ids.helene });
    expect(read.code).toBe('forbidden');
    expect(read.message_fr).toContain('Dr Hélène DURAND');
    expect((await refusal(cabinet, 'letters.list', { folderId: heleneFolderId, limit: 50 })).code).toBe('forbidden');
    expect((await refusal(cabinet, 'letters.move', { ids: [ids.helene], folderId: mine.id })).code).toBe('forbidden');
    const search = (await call(cabinet, 'letters.search', { query: token, filters: {}, limit: 50 })).items.map((l) => l.id);
    expect(search).toContain(ids.unknown);
    expect(search).not.toContain(ids.helene);
    // Patients and lab values of a colleague's letters stay out of reach too.
    await as('nadia');
    const [patient] = (await call(cabinet, 'patients.search', { query: SURNAME.helene, limit: 10 })).patients;
    expect(patient).toBeDefined();
    expect((await call(cabinet, 'patients.labSeries', { patientId: patient!.id })).series.map((x) => x.analyte)).toEqual(['GLY']);
    await as('claire');
    expect((await call(cabinet, 'patients.search', { query: SURNAME.helene, limit: 10 })).patients).toEqual([]);
    expect((await call(cabinet, 'patients.labSeries', { patientId: patient!.id })).series).toEqual([]);
    expect((await call(cabinet, 'patients.search', { query: SURNAME.unknown, limit: 10 })).patients).toHaveLength(1);
    await as('helene');
    expect((await refusal(cabinet, 'letters.get', { id: ids.unknown })).code).toBe('forbidden');
    expect((await call(cabinet, 'patients.labSeries', { patientId: patient!.id })).series.map((x) => x.analyte)).toEqual(['GLY']);
    // A letter Hélène deletes stays hers in the Corbeille: Claire does not see it there.
    const trash = (await call(cabinet, 'folders.list', {})).folders.find((f) => f.kind === 'trash')!;
    await call(cabinet, 'letters.move', { ids: [ids.helene], folderId: trash.id });
    expect((await call(cabinet, 'letters.list', { folderId: trash.id, limit: 200 })).items.map((l) => l.id)).toContain(ids.helene);
    await as('claire');
    expect((await call(cabinet, 'letters.list', { folderId: trash.id, limit: 200 })).items.map((l) => l.id)).not.toContain(ids.helene);
    expect((await refusal(cabinet, 'letters.get', { id: ids.helene })).code).toBe('forbidden');
    await as('helene');
    await call(cabinet, 'letters.move', { ids: [ids.helene], folderId: heleneFolderId });
    // The founder's password (administrator) manages the practice but reads no letter.
    await asFounder();
    expect((await refusal(cabinet, 'letters.get', { id: ids.helene })).code).toBe('forbidden');
    expect((await call(cabinet, 'folders.list', {})).folders).toEqual([]);
  });

  it('one workstation writes with the group key; the secretariat sends on a doctor’s behalf, a doctor not as a colleague', async () => {
    await as('claire');
    const draft = { to: ['paul.MARTIN@medical75.apicrypt.org'], subject: 'Rendez-vous', text: `Courrier ${token}.` };
    const asColleague = await refusal(cabinet, 'compose.send', { draft, onBehalfOf: 'helene-durand' });
    expect(asColleague.code).toBe('forbidden');
    expect(asColleague.message_fr).toContain('au nom du Dr Hélène DURAND');
    await as('nadia');
    // Another workstation holds the group key (fresh heartbeat): nothing is encrypted here.
    const lockFile = join(cabinetDir, 'group-key.lock');
    const now = Date.now();
    writeFileSync(lockFile, JSON.stringify({ format: 'pli-group-key-lock', keyOwner: CABINET, installationId: '00000000-0000-4000-8000-000000000001', host: 'ACCUEIL-PC', pid: 1, acquiredAt: now, heartbeatAt: now }));
    const locked = await refusal(cabinet, 'compose.send', { draft, onBehalfOf: 'claire-martin' });
    expect(locked.code).toBe('group_key_locked');
    expect(locked.message_fr).toContain('ACCUEIL-PC');
    rmSync(lockFile);
    const sent = await call(cabinet, 'compose.send', { draft, onBehalfOf: 'claire-martin' });
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { keyOwner: string; pid: number };
    expect(lock).toMatchObject({ keyOwner: CABINET, pid: process.pid });
    await asFounder();
    const { entries } = await call(cabinet, 'audit.list', { limit: 1000 });
    const send = entries.find((e) => e.action === 'letter.send' && e.target === `letter:${sent.letterId}`)!;
    expect(send).toMatchObject({ actor: 'nadia', outcome: 'allowed' });
    expect(JSON.parse(send.details!)).toMatchObject({ onBehalfOf: 'claire-martin', preparedBy: 'nadia' });
  });

  it('the audit log holds every action of the scenario, viewable and exportable as CSV', async () => {
    await as('nadia');
    const ids = { unknown: (await findLetter(SURNAME.unknown)).id, helene: (await findLetter(SURNAME.helene)).id };
    await asFounder();
    const { entries } = await call(cabinet, 'audit.list', { limit: 1000 });
    const has = (actor: string, action: string, outcome: string, target?: string) =>
      entries.some((e) => e.actor === actor && e.action === action && e.outcome === outcome && (target === undefined || e.target === target));
    expect(has('tri-automatique', 'letter.route', 'none', `letter:${ids.helene}`)).toBe(true);
    expect(has('tri-automatique', 'letter.route', 'none', `letter:${ids.unknown}`)).toBe(true);
    expect(has('nadia', 'letter.read', 'allowed', `letter:${ids.unknown}`)).toBe(true);
    expect(has('nadia', 'letter.sign', 'refused')).toBe(true);
    expect(has('nadia', 'letter.move', 'allowed', `letter:${ids.unknown}`)).toBe(true);
    expect(has('nadia', 'routing.rule', 'allowed')).toBe(true);
    expect(has('nadia', 'people.manage', 'refused')).toBe(true);
    expect(has('nadia', 'practice.configure', 'refused')).toBe(true);
    expect(has('nadia', 'audit.read', 'refused')).toBe(true);
    expect(has('claire', 'letter.read', 'allowed', `letter:${ids.unknown}`)).toBe(true);
    expect(has('claire', 'letter.read', 'refused', `letter:${ids.helene}`)).toBe(true);
    expect(has('claire', 'letter.move', 'refused', `letter:${ids.helene}`)).toBe(true);
    expect(has('helene', 'letter.read', 'refused', `letter:${ids.unknown}`)).toBe(true);
    expect(has('profil', 'letter.read', 'refused', `letter:${ids.helene}`)).toBe(true);
    expect(has('profil', 'people.manage', 'allowed', 'person:nadia')).toBe(true);
    expect(has('profil', 'practice.configure', 'allowed')).toBe(true);
    expect(has('claire', 'session.open', 'none')).toBe(true);
    expect(entries.find((e) => e.actor === 'nadia')!.actorName).toBe('Nadia Secrétariat');
    // Newest first.
    expect(entries[0]!.at >= entries.at(-1)!.at).toBe(true);

    await asFounder();
    const { csv, fileName } = await call(cabinet, 'audit.exportCsv', {});
    expect(fileName).toMatch(/^journal-pli-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.startsWith('\uFEFFDate;Personne;Identifiant;Action;')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines.some((l) => l.includes(';Nadia Secrétariat;nadia;signature;letter.sign;') && l.includes(';refusé;'))).toBe(true);
    expect(lines.some((l) => l.includes(';Dr Claire MARTIN;claire;lecture;letter.read;') && l.includes(';refusé;'))).toBe(true);
    expect(lines.length).toBeGreaterThan(entries.length);
  });
});

describe('people of the practice through the host contract', () => {
  it('the administrator adds and removes a person; a removed person can no longer sign in', async () => {
    await asFounder();
    const yves = { id: 'yves', name: 'Yves Accueil', role: 'secretary' as const };
    expect((await refusal(cabinet, 'people.add', { person: yves, password: 'Yves-Accueil-2026!', adminPassword: 'Pas-le-bon-2026!' })).code).toBe('password_wrong');
    expect((await refusal(cabinet, 'people.add', { person: { id: 'z', name: 'Z', role: 'doctor', doctorId: 'inconnu' }, password: 'Zzzzzz-Docteur-2026', adminPassword: FOUNDER_PASSWORD })).code).toBe('person_doctor_missing');
    expect(await call(cabinet, 'people.add', { person: yves, password: 'Yves-Accueil-2026!', adminPassword: FOUNDER_PASSWORD })).toEqual(yves);
    await call(cabinet, 'profile.unlock', { personId: 'yves', password: 'Yves-Accueil-2026!' });
    expect((await refusal(cabinet, 'people.remove', { personId: 'nadia', adminPassword: 'Yves-Accueil-2026!' })).code).toBe('forbidden');
    await asFounder();
    await call(cabinet, 'people.remove', { personId: 'yves', adminPassword: FOUNDER_PASSWORD });
    await call(cabinet, 'profile.lock', {});
    expect((await call(cabinet, 'profile.people', {})).people.map((p) => p.id)).not.toContain('yves');
    expect((await refusal(cabinet, 'profile.unlock', { personId: 'yves', password: 'Yves-Accueil-2026!' })).code).toBe('person_unknown');
    // Everyone else still opens their session.
    await as('claire');
    expect((await call(cabinet, 'group.me', {})).person?.id).toBe('claire');
  });
});
