import { describe, expect, it } from 'vitest';
import { dateToken, highestCounter, renderBaseName, sanitizeBaseName, transliterate } from './file-name';

describe('drop-folder file names', () => {
  const now = new Date(2026, 10, 22);

  it('transliterates accents and ligatures', () => {
    expect(transliterate('Élise Cœur-Dégât’s €')).toBe("Elise Coeur-Degat's EUR");
  });

  it('renders tokens, dates as AAAAMMJJ and a padded counter', () => {
    const t = { NOM: 'DE LA TOUR', PRENOM: 'Hélène', DDN: '03/02/1961', EXPEDITEUR: 'Labo Bio/Sud' };
    expect(renderBaseName('{DATE}_{NOM}_{PRENOM}_{DDN}', t, 0, now)).toBe('20261122_DE_LA_TOUR_Helene_19610203');
    expect(renderBaseName('resutext{compteur:3}', {}, 7, now)).toBe('resutext007');
    expect(renderBaseName('{EXPEDITEUR}-{compteur}', t, 12, now)).toBe('Labo_Bio_Sud-12');
    expect(dateToken('1961-02-03')).toBe('19610203');
  });

  it('collapses separators left by empty tokens', () => {
    expect(renderBaseName('{NOM}_{PRENOM}_{DDN}', { NOM: 'MARTIN' }, 0, now)).toBe('MARTIN');
    expect(renderBaseName('{NOM}', {}, 0, now)).toBe('document');
  });

  it('never yields separators, hidden or reserved names, and caps the length without losing the counter', () => {
    expect(sanitizeBaseName('../..\\etc/passwd')).not.toMatch(/[/\\]|^\./);
    expect(sanitizeBaseName('CON')).toBe('_CON');
    expect(sanitizeBaseName('nul.txt')).toBe('_nul.txt');
    expect(sanitizeBaseName('fin. ')).toBe('fin');
    const long = renderBaseName('{NOM}{PRENOM}{EXPEDITEUR}{compteur}', { NOM: 'A'.repeat(200), PRENOM: 'B'.repeat(200), EXPEDITEUR: 'C'.repeat(200) }, 123456, now);
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long.endsWith('123456')).toBe(true);
  });

  it('finds the highest counter of matching names only', () => {
    const p = { fileNamePattern: 'resutext{compteur}', extension: 'txt' };
    expect(highestCounter(p, ['resutext7.txt', 'RESUTEXT12.TXT', 'resutext99.hpr', 'autre100.txt', 'resutext3.txt'])).toBe(12);
    expect(highestCounter(p, [])).toBe(0);
    expect(highestCounter({ fileNamePattern: '{NOM}_{compteur:3}', extension: 'hpr' }, ['DUPONT_004.hpr', 'X_010.hpr'])).toBe(10);
    expect(highestCounter({ fileNamePattern: '{NOM}', extension: 'hpr' }, ['DUPONT_004.hpr'])).toBe(0);
  });
});
