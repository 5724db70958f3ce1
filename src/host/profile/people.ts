/**
 * People of a group practice sharing one profile. Each person has their own password slot wrapping the
 * SAME database key, so adding or removing a person rewrites the header only, never the mailbox. The list
 * (names, roles) sits in the header beside the slots, authenticated by an HMAC under the database key:
 * editing a role in the file by hand is detected at the next unlock. Each slot is bound to its person
 * (AAD `person:<id>`), so one person's slot cannot be copied onto another person's entry.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Role } from '../../core/routing/policy';
import { PliError } from '../../shared/errors';
import { PASSWORD_KDF, readHeader, unwrapKey, wrapKey, writeHeader, type KeySlot, type MailboxHeader } from './header';
import { checkPasswordStrength } from './password-rules';
import { unlock, type ProfileOptions } from './profile';
import { delaySeconds, enforceDelay, recordFailure, resetFailures } from './unlock-failures';

export interface Person {
  id: string;
  name: string;
  role: Role;
  /** For a doctor: their entry in the practice setup. */
  doctorId?: string;
  addedAt: string;
}

export interface NewPerson {
  id: string;
  name: string;
  role: Role;
  password: string;
  doctorId?: string;
}

/** Who authorises a change of the people list: the profile's own password, or an administrator's. */
export type AdminCredentials = { password: string } | { personId: string; password: string };

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const slotSchema = z.object({
  kdf: z.object({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: b64 }),
  iv: b64,
  tag: b64,
  wrapped: b64,
});
const personSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['doctor', 'secretary', 'administrator']),
  doctorId: z.string().optional(),
  addedAt: z.string(),
  slot: slotSchema,
});
type StoredPerson = z.infer<typeof personSchema>;
const sectionSchema = z.object({ version: z.literal(1), persons: z.array(personSchema), mac: b64 });
type PeopleSection = z.infer<typeof sectionSchema>;

const ID_RX = /^[a-z0-9][a-z0-9._-]{0,39}$/;
const FAILURES_DIR = 'mailbox.people-failures';

function section(header: MailboxHeader): PeopleSection | undefined {
  if (header.people === undefined) return undefined;
  const r = sectionSchema.safeParse(header.people);
  if (!r.success) {
    throw new PliError('people_corrupt', 'La liste des personnes du cabinet est illisible dans l’en-tête de la messagerie : restaurez une sauvegarde de Pli.');
  }
  return r.data;
}

function canonical(persons: readonly StoredPerson[]): string {
  const rows = [...persons]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((p) => [p.id, p.name, p.role, p.doctorId ?? null, p.addedAt, p.slot.kdf.salt, p.slot.iv, p.slot.tag, p.slot.wrapped]);
  return JSON.stringify(rows);
}

function mac(dbKey: Buffer, persons: readonly StoredPerson[]): string {
  const k = createHmac('sha256', dbKey).update('pli-people-mac/1').digest();
  return createHmac('sha256', k).update(canonical(persons)).digest('base64');
}

function verify(dbKey: Buffer, s: PeopleSection): void {
  const want = Buffer.from(mac(dbKey, s.persons), 'base64');
  const got = Buffer.from(s.mac, 'base64');
  if (want.length !== got.length || !timingSafeEqual(want, got)) {
    throw new PliError(
      'people_tampered',
      'La liste des personnes du cabinet a été modifiée en dehors de Pli : connexion refusée. Restaurez une sauvegarde ou contactez l’administrateur du cabinet.',
    );
  }
}

function publicPerson(p: StoredPerson): Person {
  return { id: p.id, name: p.name, role: p.role, ...(p.doctorId !== undefined ? { doctorId: p.doctorId } : {}), addedAt: p.addedAt };
}

function failuresDir(dir: string, personId: string): string {
  return join(dir, FAILURES_DIR, personId);
}

/** The people of the profile, for the sign-in screen (names and roles only). */
export function listPeople(dir: string): Person[] {
  return (section(readHeader(dir))?.persons ?? []).map(publicPerson);
}

/** Opens a person's session: their password unwraps the mailbox key. Wrong passwords are delayed per person. */
export async function unlockAs(dir: string, personId: string, password: string): Promise<{ dbKey: Buffer; person: Person }> {
  const header = readHeader(dir);
  const s = section(header);
  const p = s?.persons.find((x) => x.id === personId);
  if (!s || !p) {
    throw new PliError('person_unknown', 'Cette personne n’existe pas dans ce cabinet : choisissez votre nom dans la liste ou demandez à l’administrateur de vous ajouter.', { personId });
  }
  const fdir = failuresDir(dir, personId);
  enforceDelay(fdir);
  const dbKey = await unwrapKey(p.slot, password, `person:${personId}`);
  if (!dbKey) {
    mkdirSync(fdir, { recursive: true, mode: 0o700 });
    const failures = recordFailure(fdir);
    const wait = delaySeconds(failures);
    throw new PliError('password_wrong', 'Mot de passe incorrect. Vérifiez la saisie (majuscules, clavier) ou demandez à l’administrateur du cabinet de le réinitialiser.', {
      failures,
      ...(wait > 0 ? { nextDelaySeconds: wait } : {}),
    });
  }
  try {
    verify(dbKey, s);
  } catch (e) {
    dbKey.fill(0);
    throw e;
  }
  resetFailures(fdir);
  return { dbKey, person: publicPerson(p) };
}

async function adminKey(dir: string, admin: AdminCredentials): Promise<{ dbKey: Buffer; actor: string }> {
  if (!('personId' in admin)) return { dbKey: await unlock(dir, admin.password), actor: 'profil' };
  const { dbKey, person } = await unlockAs(dir, admin.personId, admin.password);
  if (person.role !== 'administrator') {
    dbKey.fill(0);
    throw new PliError('forbidden', 'Seul un administrateur du cabinet peut ajouter, modifier ou retirer une personne.', { personId: person.id });
  }
  return { dbKey, actor: person.id };
}

/** Re-reads the header (another session may have changed it), checks it, applies `change`, writes it. */
function update(dir: string, dbKey: Buffer, change: (persons: StoredPerson[]) => StoredPerson[]): void {
  const header = readHeader(dir);
  const s = section(header);
  if (s) verify(dbKey, s);
  const persons = change(s ? [...s.persons] : []);
  writeHeader(dir, { ...header, people: { version: 1, persons, mac: mac(dbKey, persons) } satisfies PeopleSection });
}

function checkNew(p: NewPerson): void {
  if (!ID_RX.test(p.id)) {
    throw new PliError('person_id_invalid', 'L’identifiant d’une personne compte 1 à 40 caractères : minuscules sans accent, chiffres, point, tiret ou souligné.', { id: p.id });
  }
  if (p.name.trim() === '' || p.name.length > 80) throw new PliError('person_name_invalid', 'Le nom de la personne doit compter 1 à 80 caractères.');
  if (p.role === 'doctor' && !p.doctorId) {
    throw new PliError('person_doctor_missing', 'Une personne de rôle médecin doit être reliée à un médecin du cabinet (Paramètres > Cabinet de groupe).');
  }
  checkPasswordStrength(p.password);
}

/** Adds a person with their own password; the mailbox itself is untouched. Returns who authorised it. */
export async function addPerson(dir: string, admin: AdminCredentials, p: NewPerson, opts: ProfileOptions = {}): Promise<{ person: Person; by: string }> {
  checkNew(p);
  const { dbKey, actor } = await adminKey(dir, admin);
  try {
    const slot: KeySlot = await wrapKey(dbKey, p.password, `person:${p.id}`, opts.passwordKdf ?? PASSWORD_KDF);
    const stored: StoredPerson = {
      id: p.id,
      name: p.name.trim(),
      role: p.role,
      ...(p.doctorId !== undefined ? { doctorId: p.doctorId } : {}),
      addedAt: new Date().toISOString(),
      slot,
    };
    update(dir, dbKey, (persons) => {
      if (persons.some((x) => x.id === p.id)) {
        throw new PliError('person_exists', `Une personne porte déjà l’identifiant « ${p.id} » : choisissez-en un autre.`, { id: p.id });
      }
      return [...persons, stored];
    });
    return { person: publicPerson(stored), by: actor };
  } finally {
    dbKey.fill(0);
  }
}

/** Removes a person: their password stops opening the mailbox at once; nothing is re-encrypted. */
export async function removePerson(dir: string, admin: AdminCredentials, personId: string): Promise<{ by: string }> {
  const { dbKey, actor } = await adminKey(dir, admin);
  try {
    update(dir, dbKey, (persons) => {
      if (!persons.some((x) => x.id === personId)) {
        throw new PliError('person_unknown', 'Cette personne n’existe pas dans ce cabinet.', { personId });
      }
      return persons.filter((x) => x.id !== personId);
    });
    rmSync(failuresDir(dir, personId), { recursive: true, force: true });
    return { by: actor };
  } finally {
    dbKey.fill(0);
  }
}

/** Changes a person's name, role or doctor link (an administrator's act). */
export async function updatePerson(
  dir: string,
  admin: AdminCredentials,
  personId: string,
  change: { name?: string; role?: Role; doctorId?: string | null },
): Promise<{ person: Person; by: string }> {
  if (!listPeople(dir).some((x) => x.id === personId)) {
    throw new PliError('person_unknown', 'Cette personne n’existe pas dans ce cabinet.', { personId });
  }
  const { dbKey, actor } = await adminKey(dir, admin);
  try {
    let out: StoredPerson | undefined;
    update(dir, dbKey, (persons) =>
      persons.map((x) => {
        if (x.id !== personId) return x;
        const next: StoredPerson = { ...x, ...(change.name !== undefined ? { name: change.name.trim() } : {}), ...(change.role ? { role: change.role } : {}) };
        if (change.doctorId === null) delete next.doctorId;
        else if (change.doctorId !== undefined) next.doctorId = change.doctorId;
        if (next.role === 'doctor' && !next.doctorId) {
          throw new PliError('person_doctor_missing', 'Une personne de rôle médecin doit être reliée à un médecin du cabinet (Paramètres > Cabinet de groupe).');
        }
        out = next;
        return next;
      }),
    );
    if (!out) throw new PliError('person_unknown', 'Cette personne n’existe pas dans ce cabinet.', { personId });
    return { person: publicPerson(out), by: actor };
  } finally {
    dbKey.fill(0);
  }
}

/** A person changes their own password (knowing the current one). */
export async function changePersonPassword(dir: string, personId: string, oldPassword: string, newPassword: string, opts: ProfileOptions = {}): Promise<void> {
  checkPasswordStrength(newPassword);
  const { dbKey } = await unlockAs(dir, personId, oldPassword);
  try {
    const slot = await wrapKey(dbKey, newPassword, `person:${personId}`, opts.passwordKdf ?? PASSWORD_KDF);
    update(dir, dbKey, (persons) => persons.map((x) => (x.id === personId ? { ...x, slot } : x)));
  } finally {
    dbKey.fill(0);
  }
}
