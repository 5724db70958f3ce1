import { describe, expect, it } from 'vitest';
import { formatFrDate, formatNir, isNirValid, isStrictFrDate, maskNir, nirKey, normalizeName, parseDate, parseHprimSanteDate, parseNir } from '.';

// Key by hand: 1850375123456 mod 97 = 1850375123456 - 97 * 19076032200 = 56 -> key 41.
describe('NIR', () => {
  it('computes the key as 97 - (number mod 97)', () => {
    expect(Number(1850375123456n % 97n)).toBe(56);
    expect(nirKey('1850375123456')).toBe('41');
    expect(nirKey('1 85 03 75 123 456')).toBe('41');
  });

  it('handles Corsica: 2A counts as 19, 2B as 18', () => {
    const a = Number(97n - (1850319123456n % 97n)).toString().padStart(2, '0');
    const b = Number(97n - (1850318123456n % 97n)).toString().padStart(2, '0');
    expect(nirKey('18503 2A 123456')).toBe(a);
    expect(nirKey('185032B123456')).toBe(b);
    expect(a).not.toBe(b);
    expect(parseNir(`1 85 03 2A 123 456 ${a}`)).toEqual({ body: '185032A123456', key: a, valid: true, sex: 'M' });
  });

  it('normalises spaces, dots and 13/15 forms, and checks the key', () => {
    expect(parseNir('2 85 03 75 123 456 41')).toMatchObject({ body: '2850375123456', key: '41', sex: 'F' });
    expect(parseNir('1.85.03.75.123.456.41')).toEqual({ body: '1850375123456', key: '41', valid: true, sex: 'M' });
    expect(parseNir('1850375123456 42')?.valid).toBe(false);
    expect(parseNir('1850375123456')).toEqual({ body: '1850375123456', sex: 'M' });
    expect(isNirValid('185037512345641')).toBe(true);
    expect(isNirValid('185037512345640')).toBe(false);
    expect(parseNir('12345')).toBeUndefined();
    expect(parseNir('985037512345641')).toBeUndefined();
    expect(parseNir('')).toBeUndefined();
  });

  it('formats and masks for display and logs', () => {
    expect(formatNir(parseNir('185037512345641')!)).toBe('1 85 03 75 123 456 41');
    expect(maskNir('185037512345641')).toBe('1 85 03 75 *** *** **');
    expect(maskNir('1850375123456')).toBe('1 85 03 75 *** ***');
    expect(maskNir('n’importe quoi 1234')).toBe('***');
  });
});

describe('dates', () => {
  it('reads JJ/MM/AAAA, AAAA-MM-JJ and YYYYMMDD[HHMM[SS]]', () => {
    expect(parseDate('14/03/1985')).toBe('1985-03-14');
    expect(parseDate('4/3/1985')).toBe('1985-03-04');
    expect(parseDate('14.03.1985')).toBe('1985-03-14');
    expect(parseDate(' 1985-03-14 ')).toBe('1985-03-14');
    expect(parseDate('19850314')).toBe('1985-03-14');
    expect(parseDate('198503141230')).toBe('1985-03-14');
    expect(parseHprimSanteDate('19850314123045')).toBe('1985-03-14');
    expect(parseHprimSanteDate('1985031412304')).toBeUndefined();
  });

  it('reads JJ/MM/AA through a pivot', () => {
    expect(parseDate('14/03/85', { pivot: 30 })).toBe('1985-03-14');
    expect(parseDate('14/03/25', { pivot: 30 })).toBe('2025-03-14');
    expect(parseDate('14/03/30', { pivot: 30 })).toBe('2030-03-14');
    expect(parseDate('14/03/31', { pivot: 30 })).toBe('1931-03-14');
  });

  it('refuses impossible dates and junk', () => {
    expect(parseDate('31/02/2020')).toBeUndefined();
    expect(parseDate('29/02/2021')).toBeUndefined();
    expect(parseDate('29/02/2020')).toBe('2020-02-29');
    expect(parseDate('00/00/1950')).toBeUndefined();
    expect(parseDate('13/13/2000')).toBeUndefined();
    expect(parseDate('hier')).toBeUndefined();
    expect(parseDate('')).toBeUndefined();
  });

  it('formats ISO as JJ/MM/AAAA and knows the strict header form', () => {
    expect(formatFrDate('1985-03-04')).toBe('04/03/1985');
    expect(formatFrDate('1985-02-30')).toBeUndefined();
    expect(isStrictFrDate('04/03/1985')).toBe(true);
    expect(isStrictFrDate('4/3/1985')).toBe(false);
    expect(isStrictFrDate('04/13/1985')).toBe(false);
  });
});

describe('names', () => {
  it('upper case, no diacritics, ligatures spelled out, separators as single spaces', () => {
    expect(normalizeName('Lœtitia D’Aubigné-Réal')).toBe('LOETITIA D AUBIGNE REAL');
    expect(normalizeName('  Hélène   NOËL ')).toBe('HELENE NOEL');
    expect(normalizeName('Françoise Çàéèêëîïôùûüÿ')).toBe('FRANCOISE CAEEEEIIOUUUY');
    expect(normalizeName('ÆSCHYLE Straße')).toBe('AESCHYLE STRASSE');
  });
});
