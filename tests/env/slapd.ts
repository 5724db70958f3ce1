// OpenLDAP slapd with its own slapd.conf (mdb, standard schemas only), ldap:// and ldaps:// on
// 127.0.0.1 free ports, preloaded with slapadd (much faster than ldapadd over the wire).
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_DN, generatePeople, toLdif } from './directory-data';
import { DOMAIN, PKI_PEOPLE, type TestPki } from './pki';
import { deathOf, logTails, spawnServer, type Server } from './servers';
import type { TestTls } from './tls';
import { tool } from './tools';
import type { TestEnv } from './types';
import { freePorts, run, waitForPort } from './util';

/** Health professionals in the directory (card holders included); more than one page of 500. */
export const DIRECTORY_SIZE = 2500;
const SIZE_LIMIT = 500;
const BIND = { cn: 'lecteur', password: 'test-ldap' };
const ADMIN_PASSWORD = 'test-ldap-admin';

export async function startSlapd(
  root: string,
  tls: TestTls,
  pki: TestPki,
  register: (s: Server) => void,
): Promise<TestEnv['ldap']> {
  const dir = join(root, 'ldap');
  const dbDir = join(dir, 'db');
  await mkdir(dbDir, { recursive: true });
  const [port, tlsPort] = (await freePorts(2)) as [number, number];

  const schema = (name: string) => `include /etc/ldap/schema/${name}.schema`;
  const conf = join(dir, 'slapd.conf');
  await writeFile(
    conf,
    [
      '# Pli test slapd (generated)',
      schema('core'),
      schema('cosine'),
      schema('inetorgperson'),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `pidfile ${join(dir, 'slapd.pid')}`,
      `argsfile ${join(dir, 'slapd.args')}`,
      `TLSCACertificateFile ${tls.caCertPath}`,
      `TLSCertificateFile ${tls.serverCertPath}`,
      `TLSCertificateKeyFile ${tls.serverKeyPath}`,
      // A real directory caps plain searches; clients must page (RFC 2696) to see everything.
      `sizelimit size.soft=${SIZE_LIMIT} size.hard=${SIZE_LIMIT} size.prtotal=unlimited`,
      'database mdb',
      'maxsize 268435456',
      `suffix "${BASE_DN}"`,
      `rootdn "cn=admin,${BASE_DN}"`,
      `rootpw ${ADMIN_PASSWORD}`,
      `directory ${dbDir}`,
      'index objectClass eq',
      'index uid,employeeNumber eq',
      'index cn,sn,givenName,mail,l eq,sub',
      'index postalCode eq',
      'access to attrs=userPassword by anonymous auth by self read by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  );

  // The card holders of the test PKI are in the directory too, with their signature certificate.
  const fixed = await Promise.all(
    PKI_PEOPLE.map(async (u) => {
      const pem = await readFile(pki.users[u.login]?.certPath ?? '', 'utf8');
      return {
        rpps: u.rpps,
        sn: u.surname,
        givenName: u.givenName.charAt(0) + u.givenName.slice(1).toLowerCase(),
        mail: `${u.login}@${DOMAIN}`,
        certificates: [new X509Certificate(pem).raw],
      };
    }),
  );
  const people = generatePeople(DIRECTORY_SIZE, fixed);
  const ldif = join(dir, 'annuaire.ldif');
  await writeFile(ldif, toLdif(people, BIND));
  await run(tool('slapadd'), ['-q', '-f', conf, '-l', ldif]);

  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
  const logPath = join(dir, 'slapd.log');
  // -d keeps slapd in the foreground (ours to stop); level 'none' still logs fatal errors.
  const server = spawnServer('slapd', tool('slapd'), ['-f', conf, '-h', `${url}/ ${ldapsUrl}/`, '-d', 'none'], logPath);
  register(server);
  const alive = deathOf(server);
  await Promise.all([waitForPort(port, { timeoutMs: 15_000, alive }), waitForPort(tlsPort, { timeoutMs: 15_000, alive })]).catch(
    (e: unknown) => {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`slapd did not come up: ${why}${server.exited ? '' : `\n${logTails(server)}`}`);
    },
  );
  return {
    url,
    ldapsUrl,
    baseDn: 'dc=annuaire,dc=sante,dc=test',
    bindDn: `cn=${BIND.cn},${BASE_DN}`,
    bindPassword: BIND.password,
    entries: people.length,
  };
}
