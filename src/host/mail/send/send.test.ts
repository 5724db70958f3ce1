import { describe, expect, it } from 'vitest';
import { decodeWindows1252, parseHprim } from '../../../core/hprim';
import { isPliError } from '../../../shared/errors';
import { composeLetter, DEFAULT_MAX_LETTER_BYTES, letterLimit, MAX_LETTER_BYTES } from './compose';
import { buildOutgoingMessage, encodeHeaderValue } from './mime';
import { checkRecipients, subjectWarnings } from './policy';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isPliError(e)) return e.code;
    throw e;
  }
  return 'no error';
};

describe('address policy', () => {
  it('accepts APICRYPT and MSSanté addresses, refuses anything else in French', () => {
    const ok = checkRecipients(['paul.MARTIN@medical75.apicrypt.org', 'x.y@interop-mssante.apicrypt.org', 'a.b@medecin.mssante.fr', 'PAUL.martin@MEDICAL75.apicrypt.org']);
    expect(ok.map((a) => a.kind)).toEqual(['apicrypt', 'apicrypt', 'mssante']);
    expect(code(() => checkRecipients(['paul.MARTIN@medical75.apicrypt.org', 'docteur@gmail.com']))).toBe('recipient_not_secure');
    expect(code(() => checkRecipients(['paul.MARTIN@medical75.apicrypt.com']))).toBe('address_apicrypt_domain');
    expect(code(() => checkRecipients([]))).toBe('recipient_missing');
  });
});

describe('subject warnings', () => {
  const patient = { surname: "D'AUBIGNÉ", firstName: 'Hélène', birthDate: '1985-03-12' };
  it('warns on the patient name, the birth date, a date or a NIR; not on a neutral subject', () => {
    expect(subjectWarnings('Document concernant votre patient', patient)).toEqual([]);
    expect(subjectWarnings('Bilan de helene', patient)[0]).toMatch(/nom ou le prénom/);
    expect(subjectWarnings('Mme d aubigne', patient)[0]).toMatch(/nom ou le prénom/);
    expect(subjectWarnings('Née le 12.03.1985', patient)[0]).toMatch(/date de naissance du patient/);
    expect(subjectWarnings('Résultats du 01/02/24', patient)[0]).toMatch(/pourrait être une date de naissance/);
    expect(subjectWarnings('NIR 2 85 03 75 123 456 78')[0]).toMatch(/sécurité sociale/);
    // A short first name must not match inside other words.
    expect(subjectWarnings('Alessandro', { surname: 'LI', firstName: 'Al' })).toEqual([]);
  });
});

describe('compose', () => {
  it('writes the 12-line HPRIM header, checks the size, defaults the subject', () => {
    const c = composeLetter(
      { to: ['paul.MARTIN@medical75.apicrypt.org'], subject: ' ', patient: { surname: 'DURAND', firstName: 'Léa', birthDate: '03/04/2001' }, text: 'Bonjour,\nà bientôt.' },
      { sender: 'jean.DUPONT@medical75.apicrypt.org', maxBytes: DEFAULT_MAX_LETTER_BYTES, now: new Date(2026, 10, 22) },
    );
    expect(c.letter.subject).toBe('Document concernant votre patient');
    const text = decodeWindows1252(c.letter.payload!);
    const lines = text.split('\n');
    expect(lines.slice(1, 3)).toEqual(['DURAND', 'Léa']);
    expect(lines[6]).toBe('03/04/2001');
    expect(lines[9]).toBe('22/11/2026');
    expect(lines[10]).toBe(`${''.padEnd(10)} jean.DUPONT`);
    expect(lines[11]).toBe(`${''.padEnd(10)} paul.MARTIN`);
    expect(parseHprim(c.letter.payload!).documents[0]?.text.trim()).toBe('Bonjour,\nà bientôt.');
    expect(code(() => composeLetter({ to: ['paul.MARTIN@medical75.apicrypt.org'], subject: '', text: 'x'.repeat(2000) }, { sender: 'a@medical75.apicrypt.org', maxBytes: 1000 }))).toBe('letter_too_large');
    expect(letterLimit(undefined)).toBe(900 * 1024);
  });

  it('writes the patient code, NIR and document date into the header, and refuses a NIR whose key is wrong', () => {
    const to = ['paul.MARTIN@medical75.apicrypt.org'];
    const opts = { sender: 'jean.DUPONT@medical75.apicrypt.org', maxBytes: DEFAULT_MAX_LETTER_BYTES, now: new Date(2026, 10, 22) };
    // Synthetic NIR: body 2 79 04 75 111 222, key 97 - (2790475111222 mod 97).
    const body = '2790475111222';
    const key = String(97 - Number(BigInt(body) % 97n)).padStart(2, '0');
    const patient = { surname: 'LEFÈVRE', firstName: 'Amélie', birthDate: '1979-04-12', nir: `${body}${key}`, code: 'PAT-0042', documentDate: '2026-11-20' };
    const c = composeLetter({ to, subject: '', patient, text: 'Compte rendu.' }, opts);
    const doc = parseHprim(c.letter.payload!).documents[0]!;
    expect(doc.patient.code).toBe('PAT-0042');
    expect(doc.patient.nir).toBe(`${body}${key}`);
    expect(doc.documentDate).toBe('2026-11-20');
    expect(c.letter.documentDate).toBe('2026-11-20');
    const wrongKey = String((Number(key) % 97) + 1).padStart(2, '0');
    expect(code(() => composeLetter({ to, subject: '', patient: { ...patient, nir: `${body}${wrongKey}` }, text: 'x' }, opts))).toBe('patient_nir_invalid');
    expect(code(() => composeLetter({ to, subject: '', patient: { ...patient, nir: '27904' }, text: 'x' }, opts))).toBe('patient_nir_invalid');
    // The 13 characters alone are accepted, as HPRIM allows.
    expect(parseHprim(composeLetter({ to, subject: '', patient: { ...patient, nir: body }, text: 'x' }, opts).letter.payload!).documents[0]!.patient.nir).toBe(body);
    expect(code(() => composeLetter({ to, subject: '', patient: { ...patient, documentDate: '31/02/2026' }, text: 'x' }, opts))).toBe('document_date_invalid');
    expect(letterLimit(50 * 1024 * 1024)).toBe(MAX_LETTER_BYTES);
  });
});

describe('outgoing message', () => {
  it('is 7bit ISO-8859-1 text/plain, with .apz parts when there are attachments and an encoded subject', () => {
    const one = buildOutgoingMessage({ from: 'a@x.apicrypt.org', to: ['b@x.apicrypt.org'], cc: [], subject: 'Avis', messageId: '<1@x>', date: new Date(0), armoredBody: '$APICRYPT x\n\n#BINASCII1#\nAB\n#ENDBINASCII1#', apz: [] }).toString('latin1');
    expect(one).toMatch(/\r\nContent-Type: text\/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\$APICRYPT x\r\n\r\n#BINASCII1#\r\n/);
    const multi = buildOutgoingMessage({ from: 'a@x.apicrypt.org', to: ['b@x.apicrypt.org'], cc: ['c@x.apicrypt.org'], subject: 'Écho', messageId: '<1@x>', date: new Date(0), armoredBody: 'A', apz: [{ name: 'compte-rendu.pdf.apz', bytes: new Uint8Array([0, 255]) }] }).toString('latin1');
    expect(multi).toContain('Content-Type: multipart/mixed;');
    expect(multi).toContain('filename="compte-rendu.pdf.apz"');
    expect(multi).toContain('AP8=');
    expect(multi).toContain(`Subject: ${encodeHeaderValue('Écho')}`);
    expect(encodeHeaderValue('Écho')).toBe('=?UTF-8?B?w4ljaG8=?=');
    expect([...multi].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
  });
});
