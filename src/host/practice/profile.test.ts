import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPliError } from '../../shared/errors';
import { loadProfiles, patternProblems, validateProfile, type PracticeProfile } from './profile';

const shipped = join(import.meta.dirname, '..', '..', '..', 'resources', 'practice-profiles');
const base: PracticeProfile = {
  id: 'test',
  name_fr: 'Test',
  folder: '/srv/import',
  fileNamePattern: 'resutext{compteur}',
  extension: 'txt',
  charset: 'windows-1252',
  lineEnd: 'crlf',
  line13: 'empty',
  line1: 'patient_code',
  okFile: false,
};

function problems(input: unknown): string {
  try {
    validateProfile(input);
  } catch (e) {
    if (isPliError(e)) return e.message_fr;
    throw e;
  }
  return '';
}

describe('practice profiles', () => {
  it('loads the two shipped profiles', () => {
    const ps = loadProfiles(shipped);
    expect(ps.map((p) => p.id).sort()).toEqual(['generique', 'resutext']);
    expect(ps.find((p) => p.id === 'resutext')?.fileNamePattern).toBe('resutext{compteur}');
    expect(ps.every((p) => p.folder === '')).toBe(true);
  });

  it('accepts a valid profile and strips a leading dot of the extension', () => {
    expect(validateProfile({ ...base, extension: '.hpr' }).extension).toBe('hpr');
    expect(validateProfile({ ...base, folder: 'C:\\Medical\\Import' }).folder).toBe('C:\\Medical\\Import');
  });

  it('rejects bad fields with French messages', () => {
    expect(problems({ ...base, id: 'Pas Bon' })).toMatch(/identifiant/);
    expect(problems({ ...base, folder: 'relatif/dossier' })).toMatch(/chemin absolu/);
    expect(problems({ ...base, extension: 'ok' })).toMatch(/réservée/);
    expect(problems({ ...base, charset: 'utf-16' })).toMatch(/« charset »/);
    expect(problems({ ...base, okFile: 'oui' })).toMatch(/okFile/);
    expect(problems({ ...base, extra: 1 })).toMatch(/Champ inconnu « extra »/);
    expect(problems([])).toMatch(/objet JSON/);
  });

  it('checks file-name patterns', () => {
    expect(patternProblems('{DATE}_{NOM}_{compteur:3}')).toEqual([]);
    expect(patternProblems('{FOO}').join()).toMatch(/Jeton inconnu/);
    expect(patternProblems('a/{NOM}').join()).toMatch(/hors jetons/);
    expect(patternProblems('{NOM').join()).toMatch(/Accolade/);
    expect(patternProblems('{compteur}{compteur}').join()).toMatch(/qu’une fois/);
    expect(patternProblems('.cache{NOM}').join()).toMatch(/point/);
    expect(patternProblems('{compteur:0}').join()).toMatch(/largeur/);
  });

  it('reports the file and duplicate ids when loading a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pli-prof-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(base));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(base));
    expect(() => loadProfiles(dir)).toThrow(/Deux profils/);
    writeFileSync(join(dir, 'b.json'), '{ pas du json');
    expect(() => loadProfiles(dir)).toThrow(/« b\.json »/);
  });
});
