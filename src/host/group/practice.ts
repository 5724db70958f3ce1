/**
 * The practice setup: individual or group mode, the group key, the doctors (identity, APICRYPT identifier,
 * RPPS, card, drop folder) and the staff. Kept in the encrypted mailbox's settings, so it travels with
 * the profile and its backups.
 */
import { z } from 'zod';
import type { PolicyContext } from '../../core/routing/policy';
import type { RoutingDoctor } from '../../core/routing/types';
import { PliError } from '../../shared/errors';
import type { MailboxApi } from '../store/protocol';

const ID = /^[a-z0-9][a-z0-9._-]{0,39}$/;
const APICRYPT_ID = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;

const doctorSchema = z.object({
  id: z.string().regex(ID),
  firstName: z.string().trim().min(1).max(60),
  surname: z.string().trim().min(1).max(60),
  /** Local part of the doctor's APICRYPT address: `claire.MARTIN`. */
  apicryptId: z.string().regex(APICRYPT_ID),
  rpps: z.string().regex(/^\d{11}$/).optional(),
  /** SHA-256 of the CPS card's signing certificate, remembered the first time the card is seen. */
  cardFingerprint: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(),
  /** The drop-folder profile (src/host/practice) of this doctor's practice software. */
  dropProfileId: z.string().optional(),
  /** Codes the labs put in the 10-character field of HPRIM line 12 for this doctor. */
  hprimCodes: z.array(z.string().regex(/^\S{1,10}$/)).optional(),
  /** Other addresses of this doctor. */
  addresses: z.array(z.string()).optional(),
  /** Doctors allowed to read this doctor's folder (délégation). */
  delegates: z.array(z.string()).optional(),
});
export type PracticeDoctor = z.infer<typeof doctorSchema>;

const staffSchema = z.object({ id: z.string().regex(ID), name: z.string().trim().min(1).max(80) });
export type StaffMember = z.infer<typeof staffSchema>;

const setupSchema = z.object({
  mode: z.enum(['individual', 'group']),
  name: z.string().trim().max(80).optional(),
  /** Owner of the group key, e.g. `cabinet.LESTILLEULS` (group mode). */
  groupKeyOwner: z.string().regex(APICRYPT_ID).optional(),
  /** The common address all letters arrive at (group mode); it names no doctor when routing. */
  commonAddress: z.string().optional(),
  doctors: z.array(doctorSchema),
  staff: z.array(staffSchema),
});
export type PracticeSetup = z.infer<typeof setupSchema>;

export const PRACTICE_SETTING = 'group.practice';

/** Checks a setup from the wizard or the settings screen; throws practice_setup_invalid (French). */
export function validatePractice(input: unknown): PracticeSetup {
  const r = setupSchema.safeParse(input);
  if (!r.success) {
    const where = r.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new PliError('practice_setup_invalid', `Réglages du cabinet incomplets ou mal formés (${where}) : vérifiez chaque médecin (identifiant APICRYPT, RPPS à 11 chiffres).`, {
      fields: r.error.issues.map((i) => i.path.join('.')),
    });
  }
  const s = r.data;
  const problems: string[] = [];
  if (s.mode === 'individual' && s.doctors.length !== 1) problems.push('En exercice individuel, le cabinet compte exactement un médecin.');
  if (s.mode === 'group' && !s.groupKeyOwner) problems.push('En cabinet de groupe, indiquez la clef de groupe (par exemple cabinet.LESTILLEULS).');
  if (s.mode === 'group' && s.doctors.length === 0) problems.push('Ajoutez au moins un médecin au cabinet.');
  if (s.doctors.some((d) => d.id === 'a_trier')) problems.push('L’identifiant « a_trier » est réservé au dossier « À trier ».');
  const dup = (xs: string[]) => xs.find((x, i) => xs.indexOf(x) !== i);
  const ids = [...s.doctors.map((d) => d.id), ...s.staff.map((m) => m.id)];
  const d1 = dup(ids);
  if (d1) problems.push(`L’identifiant « ${d1} » est utilisé deux fois.`);
  const d2 = dup(s.doctors.map((d) => d.apicryptId.toLowerCase()));
  if (d2) problems.push(`L’identifiant APICRYPT « ${d2} » est attribué à deux médecins.`);
  const d3 = dup(s.doctors.flatMap((d) => (d.rpps ? [d.rpps] : [])));
  if (d3) problems.push(`Le RPPS ${d3} est attribué à deux médecins.`);
  for (const d of s.doctors) {
    for (const g of d.delegates ?? []) {
      if (!s.doctors.some((x) => x.id === g)) problems.push(`La délégation du Dr ${d.surname} vise un médecin inconnu (« ${g} »).`);
    }
  }
  if (problems.length > 0) throw new PliError('practice_setup_invalid', problems.join(' '), { problems });
  return s;
}

export async function loadPractice(mailbox: Pick<MailboxApi, 'getSetting'>): Promise<PracticeSetup | undefined> {
  const v = await mailbox.getSetting(PRACTICE_SETTING);
  return v === undefined ? undefined : validatePractice(v);
}

export async function savePractice(mailbox: Pick<MailboxApi, 'setSetting'>, setup: PracticeSetup): Promise<PracticeSetup> {
  const s = validatePractice(setup);
  await mailbox.setSetting(PRACTICE_SETTING, s);
  return s;
}

export function doctorName(d: Pick<PracticeDoctor, 'firstName' | 'surname'>): string {
  return `Dr ${d.firstName} ${d.surname}`;
}

export function routingDoctors(s: PracticeSetup): RoutingDoctor[] {
  return s.doctors.map((d) => ({
    id: d.id,
    firstName: d.firstName,
    surname: d.surname,
    apicryptId: d.apicryptId,
    ...(d.rpps ? { rpps: d.rpps } : {}),
    ...(d.hprimCodes ? { hprimCodes: d.hprimCodes } : {}),
    ...(d.addresses ? { addresses: d.addresses } : {}),
  }));
}

export function policyContext(s: PracticeSetup): PolicyContext {
  const delegations: Record<string, string[]> = {};
  const cards: Record<string, { fingerprint?: string; rpps?: string }> = {};
  const doctorNames: Record<string, string> = {};
  for (const d of s.doctors) {
    delegations[d.id] = d.delegates ?? [];
    cards[d.id] = { ...(d.cardFingerprint ? { fingerprint: d.cardFingerprint } : {}), ...(d.rpps ? { rpps: d.rpps } : {}) };
    doctorNames[d.id] = doctorName(d);
  }
  return { delegations, cards, doctorNames };
}

/**
 * Remembers a doctor's CPS card the first time it is seen (SHA-256 of its signing certificate). A
 * different card later is refused: signing in a doctor's name needs that doctor's own card.
 */
export async function rememberCard(
  mailbox: Pick<MailboxApi, 'getSetting' | 'setSetting'>,
  doctorId: string,
  fingerprint: string,
): Promise<PracticeSetup> {
  const s = await loadPractice(mailbox);
  const d = s?.doctors.find((x) => x.id === doctorId);
  if (!s || !d) throw new PliError('doctor_unknown', 'Ce médecin ne fait pas partie du cabinet : vérifiez Paramètres > Cabinet de groupe.', { doctorId });
  const fp = fingerprint.toLowerCase();
  if (d.cardFingerprint && d.cardFingerprint.toLowerCase() !== fp) {
    throw new PliError(
      'card_not_this_doctor',
      `Cette carte CPS n’est pas celle déjà associée au ${doctorName(d)} : si la carte a été renouvelée, un administrateur doit d’abord retirer l’ancienne dans Paramètres > Cabinet de groupe.`,
      { doctorId },
    );
  }
  if (d.cardFingerprint) return s;
  return savePractice(mailbox, { ...s, doctors: s.doctors.map((x) => (x.id === doctorId ? { ...x, cardFingerprint: fp } : x)) });
}
