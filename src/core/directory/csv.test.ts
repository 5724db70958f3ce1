import { describe, expect, it } from 'vitest';
import { cp1252 } from '../charset';
import { decodeText, detectDelimiter, importDirectoryCsv, mapColumns, normalizePhone, normalizePostalCode, parseCsv, writeCsv } from './index';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('CSV reading', () => {
  it('parses quoted fields holding delimiters, doubled quotes and line breaks, with any line end', () => {
    const text = 'a;b;c\r\n"x;y";"dit ""bonjour""";"ligne 1\r\nligne 2"\n  z ; ;"" \rlast;1;2';
    expect(parseCsv(text, ';')).toEqual([
      ['a', 'b', 'c'],
      ['x;y', 'dit "bonjour"', 'ligne 1\r\nligne 2'],
      ['z', '', ''],
      ['last', '1', '2'],
    ]);
  });

  it('detects the delimiter from the lines, ignoring quoted ones', () => {
    expect(detectDelimiter('Nom;Prénom;Ville\nA;B;"Paris, 11e"\nC;D;Lyon\n')).toBe(';');
    expect(detectDelimiter('Nom,Prénom,Ville\nA,B,"Paris; 11e"\n')).toBe(',');
    expect(detectDelimiter('Nom\tPrénom\tVille\nA, B\tC\tD\n')).toBe('\t');
    expect(detectDelimiter('NOM|PRENOM\rA|B\r')).toBe('|');
  });

  it('detects the charset: BOM, strict UTF-8, else Windows-1252 (curly apostrophe and euro kept)', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Hélène')]))).toEqual({ text: 'Hélène', charset: 'utf-8-bom' });
    expect(decodeText(utf8('Noël'))).toEqual({ text: 'Noël', charset: 'utf-8' });
    expect(decodeText(cp1252.encode('rue de l’Église 5 €'))).toEqual({ text: 'rue de l’Église 5 €', charset: 'windows-1252' });
    const u16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Buffer.from('Zoé', 'utf16le'))]);
    expect(decodeText(u16)).toEqual({ text: 'Zoé', charset: 'utf-16le' });
  });

  it('maps French and English headers to fields', () => {
    const m = mapColumns(['Nom d’exercice', 'PRÉNOM', 'Spécialité', 'CP', 'Commune', 'Tél.', 'Adresse APICRYPT', 'Adresse MSSanté', 'N° RPPS', 'E-mail', 'Adresse']);
    expect(Object.fromEntries(m)).toEqual({
      surname: 0, givenName: 1, specialty: 2, postalCode: 3, city: 4, phone: 5, apicrypt: 6, mssante: 7, rpps: 8, email: 9, street: 10,
    });
    expect(Object.fromEntries(mapColumns(['Last name', 'First name', 'Speciality', 'Zip code', 'City', 'Email address', 'RPPS/ADELI']))).toEqual({
      surname: 0, givenName: 1, specialty: 2, postalCode: 3, city: 4, email: 5, professionalId: 6,
    });
  });

  it('normalises postcodes and phone numbers', () => {
    expect(normalizePostalCode('6000')).toBe('06000');
    expect(normalizePostalCode('75011')).toBe('75011');
    expect(normalizePhone('+33 4 72 00 00 02')).toBe('04 72 00 00 02');
    expect(normalizePhone('0140000010')).toBe('01 40 00 00 10');
    expect(normalizePhone('+41 22 000 00 00')).toBe('+41 22 000 00 00');
  });
});

describe('flat-file import', () => {
  const csv = [
    'Nom;Prénom;Spécialité;Ville;Adresse APICRYPT;RPPS/ADELI;E-mail',
    'DUPONT;Jean;Cardiologie;Paris;jean.DUPONT@Medical75.apicrypt.org;10002813839;',
    'MARTIN;Paul;;Lyon;paul.MARTIN@medical69.apicrypt.fr;;paul.martin@medecin.mssante.fr',
    'SANS;Rien;;;;;',
    'DUPONT;Jean;Cardiologie;Paris 11e;jean.DUPONT@medical75.apicrypt.org;10002813839;',
    ';;;;x@y.fr;;',
    'ADELI;Anne;;;;750000001;',
  ].join('\n');

  it('reads entries, classifies addresses by domain, merges rows of the same person and explains what it skips', () => {
    const r = importDirectoryCsv(utf8(csv), 'file:t');
    expect(r.delimiter).toBe(';');
    expect(r.charset).toBe('utf-8');
    expect(r.rows).toBe(6);
    expect(r.duplicates).toBe(1);
    expect(r.entries.map((e) => e.key)).toEqual(['rpps:10002813839', 'mail:paul.martin@medecin.mssante.fr', 'adeli:750000001']);
    const dupont = r.entries[0]!;
    expect(dupont).toMatchObject({ displayName: 'DUPONT Jean', city: 'Paris 11e', apicrypt: 'jean.DUPONT@medical75.apicrypt.org', specialty: 'Cardiologie' });
    expect(r.entries[1]).toMatchObject({ mssante: 'paul.martin@medecin.mssante.fr' });
    expect(r.entries[1]!.apicrypt).toBeUndefined();
    expect(r.warnings.map((w) => w.row)).toEqual([3]);
    expect(r.warnings[0]!.message_fr).toMatch(/Ligne 3 : adresse ignorée.*\.apicrypt\.org/);
    expect(r.skipped.map((s) => s.row)).toEqual([4, 6]);
    expect(r.skipped[0]!.message_fr).toMatch(/ni adresse de messagerie valide ni numéro RPPS\/ADELI/);
  });

  it('refuses a file whose header names no usable column, in French', () => {
    expect(() => importDirectoryCsv(utf8('a;b\n1;2\n'), 'file:t')).toThrow(/directory_csv_header.*« Nom »/);
    expect(() => importDirectoryCsv(new Uint8Array(), 'file:t')).toThrow('directory_csv_empty');
  });

  it('round-trips its own export format', () => {
    const out = writeCsv([['Nom', 'Note'], ['DUPONT', 'a;b "c"\nd'], ['=cmd', '+33 1 40']]);
    expect([...out.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const d = decodeText(out);
    expect(d.charset).toBe('utf-8-bom');
    expect(parseCsv(d.text, detectDelimiter(d.text))).toEqual([['Nom', 'Note'], ['DUPONT', 'a;b "c"\nd'], ["'=cmd", '+33 1 40']]);
  });
});
