// A test PKI shaped like IGC-Santé (names carry TEST): root, "PERSONNES" intermediate, card certificates
// (signature + authentication) for the fixture practitioners, an organisation PKCS#12, and a foreign root.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CA_EXT, makeCert, rsaKey } from './openssl';
import { tool } from './tools';
import type { TestEnv, TestPkiUser } from './types';
import { run } from './util';

export const DOMAIN = 'medical75.apicrypt.org';

/** Practitioners with a card; RPPS numbers are fictitious but Luhn-valid like real ones. */
export const PKI_PEOPLE = [
  { login: 'jean.DUPONT', rpps: '10002813839', surname: 'DUPONT', givenName: 'JEAN', title: 'Médecin' },
  { login: 'paul.MARTIN', rpps: luhnComplete('1000345678'), surname: 'MARTIN', givenName: 'PAUL', title: 'Médecin' },
] as const;

/** Appends the Luhn check digit (the RPPS key). */
export function luhnComplete(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

export interface TestPki extends Omit<TestEnv['pki'], 'users'> {
  users: Record<string, TestPkiUser>;
  /** intermediate + root, PEM, for -untrusted / chain files. */
  chainPath: string;
}

const EE_COMMON = ['basicConstraints = critical, CA:FALSE', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid:always'];

/** Subject in DER order, so its RFC 4514 form reads `CN=8<rpps>+SN=..+GN=..,title=Médecin,C=FR`. */
const personSubject = (p: { rpps: string; surname: string; givenName: string; title: string }) =>
  `/C=FR/title=${p.title}/CN=8${p.rpps}+SN=${p.surname}+GN=${p.givenName}`;

export async function makePki(root: string): Promise<TestPki> {
  const dir = join(root, 'pki');
  await mkdir(join(dir, 'users'), { recursive: true });
  const p = (f: string) => join(dir, f);

  // All keys at once: they dominate the cost and run in Node's threadpool.
  const keyNames = ['root', 'intermediate', 'foreign-root', 'foreign-user', 'org', ...PKI_PEOPLE.flatMap((u) => [`${u.login}.sig`, `${u.login}.auth`])];
  await Promise.all(keyNames.map((k) => rsaKey(p(`${k}.key`))));

  const rootCertPath = p('root.pem');
  const foreignRootCertPath = p('foreign-root.pem');
  await Promise.all([
    makeCert({
      subject: '/C=FR/O=ASIP-SANTE/OU=IGC-SANTE TEST/CN=TEST AC RACINE IGC-SANTE FORT',
      keyPath: p('root.key'),
      outPath: rootCertPath,
      extensions: CA_EXT(),
      days: 3650,
    }),
    makeCert({
      subject: '/C=FR/O=PLI TEST AUTRE/OU=TEST ETRANGER/CN=TEST AC RACINE ETRANGERE',
      keyPath: p('foreign-root.key'),
      outPath: foreignRootCertPath,
      extensions: CA_EXT(),
      days: 3650,
    }),
  ]);
  const intermediateCertPath = await makeCert({
    subject: '/C=FR/O=ASIP-SANTE/OU=0002 187512751/OU=IGC-SANTE TEST/CN=TEST AC IGC-SANTE FORT PERSONNES',
    keyPath: p('intermediate.key'),
    outPath: p('intermediate.pem'),
    issuer: { certPath: rootCertPath, keyPath: p('root.key') },
    extensions: CA_EXT(0),
    days: 1825,
  });
  const issuer = { certPath: intermediateCertPath, keyPath: p('intermediate.key') };
  const chainPath = p('chain.pem');
  await writeFile(chainPath, (await readFile(intermediateCertPath, 'utf8')) + (await readFile(rootCertPath, 'utf8')));

  const users: Record<string, TestPkiUser> = {};
  const jobs: Promise<unknown>[] = [];
  for (const u of PKI_PEOPLE) {
    const email = `subjectAltName = email:${u.login}@${DOMAIN}`;
    const certPath = p(`${u.login}.sig.pem`);
    const authCertPath = p(`${u.login}.auth.pem`);
    users[u.login] = {
      certPath,
      keyPath: p(`${u.login}.sig.key`),
      authCertPath,
      authKeyPath: p(`${u.login}.auth.key`),
      rpps: u.rpps,
      surname: u.surname,
      givenName: u.givenName,
    };
    jobs.push(
      makeCert({
        subject: personSubject(u),
        keyPath: p(`${u.login}.sig.key`),
        outPath: certPath,
        issuer,
        extensions: [...EE_COMMON, 'keyUsage = critical, digitalSignature, nonRepudiation', 'extendedKeyUsage = emailProtection', email],
        days: 1095,
      }),
      makeCert({
        subject: personSubject(u),
        keyPath: p(`${u.login}.auth.key`),
        outPath: authCertPath,
        issuer,
        extensions: [...EE_COMMON, 'keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = clientAuth, emailProtection', email],
        days: 1095,
      }),
    );
  }
  const foreignUserCertPath = p('foreign-user.pem');
  jobs.push(
    makeCert({
      subject: personSubject({ rpps: luhnComplete('1000999999'), surname: 'INCONNU', givenName: 'PIERRE', title: 'Médecin' }),
      keyPath: p('foreign-user.key'),
      outPath: foreignUserCertPath,
      issuer: { certPath: foreignRootCertPath, keyPath: p('foreign-root.key') },
      extensions: [...EE_COMMON, 'keyUsage = critical, digitalSignature, nonRepudiation', 'extendedKeyUsage = emailProtection', `subjectAltName = email:pierre.INCONNU@medical13.apicrypt.org`],
      days: 1095,
    }),
  );
  const orgCertPath = p('org.pem');
  jobs.push(
    makeCert({
      subject: '/C=FR/O=CABINET LES TILLEULS/OU=TEST 750000001/CN=CABINET LES TILLEULS',
      keyPath: p('org.key'),
      outPath: orgCertPath,
      issuer,
      extensions: [...EE_COMMON, 'keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = emailProtection, clientAuth', `subjectAltName = email:cabinet.LESTILLEULS@${DOMAIN}`],
      days: 1095,
    }),
  );
  await Promise.all(jobs);

  const p12Path = p('org.p12');
  await run(tool('openssl'), [
    'pkcs12', '-export', '-in', orgCertPath, '-inkey', p('org.key'), '-certfile', chainPath,
    '-name', 'CABINET LES TILLEULS', '-passout', 'pass:test-p12', '-out', p12Path,
  ]);

  return {
    rootCertPath,
    intermediateCertPath,
    foreignRootCertPath,
    foreignUserCertPath,
    foreignUserKeyPath: p('foreign-user.key'),
    users,
    p12Path,
    p12Password: 'test-p12',
    chainPath,
  };
}
