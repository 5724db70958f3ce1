import { describe, expect, it } from 'vitest';
import { subjectWarnings } from './subject-warning';

describe('subject warnings (the subject travels in clear)', () => {
  it('accepts neutral medical subjects', () => {
    for (const s of ['Compte rendu de consultation', 'Résultats NFS CRP', 'IRM Genou droit', 'Bilan HPRIM', 'Courrier de sortie', '']) {
      expect(subjectWarnings(s), s).toEqual([]);
    }
  });
  it('flags dates in usual French forms', () => {
    for (const s of ['Bilan du 12/03/2024', 'CR 2024-03-12', 'né le 3 mars', 'Consultation du 1er janvier 2025', 'Résultats 12.03.24']) {
      expect(subjectWarnings(s), s).toContain('date');
    }
  });
  it('flags a NIR, with or without spaces', () => {
    expect(subjectWarnings('Dossier 1 85 03 75 123 456 78')).toContain('nir');
    expect(subjectWarnings('Dossier 2610475123456')).toContain('nir');
  });
  it('flags names: the patient fields, civilities and "NOM Prénom"', () => {
    expect(subjectWarnings('Résultats durand', { surname: 'Durand', firstName: 'Élise' })).toContain('name');
    expect(subjectWarnings('Pour elise', { surname: 'Durand', firstName: 'Élise' })).toContain('name');
    expect(subjectWarnings('Consultation de Mme Leroy')).toContain('name');
    expect(subjectWarnings('DUPONT Jean')).toContain('name');
    expect(subjectWarnings('LE GALL-MOREAU Anne')).toContain('name');
    expect(subjectWarnings('IRM Genou')).not.toContain('name');
  });
});
