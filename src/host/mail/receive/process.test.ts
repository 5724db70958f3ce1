import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  armorLetter,
  decryptArmoredLetter,
  encodeLetterPayload,
  letterComments,
  sealLetter,
  type PadUse,
} from '../../../core/apicrypt';
import { PliError } from '../../../shared/errors';
import { classifyMail } from '../classify';
import { parseMail, receivedContentHash } from '../mime';
import { processMessage, type LetterOpener } from './process';

const PAD = 64 * 1024;
const pads = new Map([
  ['Master', new Uint8Array(randomBytes(PAD))],
  ['paul.MARTIN', new Uint8Array(randomBytes(PAD))],
]);

/** Decrypts with in-memory pads, like KeyService does with the mailbox's. */
const opener: LetterOpener = {
  openLetterBody: async (armored) => decryptArmoredLetter(armored, (owner) => pads.get(owner)),
  openApzFile: async () => {
    throw new PliError('apz_bad_magic', 'Pièce jointe illisible.');
  },
};

function seal(text: string, offset = 100): string {
  const payload = encodeLetterPayload({ text, recipients: { to: ['paul.MARTIN'] }, mode: 'cp1252', messageId: 'ID-42' });
  const use = (owner: string, at: number): PadUse => ({ owner, year: 2026, tag: '1000', pad: pads.get(owner)!, offset: at, counter: 1 });
  const master = use('Master', offset);
  const user = use('paul.MARTIN', offset + 100);
  return armorLetter(sealLetter(payload, master, user), letterComments(master, user));
}

function mail(body: string, headers: string[] = []): Uint8Array {
  const head = [
    ...headers,
    'From: "Dr Jean DUPONT" <jean.DUPONT@medical75.apicrypt.org>',
    'To: <paul.MARTIN@medical75.apicrypt.org>',
    'Subject: =?UTF-8?Q?Document_concernant_votre_patient_=C3=A9?=',
    'Date: Fri, 09 Jan 2026 10:00:00 +0000',
    'Message-ID: <m1@pli.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=ISO-8859-1',
    'Content-Transfer-Encoding: 7bit',
  ];
  return new Uint8Array(Buffer.from(`${head.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}`, 'latin1'));
}

const HPRIM = [
  'PAT1', 'TESTUNIT', 'Zoé', '', '', '75013 VILLE-FICTIVE', '21/01/1964', '', 'DOS-1', '09/01/2026',
  'LAB012     Laboratoire Fictif', 'DRTEST01   Dr Jean DUPONT', 'Glycémie élevée.', '****LAB****',
  'RES|Glycémie à jeun|GLY|N|1.32|g/l|0.70|1.10|H|F', '****FIN****', '',
].join('\n');

describe('processMessage', () => {
  it('decrypts an APICRYPT letter and reads its HPRIM patient, date and labs', async () => {
    const raw = mail(seal(HPRIM));
    const l = await processMessage(raw, { keys: opener });
    expect(l).toMatchObject({
      kind: 'apicrypt',
      folder: 'reception',
      text: HPRIM,
      subject: 'Document concernant votre patient é',
      sender: 'jean.DUPONT@medical75.apicrypt.org',
      recipients: ['paul.MARTIN'],
      messageId: '<m1@pli.test>',
      apicryptId: 'ID-42',
      patient: { surname: 'TESTUNIT', firstName: 'Zoé', birthDate: '1964-01-21' },
      documentDate: '2026-01-09',
      receivedAt: Date.parse('2026-01-09T10:00:00Z'),
    });
    expect(l.labs).toEqual([expect.objectContaining({ code: 'GLY', value: '1.32', flag: 'H', low: 0.7, high: 1.1 })]);
    expect(l.raw).toBe(raw);
    expect(l.review).toBeUndefined();
  });

  it('reads the armor of a one-part body from its bytes, and from its text in a charset that is not ASCII-compatible', async () => {
    const given: string[] = [];
    const spy: LetterOpener = { ...opener, openLetterBody: (a) => (given.push(typeof a), opener.openLetterBody(a)) };
    const latin1 = await processMessage(mail(seal(HPRIM)), { keys: spy });
    const body = seal(HPRIM).replace(/\r?\n/g, '\r\n');
    const utf16 = new Uint8Array(Buffer.concat([
      Buffer.from('From: <jean.DUPONT@medical75.apicrypt.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-16LE\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1'),
      Buffer.from(body, 'utf16le'),
    ]));
    const wide = await processMessage(utf16, { keys: spy });
    expect(given).toEqual(['object', 'string']);
    expect([latin1.text, wide.text]).toEqual([HPRIM, HPRIM]);
    expect([latin1.folder, wide.folder]).toEqual(['reception', 'reception']);
  });

  it('recognises the same letter re-encrypted with other pad bytes (Message-ID + content)', async () => {
    const a = await processMessage(mail(seal(HPRIM, 100)), { keys: opener });
    const b = await processMessage(mail(seal(HPRIM, 5000), ['Received: from x by y; Fri, 09 Jan 2026 10:00:02 +0000']), { keys: opener });
    expect(Buffer.from(a.raw!)).not.toEqual(Buffer.from(b.raw!));
    expect(Buffer.from(a.contentHash!)).toEqual(Buffer.from(b.contentHash!));
    const other = await processMessage(mail(seal(HPRIM + 'PS\n', 100)), { keys: opener });
    expect(Buffer.from(other.contentHash!)).not.toEqual(Buffer.from(a.contentHash!));
  });

  it('puts an undecryptable letter in "À vérifier" with the French reason, original bytes kept', async () => {
    const raw = mail(seal('Bonjour'));
    const missing: LetterOpener = { ...opener, openLetterBody: async (a) => decryptArmoredLetter(a, (o) => (o === 'Master' ? pads.get(o) : undefined)) };
    const l = await processMessage(raw, { keys: missing });
    expect(l.folder).toBe('review');
    expect(l.review?.code).toBe('key_not_found');
    expect(l.review?.message_fr).toContain('paul.MARTIN.126');
    expect(l.raw).toBe(raw);
    // A damaged armor: checksum error. The first data character (after the 8-digit length) carries the
    // low bits of the first three bytes, so changing it always changes the binary; the last group's
    // left-aligned filler bits would not.
    const armored = seal('Bonjour');
    const i = armored.indexOf('#BINASCII1#') + '#BINASCII1#'.length + 1 + 8;
    const damaged = armored.slice(0, i) + (armored[i] === '1' ? '2' : '1') + armored.slice(i + 1);
    const d = await processMessage(mail(damaged), { keys: opener });
    expect(d.folder).toBe('review');
    expect(d.review?.code).toMatch(/^armor_/);
  });

  it('lets failures of Pli itself through instead of filing the letter', async () => {
    const closed: LetterOpener = { ...opener, openLetterBody: async () => Promise.reject(new PliError('mailbox_closed', 'fermée')) };
    await expect(processMessage(mail(seal('x')), { keys: closed })).rejects.toMatchObject({ code: 'mailbox_closed' });
  });

  it('keeps the HTML version of a plain mail beside its text, for the sandboxed view', async () => {
    const raw =
      'From: <secretariat@clinique.test>\r\nTo: <paul.MARTIN@medical75.apicrypt.org>\r\nSubject: Horaires\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nOuvert le lundi.\r\n' +
      '--a\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>Ouvert le <b>lundi</b>.</p><img src="https://tracker.invalid/x.png">\r\n--a--\r\n';
    const l = await processMessage(new Uint8Array(Buffer.from(raw)), { keys: opener });
    expect((l.text as string).trim()).toBe('Ouvert le lundi.');
    expect(l.html).toContain('<b>lundi</b>');
    const textOnly = await processMessage(mail('Bonjour.\n'), { keys: opener });
    expect(textOnly.html).toBeUndefined();
  });

  it('keeps plain mail and delivery-status notifications in Réception', async () => {
    const plain = await processMessage(mail('Bonjour, à bientôt.\n'), { keys: opener });
    expect(plain).toMatchObject({ kind: 'plain', folder: 'reception', text: 'Bonjour, à bientôt.\n' });
    const dsn = new Uint8Array(
      Buffer.from(
        'From: <mailer-daemon@x.test>\r\nTo: <a@x.test>\r\nSubject: Courrier non distribué\r\nMIME-Version: 1.0\r\n' +
          'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n' +
          'Non remis.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; z@x.test\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n',
        'utf8',
      ),
    );
    const d = await processMessage(dsn, { keys: opener });
    expect(d).toMatchObject({ kind: 'dsn', folder: 'reception' });
    expect(d.text).toContain('Non remis.');
  });
});

describe('MIME helpers', () => {
  it('hashes a message without its transit headers', () => {
    const a = mail('Corps\n', ['Received: from a by b; Fri, 09 Jan 2026 10:00:01 +0000', 'Delivered-To: paul.MARTIN@x']);
    const b = mail('Corps\n', ['Return-Path: <x@y>', 'Received: from c by d;\r\n\tFri, 09 Jan 2026 11:00:00 +0000']);
    expect(Buffer.from(receivedContentHash(a))).toEqual(Buffer.from(receivedContentHash(b)));
    expect(Buffer.from(receivedContentHash(mail('Corps modifié\n')))).not.toEqual(Buffer.from(receivedContentHash(a)));
  });

  it('classifies APICRYPT bodies, .apz attachments and S/MIME', async () => {
    expect(classifyMail(await parseMail(mail(seal('x')))).kind).toBe('apicrypt');
    const apz =
      'From: <a@x.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nVoir PJ\r\n' +
      '--b\r\nContent-Type: application/octet-stream; name="cr.pdf.apz"\r\nContent-Disposition: attachment; filename="cr.pdf.apz"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\n';
    const c = classifyMail(await parseMail(new Uint8Array(Buffer.from(apz))));
    expect(c.kind).toBe('apz');
    expect(c.kind === 'apz' && c.apz.map((a) => [a.filename, a.content.length])).toEqual([['cr.pdf.apz', 3]]);
    const signed = 'From: <a@x.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="s"\r\n\r\n--s\r\nContent-Type: text/plain\r\n\r\nx\r\n--s\r\nContent-Type: application/pkcs7-signature; name="smime.p7s"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--s--\r\n';
    expect(classifyMail(await parseMail(new Uint8Array(Buffer.from(signed)))).kind).toBe('smime');
  });
});
