/**
 * What may leave and how: recipients must be reachable through the APICRYPT trusted server (health data
 * never leaves in clear), and the subject, which travels unencrypted, must not carry patient identity.
 */
import { addressKey, parseAddress, type Address } from '../../../core/address';
import { normalizeName, parseDate } from '../../../core/patient';
import { PliError } from '../../../shared/errors';

export const DEFAULT_SUBJECT = 'Document concernant votre patient';

/**
 * Checks and normalises every recipient. `*.apicrypt.org` (the APICRYPT network, its MSSanté gateway
 * included) and `*.mssante.fr` (reached through the trusted server, which routes full addresses) are
 * accepted; any other address is refused, naming it. Duplicates (case-insensitive) are dropped.
 */
export function checkRecipients(addresses: readonly string[]): Address[] {
  const out: Address[] = [];
  const seen = new Set<string>();
  for (const input of addresses) {
    const a = parseAddress(input);
    if (a.kind === 'other') {
      throw new PliError(
        'recipient_not_secure',
        `Pli refuse d’envoyer ce courrier à « ${a.address} » : ce n’est ni une adresse APICRYPT (…@medicalNN.apicrypt.org) ni une messagerie MSSanté (…@….mssante.fr). ` +
          'Des données de santé ne doivent jamais partir en clair : retirez cette adresse ou demandez au destinataire son adresse APICRYPT ou MSSanté.',
        { address: a.address },
      );
    }
    const key = addressKey(a.address);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  if (out.length === 0) throw new PliError('recipient_missing', 'Ajoutez au moins un destinataire.');
  return out;
}

export interface SubjectPatient {
  surname?: string;
  firstName?: string;
  birthDate?: string;
}

/** Upper case, no accents, words separated by single spaces, padded so that ` WORD ` finds whole words. */
function words(s: string): string {
  return ` ${normalizeName(s).replace(/[^A-Z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim()} `;
}

/** Every way a birth date is commonly typed, for a given ISO date. */
function dateForms(iso: string): string[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return [];
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const forms: string[] = [];
  for (const sep of ['/', '.', '-', ' ', '']) {
    forms.push(`${d}${sep}${mo}${sep}${y}`, `${d}${sep}${mo}${sep}${y.slice(2)}`);
    if (sep) forms.push(`${Number(d)}${sep}${Number(mo)}${sep}${y}`);
  }
  forms.push(`${y}-${mo}-${d}`, `${y}${mo}${d}`);
  return forms;
}

/**
 * French warnings for a subject that looks like it names the patient: the draft's patient surname or
 * first name appear in it as words, or it holds their birth date, or anything shaped like a date of
 * birth or a NIR. The subject is never encrypted (apicrypt-v1 §1).
 */
export function subjectWarnings(subject: string, patient?: SubjectPatient): string[] {
  const out: string[] = [];
  const subj = words(subject);
  const names = [patient?.surname, patient?.firstName]
    .map((n) => (n ? words(n).trim() : ''))
    .filter((n) => n.length >= 2);
  if (names.some((n) => subj.includes(` ${n} `))) {
    out.push('L’objet contient le nom ou le prénom du patient. L’objet d’un courrier APICRYPT n’est pas chiffré : retirez-en l’identité du patient (par exemple « Document concernant votre patient »).');
  }
  const birth = patient?.birthDate ? parseDate(patient.birthDate) : undefined;
  const compact = subject.replace(/\s+/g, ' ');
  const hasBirth = birth !== undefined && dateForms(birth).some((f) => f.length >= 6 && compact.includes(f));
  const dateLike = /(^|[^\d])\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2})(?!\d)/.test(compact) || /(^|[^\d])(19|20)\d{2}-\d{2}-\d{2}(?!\d)/.test(compact);
  if (hasBirth) {
    out.push('L’objet contient la date de naissance du patient. L’objet n’est pas chiffré : retirez cette date de l’objet.');
  } else if (dateLike) {
    out.push('L’objet contient une date qui pourrait être une date de naissance. L’objet n’est pas chiffré : n’y mettez aucune donnée permettant d’identifier le patient.');
  }
  if (/(^|[^\d])[12]\s?\d{2}\s?\d{2}\s?(\d{2}|2A|2B)\s?\d{3}\s?\d{3}(\s?\d{2})?(?!\d)/i.test(compact)) {
    out.push('L’objet contient ce qui ressemble à un numéro de sécurité sociale. L’objet n’est pas chiffré : retirez ce numéro.');
  }
  return out;
}

/** The subject actually sent: the user's, trimmed and on one line, or the neutral default. */
export function effectiveSubject(subject: string): string {
  const s = subject.replace(/[\r\n\t]+/g, ' ').trim();
  return s === '' ? DEFAULT_SUBJECT : s;
}
