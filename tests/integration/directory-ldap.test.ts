// LDAP directory against the test environment's slapd (2,500 inetOrgPerson entries, size limit 500):
// searches by name, profession and city, ldaps and StartTLS with the test CA, French errors, paged
// results, offline cache and merge with a flat-file directory by RPPS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/directory';
import { DirectoryService, InMemoryDirectoryStore, LdapDirectorySource, type LdapSourceConfig } from '../../src/host/directory';
import { PliError } from '../../src/shared/errors';
import { testEnv } from '../env/current';

const env = testEnv();
const base: LdapSourceConfig = { id: 'test', url: env.ldap.url, baseDn: env.ldap.baseDn, bind: { dn: env.ldap.bindDn, password: env.ldap.bindPassword }, timeoutMs: 5000 };

async function failure(p: Promise<unknown>): Promise<PliError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PliError);
    return e as PliError;
  }
  throw new Error('expected a failure');
}

describe('LDAP directory (slapd)', () => {
  it('finds people by name (accents kept), profession and city', async () => {
    const src = new LdapDirectorySource(base);
    const dupont = await src.search({ name: 'dupont' });
    expect(dupont.length).toBeGreaterThan(1);
    expect(dupont.every((e) => e.surname === 'DUPONT' || fold(e.givenName ?? '').startsWith('dupont'))).toBe(true);
    const jean = dupont.find((e) => e.rpps === '10002813839');
    expect(jean).toMatchObject({
      source: 'ldap:test', key: 'rpps:10002813839', displayName: 'DUPONT Jean', apicrypt: 'jean.DUPONT@medical75.apicrypt.org',
      profession: 'Médecin', specialty: 'Médecine générale', city: 'Paris', postalCode: '75011',
    });
    const beranger = await src.search({ name: 'BÉRANGER' });
    expect(beranger.length).toBeGreaterThan(0);
    expect(beranger.every((e) => e.surname === 'BÉRANGER')).toBe(true);
    const cardioLyon = await src.search({ profession: 'Cardiologie', city: 'Lyon' });
    expect(cardioLyon.length).toBeGreaterThan(0);
    expect(cardioLyon.every((e) => e.specialty === 'Cardiologie' && e.city === 'Lyon')).toBe(true);
    const nurses13 = await src.search({ profession: 'Infirmier', city: '13' });
    expect(nurses13.length).toBeGreaterThan(0);
    expect(nurses13.every((e) => e.profession === 'Infirmier' && e.postalCode!.startsWith('13'))).toBe(true);
    // Filter syntax typed into the box is escaped: it matches nothing instead of everything.
    expect(await src.search({ name: '*)(uid=*' })).toEqual([]);
    expect(await src.search({ name: '*' })).toEqual([]);
  });

  it('pages through results beyond the server’s 500-entry size limit', async () => {
    const all = await new LdapDirectorySource({ ...base, pageSize: 400 }).search(undefined, 100_000);
    expect(all.length).toBe(env.ldap.entries);
    expect(new Set(all.map((e) => e.key)).size).toBe(env.ldap.entries);
    const medecins = await new LdapDirectorySource(base).search({ profession: 'Médecin' }, 5000);
    expect(medecins.length).toBeGreaterThan(500);
    expect(medecins.every((e) => e.profession === 'Médecin')).toBe(true);
  });

  it('connects over ldaps:// and StartTLS with the test CA, anonymously too', async () => {
    const ldaps = new LdapDirectorySource({ ...base, url: env.ldap.ldapsUrl, caPem: env.tls.caCertPem });
    expect((await ldaps.search({ name: 'martin', city: 'Paris' })).length).toBeGreaterThan(0);
    const startTls = new LdapDirectorySource({ ...base, startTls: true, caPem: env.tls.caCertPem });
    await startTls.test();
    const anonymous = new LdapDirectorySource({ id: 'anon', url: env.ldap.url, baseDn: env.ldap.baseDn });
    expect((await anonymous.search({ name: 'martin' })).length).toBeGreaterThan(0);
  });

  it('explains failures in French: wrong password, untrusted certificate, unreachable server, unknown base', async () => {
    const wrong = await failure(new LdapDirectorySource({ ...base, bind: { dn: env.ldap.bindDn, password: 'mauvais' } }).search({ name: 'dupont' }));
    expect(wrong.code).toBe('ldap_invalid_credentials');
    expect(wrong.message_fr).toMatch(/refusé l’identifiant ou le mot de passe/);
    expect(JSON.stringify(wrong.toWire())).not.toContain('mauvais');
    const tls = await failure(new LdapDirectorySource({ ...base, url: env.ldap.ldapsUrl }).test());
    expect(tls.code).toBe('ldap_tls');
    expect(tls.message_fr).toMatch(/certificat/);
    const down = await failure(new LdapDirectorySource({ ...base, url: 'ldap://127.0.0.1:1' }).test());
    expect(down.code).toBe('ldap_unreachable');
    expect(down.message_fr).toMatch(/ne répond pas/);
    const nobase = await failure(new LdapDirectorySource({ ...base, baseDn: 'dc=inconnu,dc=test' }).search({ name: 'dupont' }));
    expect(nobase.code).toBe('ldap_base_not_found');
    expect(() => new LdapDirectorySource({ ...base, url: 'http://annuaire' })).toThrow('ldap_bad_url');
  });

  it('caches results for offline use and merges them with a flat file by RPPS', async () => {
    const store = new InMemoryDirectoryStore();
    const dir = new DirectoryService(store);
    await dir.open();
    dir.addLdapSource(new LdapDirectorySource(base));
    const csv = readFileSync(join(import.meta.dirname, '../fixtures/directory/annuaire-utf8-bom-pointvirgule.csv'));
    await dir.importCsv('ordre', 'Ordre', new Uint8Array(csv));
    const online = await dir.searchOnline('dupont jean');
    expect(online.errors).toEqual([]);
    const jean = online.contacts.find((c) => c.rpps === '10002813839');
    expect(jean).toBeDefined();
    expect(jean!.sources.map((s) => s.source).sort()).toEqual(['file:ordre', 'ldap:test']);
    expect(jean!.addresses.map((a) => a.address)).toEqual(['jean.DUPONT@medical75.apicrypt.org', 'jean.dupont@medecin.mssante.fr']);
    expect(online.contacts.filter((c) => c.rpps === '10002813839')).toHaveLength(1);

    // Server gone: the cached copy still answers, the failure is reported in French.
    const offline = new DirectoryService(store);
    offline.addLdapSource(new LdapDirectorySource({ ...base, url: 'ldap://127.0.0.1:1', timeoutMs: 1000 }));
    const r = await offline.searchOnline('dupont');
    expect(r.errors).toMatchObject([{ source: 'ldap:test', code: 'ldap_unreachable' }]);
    expect(r.contacts.some((c) => c.rpps === '10002813839' && c.sources.some((s) => s.source === 'ldap:test'))).toBe(true);

    // A full refresh copies the whole directory.
    expect(await dir.refreshLdap('ldap:test')).toBe(env.ldap.entries);
    expect(await store.listEntries('ldap:test')).toHaveLength(env.ldap.entries);
    const [src] = (await store.listSources()).filter((s) => s.id === 'ldap:test');
    expect(src).toMatchObject({ kind: 'ldap', entries: env.ldap.entries });
    const found = await dir.search('cardio lyon', { limit: 100 });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((c) => c.specialty === 'Cardiologie' && c.city === 'Lyon')).toBe(true);
  });
});
