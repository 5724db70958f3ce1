import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockNoticeText,
  buildLdapFilter,
  CORRESPONDENTS,
  DirectoryIndex,
  escapeFilterValue,
  exportCorrespondentsCsv,
  decodeText,
  parseCsv,
  mapLdapEntry,
  mergeEntries,
  queryTokens,
  scoreEntry,
  splitPersonName,
  updateCorrespondent,
  type DirectoryEntry,
} from './index';

const e = (source: string, key: string, p: Partial<DirectoryEntry>): DirectoryEntry => ({
  source, key, displayName: [p.surname, p.givenName].filter(Boolean).join(' '), ...p,
});

const people: DirectoryEntry[] = [
  e('file:a', '1', { surname: 'DUPONT', givenName: 'Jean', specialty: 'Cardiologie', city: 'Paris', apicrypt: 'jean.DUPONT@medical75.apicrypt.org', rpps: '10002813839' }),
  e('file:a', '2', { surname: 'DUPONTEL', givenName: 'Marie', specialty: 'Pédiatrie', city: 'Lyon', apicrypt: 'marie.DUPONTEL@medical69.apicrypt.org' }),
  e('file:a', '3', { surname: 'MARTIN', givenName: 'Dupont', specialty: 'Psychiatrie', city: 'Paris', apicrypt: 'dupont.MARTIN@medical75.apicrypt.org' }),
  e('file:a', '4', { surname: 'BÉRANGER', givenName: 'Hélène', specialty: 'Cardiologie', city: 'Nice', apicrypt: 'helene.BERANGER@medical06.apicrypt.org' }),
  e('file:a', '5', { surname: 'NOËL-MARTIN', givenName: 'Zoé', profession: 'Infirmier', city: 'Lyon', apicrypt: 'zoe.NOEL-MARTIN@medical69.apicrypt.org' }),
  e('file:a', '6', { surname: 'DUPUIS', givenName: 'Luc', city: 'Saint-Étienne', postalCode: '42000', apicrypt: 'luc.DUPUIS@medical42.apicrypt.org' }),
];

function names(idx: DirectoryIndex, q: string, limit = 20): string[] {
  return idx.search(queryTokens(q), limit).map((h) => h.entry.displayName);
}

describe('search index', () => {
  const idx = new DirectoryIndex();
  idx.upsert(people);

  it('ranks an exact surname above a surname prefix above other fields', () => {
    expect(names(idx, 'dupont')).toEqual(['DUPONT Jean', 'DUPONTEL Marie', 'MARTIN Dupont']);
    expect(names(idx, 'DUP')).toEqual(['DUPONT Jean', 'DUPONTEL Marie', 'DUPUIS Luc', 'MARTIN Dupont']);
  });

  it('ignores accents and case, matches prefixes and compound names', () => {
    expect(names(idx, 'beranger')).toEqual(['BÉRANGER Hélène']);
    expect(names(idx, 'HELENE')).toEqual(['BÉRANGER Hélène']);
    expect(names(idx, 'noel')).toEqual(['NOËL-MARTIN Zoé']);
    expect(names(idx, 'noelmar')).toEqual(['NOËL-MARTIN Zoé']);
    expect(names(idx, 'st etienne')).toEqual([]);
    expect(names(idx, 'saint eti')).toEqual(['DUPUIS Luc']);
    expect(names(idx, '420')).toEqual(['DUPUIS Luc']);
  });

  it('combines criteria: name + city, name + speciality', () => {
    expect(names(idx, 'dupont lyon')).toEqual(['DUPONTEL Marie']);
    expect(names(idx, 'paris dup')).toEqual(['DUPONT Jean', 'MARTIN Dupont']);
    expect(names(idx, 'cardio dupont')).toEqual(['DUPONT Jean']);
    expect(names(idx, 'martin infirm')).toEqual(['NOËL-MARTIN Zoé']);
    expect(names(idx, 'dupont marseille')).toEqual([]);
  });

  it('boosts the user’s own correspondents', () => {
    const i2 = new DirectoryIndex();
    i2.upsert(people);
    expect(names(i2, 'dup', 1)).toEqual(['DUPONT Jean']);
    i2.upsert([{ ...e(CORRESPONDENTS, 'mail:luc', { surname: 'DUPUIS', givenName: 'Luc', apicrypt: 'luc.DUPUIS@medical42.apicrypt.org' }), uses: 3 }]);
    expect(names(i2, 'dup', 1)).toEqual(['DUPUIS Luc']);
  });

  it('updates, removes and replaces sources', () => {
    const i2 = new DirectoryIndex();
    i2.upsert(people);
    i2.upsert([{ ...people[0]!, city: 'Marseille' }]);
    expect(i2.size).toBe(people.length);
    expect(names(i2, 'dupont marseille')).toEqual(['DUPONT Jean']);
    expect(i2.remove('file:a', '1')).toBe(true);
    expect(names(i2, 'dupont')).toEqual(['DUPONTEL Marie', 'MARTIN Dupont']);
    i2.replaceSource('file:a', [people[3]!]);
    expect(i2.size).toBe(1);
    expect(names(i2, 'e')).toEqual([]);
    expect(names(i2, 'h')).toEqual(['BÉRANGER Hélène']);
    i2.compact();
    expect(names(i2, 'cardio')).toEqual(['BÉRANGER Hélène']);
    expect(i2.get('file:a', '4')?.surname).toBe('BÉRANGER');
  });

  it('agrees with the reference scoring on random data, before and after compaction', () => {
    const surnames = ['DUPONT', 'DUPUIS', 'DURAND', 'MARTIN', 'MARTINEZ', 'NOËL', 'LE GALL', 'BÉRANGER'];
    const given = ['Jean', 'Jeanne', 'Éric', 'Anne', 'Zoé'];
    const cities = ['Paris', 'Pau', 'Lyon', 'Lille', 'Évreux'];
    const arb = fc.array(
      fc.record({ s: fc.constantFrom(...surnames), g: fc.constantFrom(...given), c: fc.constantFrom(...cities), src: fc.constantFrom('file:a', 'ldap:b', CORRESPONDENTS) }),
      { minLength: 1, maxLength: 40 },
    );
    const q = fc.array(fc.constantFrom('d', 'du', 'dupont', 'mar', 'martin', 'je', 'jean', 'eric', 'pa', 'paris', 'l', 'evr', 'noel', 'gall', 'legall'), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(arb, q, fc.boolean(), (rows, words, compact) => {
        const entries = rows.map((r, i) => e(r.src, String(i), { surname: r.s, givenName: r.g, city: r.c }));
        const idx2 = new DirectoryIndex();
        idx2.upsert(entries);
        if (compact) idx2.compact();
        const tokens = queryTokens(words.join(' '));
        const got = idx2.search(tokens, 1000).map((h) => `${h.entry.key}:${h.score}`).sort();
        const want = entries.map((x) => [x, scoreEntry(x, tokens)] as const).filter(([, s]) => s > 0).map(([x, s]) => `${x.key}:${s}`).sort();
        expect(got).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });

  it('indexes a large batch (an import) directly and small writes after it in the delta', () => {
    const big = Array.from({ length: 6000 }, (_, i) => e('file:big', String(i), { surname: `NOM${i % 700}`, givenName: i % 2 ? 'Jean' : 'Zoé', city: i % 3 ? 'Paris' : 'Lyon' }));
    const i3 = new DirectoryIndex();
    i3.upsert(big);
    i3.upsert([e(CORRESPONDENTS, 'c', { surname: 'NOM1', givenName: 'Jean', city: 'Lyon' }), { ...big[1]!, city: 'Nice' }]);
    i3.remove('file:big', '701');
    const all = [...big.filter((x) => x.key !== '1' && x.key !== '701'), e(CORRESPONDENTS, 'c', { surname: 'NOM1', givenName: 'Jean', city: 'Lyon' }), { ...big[1]!, city: 'Nice' }];
    expect(i3.size).toBe(all.length);
    for (const q of ['nom1 jean', 'nom1 lyon', 'nice', 'z', 'nom70']) {
      const tokens = queryTokens(q);
      const got = i3.search(tokens, 10_000).map((h) => `${h.entry.source}/${h.entry.key}/${h.entry.city}:${h.score}`).sort();
      const want = all.map((x) => [x, scoreEntry(x, tokens)] as const).filter(([, sc]) => sc > 0).map(([x, sc]) => `${x.source}/${x.key}/${x.city}:${sc}`).sort();
      expect(got).toEqual(want);
    }
    expect(names(i3, 'nom1 lyon', 1)).toEqual(['NOM1 Jean']);
    expect(i3.search(queryTokens('nom1 lyon'), 1)[0]!.entry.source).toBe(CORRESPONDENTS);
  });
});

describe('merge of duplicates', () => {
  it('merges by RPPS or address, directories describing, correspondents flagged', () => {
    const file = e('file:a', 'rpps:10002813839', { surname: 'DUPONT', givenName: 'Jean', city: 'Paris', rpps: '10002813839', mssante: 'jean.dupont@medecin.mssante.fr' });
    const ldap = e('ldap:x', 'rpps:10002813839', { surname: 'DUPONT', givenName: 'Jean', specialty: 'Médecine générale', rpps: '10002813839', apicrypt: 'jean.DUPONT@medical75.apicrypt.org' });
    const corr = { ...e(CORRESPONDENTS, 'mail:x', { apicrypt: 'Jean.Dupont@medical75.apicrypt.org' }), displayName: 'Jean.Dupont@medical75.apicrypt.org', proxy: true };
    const other = e('file:a', 'rpps:2', { surname: 'DUPONT', givenName: 'Anne', rpps: '10000000017', apicrypt: 'anne.DUPONT@medical75.apicrypt.org' });
    const merged = mergeEntries([
      { entry: file, score: 100 },
      { entry: other, score: 90 },
      { entry: corr, score: 15 },
      { entry: ldap, score: 100 },
    ]);
    expect(merged).toHaveLength(2);
    const jean = merged[0]!;
    expect(jean.displayName).toBe('DUPONT Jean');
    expect(jean.specialty).toBe('Médecine générale');
    expect(jean.city).toBe('Paris');
    expect(jean.addresses).toEqual([
      { address: 'jean.DUPONT@medical75.apicrypt.org', kind: 'apicrypt' },
      { address: 'jean.dupont@medecin.mssante.fr', kind: 'mssante' },
    ]);
    expect(jean.sources.map((s) => s.source).sort()).toEqual([CORRESPONDENTS, 'file:a', 'ldap:x']);
    expect(jean.correspondent).toBe(true);
    expect(jean.proxy).toBe(true);
    expect(jean.score).toBeGreaterThan(100);
    expect(merged[1]!.displayName).toBe('DUPONT Anne');
  });
});

describe('LDAP filters and entries', () => {
  it('escapes every value (RFC 4515) so input cannot change the filter', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\0')).toBe('a\\5cb\\00');
    expect(buildLdapFilter({ name: 'dup*)(|(objectClass=*' })).toBe(
      '(&(objectClass=inetOrgPerson)(|(sn=dup\\2a\\29\\28|\\28objectClass=\\2a*)(givenName=dup\\2a\\29\\28|\\28objectClass=\\2a*)(cn=dup\\2a\\29\\28|\\28objectClass=\\2a*)))',
    );
    expect(buildLdapFilter({ name: 'Jean Dupont', profession: 'Cardio', city: '750' })).toBe(
      '(&(objectClass=inetOrgPerson)(|(sn=Jean*)(givenName=Jean*)(cn=Jean*))(|(sn=Dupont*)(givenName=Dupont*)(cn=Dupont*))(|(title=*Cardio*)(employeeType=*Cardio*))(postalCode=750*))',
    );
    expect(buildLdapFilter({ city: 'Saint-Étienne' })).toBe('(&(objectClass=inetOrgPerson)(l=Saint-Étienne*))');
    expect(buildLdapFilter({ name: '  ' })).toBeUndefined();
  });

  it('maps inetOrgPerson attributes, employeeNumber as RPPS', () => {
    const x = mapLdapEntry(
      { dn: 'uid=810002813839,ou=personnes,dc=x', SN: 'DUPONT', givenName: 'Jean', cn: 'Jean DUPONT', mail: ['jean.DUPONT@medical75.apicrypt.org', 'jd@medecin.mssante.fr'], title: 'Médecin', employeeType: 'Médecine générale', l: 'Paris', postalCode: '75011', street: '1 rue X', telephoneNumber: '01 40 00 00 10', employeeNumber: '10002813839' },
      'ldap:x',
    );
    expect(x).toEqual({
      source: 'ldap:x', key: 'rpps:10002813839', displayName: 'DUPONT Jean', surname: 'DUPONT', givenName: 'Jean', profession: 'Médecin', specialty: 'Médecine générale',
      city: 'Paris', postalCode: '75011', street: '1 rue X', phone: '01 40 00 00 10', apicrypt: 'jean.DUPONT@medical75.apicrypt.org', mssante: 'jd@medecin.mssante.fr', rpps: '10002813839',
    });
    expect(mapLdapEntry({ dn: 'cn=x', cn: 'Sans Adresse' }, 'ldap:x')).toBeUndefined();
    expect(mapLdapEntry({ dn: 'cn=x', cn: 'Jean DUPONT', mail: 'jd@exemple.fr' }, 'ldap:x')).toMatchObject({ surname: 'DUPONT', givenName: 'Jean', email: 'jd@exemple.fr', key: 'dn:cn=x' });
  });
});

describe('correspondents, block notice and export', () => {
  it('learns names and counts exchanges', () => {
    const a = updateCorrespondent(undefined, { address: 'paul.MARTIN@Medical75.apicrypt.org' }, 1000);
    expect(a).toMatchObject({ source: CORRESPONDENTS, key: 'mail:paul.martin@medical75.apicrypt.org', displayName: 'paul.MARTIN@medical75.apicrypt.org', uses: 1 });
    const b = updateCorrespondent(a, { address: 'paul.MARTIN@medical75.apicrypt.org', name: 'Dr Paul MARTIN', proxy: true }, 2000);
    expect(b).toMatchObject({ surname: 'MARTIN', givenName: 'Paul', displayName: 'MARTIN Paul', uses: 2, lastUsed: 2000, proxy: true });
    expect(updateCorrespondent(b, { address: 'paul.MARTIN@medical75.apicrypt.org' }, 3000)).toMatchObject({ displayName: 'MARTIN Paul', proxy: true, uses: 3 });
    expect(() => updateCorrespondent(undefined, { address: 'paul' }, 0)).toThrow('address_no_at');
    expect(splitPersonName('Marie-Claire LE GALL')).toEqual({ surname: 'LE GALL', givenName: 'Marie-Claire' });
    expect(splitPersonName('Jean Dupont')).toEqual({ surname: 'Dupont', givenName: 'Jean' });
  });

  it('states the reason in the notice', () => {
    expect(blockNoticeText({ reason: 'format' })).toMatch(/Motif : Format des messages inadapté\./);
    expect(blockNoticeText({ reason: 'other', note: 'Envoyez les résultats au laboratoire' }, 'Dr DUPONT')).toMatch(/Dr DUPONT a bloqué[\s\S]*Motif : Envoyez les résultats au laboratoire\./);
  });

  it('exports correspondents as quoted `;` CSV in UTF-8 with BOM', () => {
    const c = updateCorrespondent(undefined, { address: 'helene.BERANGER@medical06.apicrypt.org', name: 'Hélène BÉRANGER', proxy: false }, Date.UTC(2026, 10, 2));
    const m = updateCorrespondent(undefined, { address: 'x@chu.mssante.fr', name: 'Service CARDIO', proxy: true }, Date.UTC(2026, 10, 3));
    const bytes = exportCorrespondentsCsv([m, c], [{ address: 'x@chu.mssante.fr', key: 'x@chu.mssante.fr', reason: 'unwanted', notify: false, since: '' }]);
    const { text, charset } = decodeText(bytes);
    expect(charset).toBe('utf-8-bom');
    expect(text.split('\r\n')[1]).toBe('"BÉRANGER";"Hélène";"helene.BERANGER@medical06.apicrypt.org";"APICRYPT";"non";"";"";"";"";"1";"2026-11-02";""');
    expect(parseCsv(text, ';')[2]).toEqual(['CARDIO', 'Service', 'x@chu.mssante.fr', 'MSSanté', 'oui', '', '', '', '', '1', '2026-11-03', 'Messages non désirés']);
  });
});
