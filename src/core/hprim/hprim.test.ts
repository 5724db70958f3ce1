import { describe, expect, it } from 'vitest';
import { PliError } from '../../shared/errors';
import { decodeHprimBytes, decodeMacRoman, decodeWindows1252, repairMacRomanMojibake } from './charset';
import { encodeText } from './charset-encode';
import { parseHprim } from './parse';
import { delimitersOf } from './sante';
import { labSeries, labSeriesByPatient, labTable } from './series';
import { splitDocuments } from './split';
import type { HprimDocumentInput, WriterProfile } from './types';
import { toDocumentInput, writeHprimMedecins, writeHprimMedecinsFile } from './writer';

const latin1 = (b: Uint8Array): string => decodeWindows1252(b);

const doc = (over: Partial<HprimDocumentInput> = {}): HprimDocumentInput => ({
  patient: {
    code: 'P42',
    surname: 'FICTIF',
    firstName: 'Noémie',
    address1: '1 place de l’Exemple',
    postcodeCity: '69001 LYON',
    birthDate: '1990-07-05',
    nir: '2 90 07 69 123 456',
  },
  reference: 'R-1',
  documentDate: '2026-11-21',
  sender: { code: 'LAB01', name: 'Laboratoire Fictif' },
  recipient: { code: 'DRX', name: 'Dr X' },
  text: 'Ligne 1\n\nLigne 3',
  ...over,
});

const PROFILE: WriterProfile = { charset: 'windows-1252', lineEnd: 'crlf', line13: 'empty', line1: 'patientCode' };

describe('writer profile (spec §1)', () => {
  it('writes 12 lines, pads 4/5 to 30 and codes to 10, fills 7 and 10, empty line 13, markers, CRLF', () => {
    const text = latin1(writeHprimMedecins(doc({ lab: [{ label: 'Glucose', code: 'GLU', type: 'N', value: '5.1', unit: 'mmol/l', low: '3.9', high: '6.1', flag: 'N', status: 'F' }] }), PROFILE));
    const lines = text.split('\r\n');
    expect(lines.slice(0, 13)).toEqual([
      'P42', 'FICTIF', 'Noémie', '1 place de l’Exemple'.padEnd(30), ''.padEnd(30), '69001 LYON', '05/07/1990',
      '2900769123456', 'R-1', '21/11/2026', 'LAB01      Laboratoire Fictif', 'DRX        Dr X', '',
    ]);
    expect(lines.slice(13)).toEqual(['Ligne 1', '', 'Ligne 3', '****LAB****', 'RES|Glucose|GLU|N|5.1|mmol/l|3.9|6.1|N|F', '****FIN****', '****FINFICHIER****', '']);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('honours line ends, line 13 and line 1 choices', () => {
    const lf = latin1(writeHprimMedecins(doc({ title: 'BILAN' }), { charset: 'utf-8', lineEnd: 'lf', line13: 'space', line1: 'title' }));
    expect(lf.split('\n')[0]).toBe('BILAN');
    expect(lf.split('\n')[12]).toBe(' ');
    expect(lf).not.toContain('\r');
    const cr = latin1(writeHprimMedecins(doc(), { charset: 'utf-8', lineEnd: 'cr', line13: 'none', line1: 'patientCode' }));
    expect(cr.split('\r')[12]).toBe('Ligne 1');
    expect(cr).not.toContain('\n');
  });

  it('writes the NIR key when given and the second unit of a result', () => {
    const bytes = writeHprimMedecins(
      doc({ patient: { ...doc().patient, nir: '2 90 07 69 123 456 15' }, lab: [{ label: 'Gly', type: 'N', value: '1', value2: '5.5', unit2: 'mmol/l' }] }),
      PROFILE,
    );
    const text = latin1(bytes);
    expect(text).toContain('\r\n2900769123456 15\r\n');
    expect(text).toContain('RES|Gly||N|1||||||5.5|mmol/l||\r\n');
  });

  it('transliterates what the charset cannot hold, never drops it', () => {
    const src = 'Œuvre cœur l’acte 25 € … « x » – ok ☃ ǅ';
    expect(latin1(encodeText(src, 'iso-8859-1').bytes)).toBe('OEuvre coeur l\'acte 25 EUR ... « x » - ok ? Dz');
    const r = encodeText(src, 'windows-1252');
    expect(r.replaced).toEqual(['☃', 'ǅ']);
    expect(decodeHprimBytes(r.bytes).text).toBe('Œuvre cœur l’acte 25 € … « x » – ok ? Dz');
    const mac = encodeText('Été à Noël œ € ’', 'mac-roman');
    expect(mac.replaced).toEqual([]);
    expect(decodeMacRoman(mac.bytes)).toBe('Été à Noël œ € ’');
  });

  it('refuses fields it cannot write, with a French reason', () => {
    const bad: Array<Partial<HprimDocumentInput>> = [
      { documentDate: '2026-02-30' },
      { sender: { code: 'TROP LONG CODE', name: 'x' } },
      { text: 'avant\n****FIN****\naprès' },
      { reference: 'a\nb' },
      { lab: [{ label: 'x', type: 'A', value: 'a|b' }] },
    ];
    for (const over of bad) {
      try {
        writeHprimMedecins(doc(over), PROFILE);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(PliError);
        expect((e as PliError).code).toBe('hprim_field_invalid');
        expect((e as PliError).message_fr).toMatch(/HPRIM/);
      }
    }
  });
});

describe('HPRIM Médecins quirks (spec §1, §3)', () => {
  const header = ['C1', 'TEST', 'Jean', '', '', '', '01/02/1980', '', '', '03/04/2026', 'SRC        Source', 'DST        Dest'];

  it('reads HTML entities and <br />, stray-space markers, RES with 4 to 14 fields and decimal commas', () => {
    const text = [
      ...header,
      'Taux &gt; seuil&nbsp;: r&eacute;sultat<br/>suite &amp; fin &#233;t&#xE9;',
      '  ****  LAB  ****',
      'RES|A|B|N',
      'RES|Na|NA|N|140|mmol/l|135,5|145,5| h |c|||||extra',
      'RES|||N|1',
      '**** fin ****',
    ].join('\n');
    const f = parseHprim(text);
    const d = f.documents[0]!;
    expect(d.text).toBe('Taux > seuil\u00a0: résultat\nsuite & fin été');
    expect(d.lab).toHaveLength(2);
    expect(d.lab[0]).toEqual({ label: 'A', code: 'B', type: 'N', value: '', abnormal: false });
    expect(d.lab[1]).toMatchObject({ value: '140', numericValue: 140, lowValue: 135.5, highValue: 145.5, flag: 'H', status: 'C', abnormal: true });
    expect(f.problems.some((p) => p.includes('RES'))).toBe(true);
    expect(f.problems).toContain('****FINFICHIER**** absent.');
  });

  it('keeps a plain & or < as written', () => {
    const d = parseHprim([...header, 'A & B < C &co', '****FIN****'].join('\r\n')).documents[0]!;
    expect(d.text).toBe('A & B < C &co');
  });

  it('flags abnormal values from the range when no flag is given, and from a star', () => {
    const d = parseHprim([...header, '****LAB****', 'RES|X|X|N|9|u|1|5', 'RES|Y|Y|N|3|u|1|5', 'RES|Z|Z|A|positif *', '****FIN****'].join('\n')).documents[0]!;
    expect(d.lab.map((r) => r.abnormal)).toEqual([true, false, true]);
  });

  it('splits several documents, skipping blank lines between them but not an empty line 1', () => {
    const two = [...header, 'Doc 1', '****FIN****', '', ...header.map((l, i) => (i === 0 ? '' : l)), 'Doc 2', '****FIN****', '****FINFICHIER****'];
    const f = parseHprim(two.join('\r\n'));
    expect(f.documents.map((d) => d.text)).toEqual(['Doc 1', 'Doc 2']);
    expect(f.documents[1]!.patient.surname).toBe('TEST');
    expect(f.documents[1]!.patient.code).toBeUndefined();
    expect(f.problems).toEqual([]);
  });

  it('gives a French reason for a document it cannot fully read and keeps its text', () => {
    const f = parseHprim(['X', 'SEUL', '', '', '', '', 'pas une date', '', '', '', '', '', 'texte', '****FIN****'].join('\n'));
    const d = f.documents[0]!;
    expect(d.valid).toBe(false);
    expect(d.reason_fr).toMatch(/prénom absent.*date de naissance illisible/);
    expect(d.text).toBe('texte');
  });

  it('fieldsOnly: the same patients, dates, results, problems and reasons, without rebuilding the texts', () => {
    const files = [
      [...header, 'Doc 1', '****LAB****', 'RES|Glycémie|GLY|N|1,32|g/l|0.70|1.10|H|F', '****FIN****', '', ...header, 'Doc 2', '****FIN****', '****FINFICHIER****'],
      ['X', 'SEUL', '', '', '', '', 'pas une date', '', '', '', '', '', 'texte', '****FIN****'],
      ['Bonjour,', 'ceci est un courriel.'],
    ].map((lines) => lines.join('\r\n'));
    for (const text of files) {
      const full = parseHprim(text);
      const fields = parseHprim(text, { fieldsOnly: true });
      const blank = (d: (typeof full.documents)[number]) => ({ ...d, text: '', raw: '' });
      expect(fields).toEqual({ ...full, documents: full.documents.map(blank) });
      expect(fields.documents.every((d) => d.text === '' && d.raw === '')).toBe(true);
    }
  });

  it('recognises what is not HPRIM at all', () => {
    expect(parseHprim('').kind).toBe('unknown');
    const unknown = parseHprim('Bonjour,\nceci est un courriel.');
    expect(unknown.kind).toBe('unknown');
    expect(unknown.documents[0]!.text).toBe('Bonjour,\nceci est un courriel.');
    expect(unknown.documents[0]!.valid).toBe(false);
  });
});

describe('charset detection (spec §3)', () => {
  it('tells Mac Roman from Windows-1252 bytes', () => {
    const word = 'Réévaluation très améliorée à J8, contrôle prévu';
    const mac = encodeText(word, 'mac-roman').bytes;
    expect(decodeHprimBytes(mac)).toMatchObject({ text: word, charset: 'mac-roman' });
    const cp = encodeText(word, 'windows-1252').bytes;
    expect(decodeHprimBytes(cp)).toMatchObject({ text: word, charset: 'windows-1252' });
  });

  it('repairs Mac Roman mojibake only when it clearly improves the text', () => {
    expect(repairMacRomanMojibake('Patient traitÈ, ‡ revoir')).toBe('Patient traité, à revoir');
    expect(repairMacRomanMojibake('R…SULTAT Èvolution traitÈe')).toBe('RÉSULTAT évolution traitée');
    expect(repairMacRomanMojibake('Ève et LEFÈVRE sont à Île-de-France')).toBeUndefined();
    // More genuine accents than look-alikes: leave it alone.
    expect(repairMacRomanMojibake('réévaluée, améliorée, à contrôler ; MaÈl')).toBeUndefined();
  });

  it('reads UTF-16 without BOM and UTF-16BE with BOM', () => {
    const s = 'Été\r\nx';
    const le = new Uint8Array(s.length * 2);
    const be = new Uint8Array(2 + s.length * 2);
    be.set([0xfe, 0xff]);
    for (let i = 0; i < s.length; i++) {
      le[2 * i] = s.charCodeAt(i);
      be[2 + 2 * i + 1] = s.charCodeAt(i);
    }
    expect(decodeHprimBytes(le)).toEqual({ text: s, charset: 'utf-16le', lineEnd: 'crlf' });
    expect(decodeHprimBytes(be)).toEqual({ text: s, charset: 'utf-16be-bom', lineEnd: 'crlf' });
  });
});

describe('HPRIM Santé', () => {
  it('reads delimiters from the H line (the ~ / ^ trap)', () => {
    expect(delimitersOf('H|~^\\&|x')).toEqual({ field: '|', component: '~', repetition: '^', escape: '\\', subcomponent: '&' });
    expect(delimitersOf('H|^~\\&|x')).toMatchObject({ component: '^', repetition: '~' });
    expect(delimitersOf('H|~|x')).toEqual({ field: '|', component: '~', repetition: '^', escape: '\\', subcomponent: '&' });
  });

  it('maps one document per P, with HL7-ordered delimiters read as declared', () => {
    const f = parseHprim(
      ['H|^~\\&|||L^Lab|||||||P|H2.1^C|20260102', 'P|1|X||| DOE ^Ann||19700101|F', 'OBX|1|NM|A^Alpha^L||3|u|1^2|H', 'L|1'].join('\r'),
    );
    expect(f.kind).toBe('sante');
    expect(f.version).toBe('H2.1');
    expect(f.documents[0]!.patient).toMatchObject({ surname: 'DOE', firstName: 'Ann', birthDate: '1970-01-01' });
    expect(f.documents[0]!.lab[0]).toMatchObject({ code: 'A', label: 'Alpha', low: '1', high: '2', flag: 'H', abnormal: true });
  });
});

describe('split, series, table', () => {
  const lab = (v: string, flag?: 'H') => [{ label: 'Glycémie', code: 'gly', type: 'N', value: v, unit: 'g/l', low: '0.7', high: '1.1', ...(flag ? { flag } : {}) }];

  it('splits a multi-document file into complete files in the target profile', () => {
    const file = writeHprimMedecinsFile([doc({ text: 'Un', lab: lab('1') }), doc({ text: 'Deux', documentDate: '2026-01-02' })], PROFILE).bytes;
    const parsed = parseHprim(file);
    const parts = splitDocuments(parsed, { charset: 'utf-8', lineEnd: 'lf', line13: 'empty', line1: 'patientCode' });
    expect(parts).toHaveLength(2);
    const t0 = new TextDecoder().decode(parts[0]!.bytes);
    expect(t0.endsWith('RES|Glycémie|gly|N|1|g/l|0.7|1.1||\n****FIN****\n****FINFICHIER****\n')).toBe(true);
    expect(t0.startsWith('P42\nFICTIF\nNoémie\n')).toBe(true);
    for (const [i, p] of parts.entries()) {
      const again = parseHprim(p.bytes);
      expect(again.problems).toEqual([]);
      expect(again.documents).toHaveLength(1);
      expect(again.documents[0]!.text).toBe(parsed.documents[i]!.text);
    }
  });

  it('converts HPRIM Santé documents to HPRIM Médecins files', () => {
    const sante = parseHprim('H|~^\\&|||L~Lab|||||D~Doc|||H2.2|20260102\rP|1|X|||DOE~Ann||19700101|F\rOBX|1|NM|A~Alpha~L||3|u|1-2|H\rL|1\r');
    const [part] = splitDocuments(sante);
    const back = parseHprim(part!.bytes);
    expect(back.kind).toBe('medecins');
    expect(back.documents[0]!.patient).toMatchObject({ surname: 'DOE', firstName: 'Ann', birthDate: '1970-01-01' });
    expect(back.documents[0]!.lab[0]).toMatchObject({ code: 'A', value: '3', low: '1', high: '2', flag: 'H' });
    expect(back.documents[0]!.documentDate).toBe('2026-01-02');
  });

  it('builds per-analyte series sorted by date and a per-letter table', () => {
    const mk = (date: string, v: string, flag?: 'H') => parseHprim(writeHprimMedecins(doc({ documentDate: date, lab: lab(v, flag) }), PROFILE)).documents[0]!;
    const docs = [mk('2026-03-01', '1,3', 'H'), mk('2025-12-01', '0.9'), mk('2026-01-15', '1.0')];
    const other = parseHprim(writeHprimMedecins(doc({ lab: [{ label: 'Glycémie ', type: 'N', value: '2' }] }), PROFILE)).documents[0]!;
    const series = labSeries([...docs, other]);
    const gly = series.find((s) => s.key === 'code:GLY')!;
    expect(gly.points.map((p) => [p.date, p.numericValue, p.abnormal])).toEqual([
      ['2025-12-01', 0.9, false],
      ['2026-01-15', 1, false],
      ['2026-03-01', 1.3, true],
    ]);
    expect(gly.points[0]).toMatchObject({ low: 0.7, high: 1.1, unit: 'g/l' });
    expect(series.find((s) => s.key === 'label:GLYCEMIE')!.points).toHaveLength(1);
    const other2 = parseHprim(writeHprimMedecins(doc({ patient: { ...doc().patient, surname: 'AUTRE', nir: undefined }, lab: lab('3') }), PROFILE)).documents[0]!;
    const byPatient = labSeriesByPatient([...docs, other2]);
    expect(byPatient.size).toBe(2);
    expect(byPatient.get('id:AUTRE|NOEMIE|1990-07-05')![0]!.points.map((p) => p.value)).toEqual(['3']);
    expect(labTable(docs[0]!)).toEqual([{ label: 'Glycémie', code: 'gly', value: '1,3', unit: 'g/l', range: '0.7 - 1.1', flag: 'H', abnormal: true, second: '' }]);
  });

  it('toDocumentInput re-writes a parsed document identically', () => {
    const bytes = writeHprimMedecins(doc({ lab: lab('1') }), PROFILE);
    expect(writeHprimMedecins(toDocumentInput(parseHprim(bytes).documents[0]!), PROFILE)).toEqual(bytes);
  });
});
