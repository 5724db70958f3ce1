import { describe, expect, it } from 'vitest';
import { addressKey, checkAddress, parseAddress, splitAddressList, trailerRecipient } from './index';

describe('address rules: valid addresses', () => {
  const valid: Array<[string, string, 'apicrypt' | 'mssante' | 'other', string?]> = [
    ['jean.DUPONT@medical75.apicrypt.org', 'jean.DUPONT@medical75.apicrypt.org', 'apicrypt', '75'],
    ['  jean.DUPONT@Medical75.APICRYPT.org ', 'jean.DUPONT@medical75.apicrypt.org', 'apicrypt', '75'],
    ['Dr Jean DUPONT <jean.DUPONT@medical75.apicrypt.org>', 'jean.DUPONT@medical75.apicrypt.org', 'apicrypt', '75'],
    ['mailto:anne.MARTIN@medical2A.apicrypt.org', 'anne.MARTIN@medical2a.apicrypt.org', 'apicrypt', '2A'],
    ['secretariat@medical06.apicrypt.org', 'secretariat@medical06.apicrypt.org', 'apicrypt', '06'],
    ['marie.NOEL-MARTIN2@medical971.apicrypt.org', 'marie.NOEL-MARTIN2@medical971.apicrypt.org', 'apicrypt', '971'],
    ['labo.BIO@biologie.apicrypt.org', 'labo.BIO@biologie.apicrypt.org', 'apicrypt'],
    ['jean.dupont@interop-mssante.apicrypt.org', 'jean.dupont@interop-mssante.apicrypt.org', 'apicrypt'],
    ['jean.dupont@medecin.mssante.fr', 'jean.dupont@medecin.mssante.fr', 'mssante'],
    ['Secretariat.Cardio@CH-EXEMPLE.MSSante.fr', 'Secretariat.Cardio@ch-exemple.mssante.fr', 'mssante'],
    ["o'brien+pli@exemple.fr", "o'brien+pli@exemple.fr", 'other'],
  ];
  it.each(valid)('%s', (input, normalized, kind, dept) => {
    const a = parseAddress(input);
    expect(a.address).toBe(normalized);
    expect(a.kind).toBe(kind);
    expect(a.departement).toBe(dept);
  });

  it('flags the MSSanté gateway and keeps the local part case', () => {
    expect(parseAddress('paul.MARTIN@interop-mssante.apicrypt.org').interop).toBe(true);
    expect(parseAddress('paul.MARTIN@medical75.apicrypt.org').local).toBe('paul.MARTIN');
  });
});

describe('address rules: malformed addresses', () => {
  const invalid: Array<[string, string, RegExp]> = [
    ['', 'address_empty', /vide/],
    ['   ', 'address_empty', /vide/],
    ['jean.DUPONT', 'address_no_at', /il manque « @ »/],
    ['jean@DUPONT@medical75.apicrypt.org', 'address_several_at', /plusieurs « @ »/],
    ['@medical75.apicrypt.org', 'address_local_empty', /rien avant « @ »/],
    ['jean.DUPONT@', 'address_domain_empty', /pas de domaine/],
    ['jean DUPONT@medical75.apicrypt.org', 'address_spaces', /espace/],
    ['hélène.DURAND@medical75.apicrypt.org', 'address_local_accents', /sans accent/],
    ['.jean@medical75.apicrypt.org', 'address_local_dots', /point mal placé/],
    ['jean..DUPONT@medical75.apicrypt.org', 'address_local_dots', /point mal placé/],
    ['jean.DUPONT.@medical75.apicrypt.org', 'address_local_dots', /point mal placé/],
    ["jean.L'HERMITTE@medical75.apicrypt.org", 'address_local_invalid_char', /caractère « ' »/],
    ['jean+x@medical75.apicrypt.org', 'address_local_invalid_char', /APICRYPT/],
    ['jean.DUPONT@medical75', 'address_domain_no_dot', /incomplet/],
    ['jean.DUPONT@medical75..apicrypt.org', 'address_domain_dots', /point en trop/],
    ['jean.DUPONT@médical75.apicrypt.org', 'address_domain_invalid', /accents/],
    ['jean.DUPONT@medical_75.apicrypt.org', 'address_domain_invalid', /pas valide/],
    ['jean.DUPONT@apicrypt.org', 'address_apicrypt_bare', /medicalNN\.apicrypt\.org/],
    ['jean.DUPONT@medical75.apicrypt.fr', 'address_apicrypt_domain', /\.apicrypt\.org/],
    ['jean.DUPONT@medical75.apicript.org', 'address_apicrypt_domain', /ressemble à APICRYPT/],
    ['jean.DUPONT@medical75.org', 'address_apicrypt_domain', /medicalNN/],
    ['jean.dupont@mssante.fr', 'address_mssante_bare', /opérateur/],
    ['jean.dupont@medecin.mssante.com', 'address_mssante_domain', /\.mssante\.fr/],
    [`${'a'.repeat(65)}@exemple.fr`, 'address_local_too_long', /64/],
    ['jean@127.0.0.1', 'address_domain_invalid', /pas valide/],
  ];
  it.each(invalid)('%j -> %s', (input, code, message) => {
    const c = checkAddress(input);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.error.code).toBe(code);
    expect(c.error.message_fr).toMatch(message);
    expect(() => parseAddress(input)).toThrow(code);
  });
});

describe('address helpers', () => {
  it('writes local parts of APICRYPT addresses in the trailer, full addresses otherwise', () => {
    expect(trailerRecipient('paul.MARTIN@medical75.apicrypt.org')).toBe('paul.MARTIN');
    expect(trailerRecipient('paul.martin@interop-mssante.apicrypt.org')).toBe('paul.martin');
    expect(trailerRecipient('paul.martin@medecin.mssante.fr')).toBe('paul.martin@medecin.mssante.fr');
    expect(() => trailerRecipient('paul')).toThrow('address_no_at');
  });

  it('matches mailboxes case-insensitively', () => {
    expect(addressKey('Jean.Dupont@MEDICAL75.apicrypt.org')).toBe(addressKey('jean.DUPONT@medical75.apicrypt.org'));
    expect(addressKey('a@b.fr')).not.toBe(addressKey('a@c.fr'));
  });

  it('splits a pasted list without cutting display names', () => {
    expect(splitAddressList('a@b.fr, "DUPONT, Jean" <j@c.fr>;\nd@e.fr;;')).toEqual(['a@b.fr', '"DUPONT, Jean" <j@c.fr>', 'd@e.fr']);
  });
});
