import { describe, expect, it } from 'vitest';
import { matchName } from './names';
import { RoutingDirectory, routeLetter, ruleKey } from './route';
import type { RoutingDoctor } from './types';

const DOCTORS: RoutingDoctor[] = [
  { id: 'cm', firstName: 'Claire', surname: 'MARTIN', apicryptId: 'claire.MARTIN', rpps: '10100000001', hprimCodes: ['CMA01'] },
  { id: 'pm', firstName: 'Paul', surname: 'MARTIN', apicryptId: 'paul.MARTIN', rpps: '10100000002' },
  { id: 'jl', firstName: 'Jean-Luc', surname: 'LE GALL', apicryptId: 'jean-luc.LEGALL' },
  { id: 'hd', firstName: 'Hélène', surname: 'DURAND', apicryptId: 'helene.DURAND', hprimCodes: ['X1'] },
  { id: 'sb', firstName: 'Sophie', surname: 'BERNARD', apicryptId: 'sophie.BERNARD', hprimCodes: ['X1'] },
];
const dir = new RoutingDirectory(DOCTORS);
const one = (name: string, code?: string) => ({ recipients: [{ name, ...(code ? { code } : {}) }] });

describe('matchName', () => {
  it('reads the usual wordings and refuses other first names', () => {
    const claire = DOCTORS[0]!;
    expect(matchName('Dr Claire MARTIN', claire)).toBe('full');
    expect(matchName('MARTIN Claire', claire)).toBe('full');
    expect(matchName('Docteur C. Martin', claire)).toBe('full');
    expect(matchName('MARTIN', claire)).toBe('surname');
    expect(matchName('Dr Pierre MARTIN', claire)).toBe('none');
    expect(matchName('MARTINEZ', claire)).toBe('none');
    const jl = DOCTORS[2]!;
    expect(matchName('LEGALL Jean Luc', jl)).toBe('full');
    expect(matchName('Dr JL Le Gall', jl)).toBe('full');
    expect(matchName('docteur hélène durand', DOCTORS[3]!)).toBe('full');
  });
});

describe('routeLetter', () => {
  it('routes by identifier, RPPS, code and name', () => {
    expect(routeLetter(dir, one('claire.MARTIN'))).toMatchObject({ target: 'cm', reason: 'hprim_identifier' });
    expect(routeLetter(dir, one('RPPS 10100000002'))).toMatchObject({ target: 'pm', reason: 'hprim_rpps' });
    expect(routeLetter(dir, one('', 'CMA01'))).toMatchObject({ target: 'cm', reason: 'hprim_code' });
    expect(routeLetter(dir, one('DURAND'))).toMatchObject({ target: 'hd', reason: 'hprim_name' });
  });

  it('sends homonyms, contradictions and strangers to "À trier"', () => {
    expect(routeLetter(dir, one('Dr MARTIN'))).toMatchObject({ target: 'a_trier', reason: 'ambiguous', candidates: ['cm', 'pm'] });
    expect(routeLetter(dir, one('claire.MARTIN Dr Paul MARTIN'))).toMatchObject({ target: 'a_trier', reason: 'conflict' });
    expect(routeLetter(dir, { recipients: [{ name: 'paul.MARTIN' }, { name: 'helene.DURAND' }] })).toMatchObject({ target: 'a_trier', reason: 'conflict' });
    expect(routeLetter(dir, one('Dr Pierre DUPUIS'))).toMatchObject({ target: 'a_trier', reason: 'unknown' });
    // A code shared by two doctors is decided by the name beside it.
    expect(routeLetter(dir, one('', 'X1'))).toMatchObject({ target: 'a_trier', reason: 'ambiguous' });
    expect(routeLetter(dir, one('Dr BERNARD', 'X1'))).toMatchObject({ target: 'sb' });
  });

  it('narrows an ambiguous name with the address, then with rules among the candidates only', () => {
    expect(routeLetter(dir, { ...one('MARTIN'), addresses: ['paul.MARTIN@medical35.apicrypt.org'] })).toMatchObject({ target: 'pm', reason: 'address' });
    const rules = [{ sender: 'LABO@medical35.apicrypt.org', doctorId: 'sb' }];
    expect(routeLetter(dir, { ...one('MARTIN'), sender: 'labo@MEDICAL35.apicrypt.org' }, rules)).toMatchObject({ target: 'a_trier' });
    expect(routeLetter(dir, { ...one(''), sender: 'labo@medical35.apicrypt.org' }, rules)).toMatchObject({ target: 'sb', reason: 'rule' });
    expect(routeLetter(dir, { ...one(''), hprimSenders: [{ code: 'BIO', name: 'Laboratoire Biosynthèse' }] }, [{ sender: 'laboratoire biosynthese', doctorId: 'hd' }])).toMatchObject({ target: 'hd' });
    expect(ruleKey('  Labo@Medical35.Apicrypt.org ')).toBe('labo@medical35.apicrypt.org');
  });
});
