// One SoftHSM2 store per card holder, each with a token CPS-TEST holding the card's four objects
// (labels and CKA_IDs from specs/cps-card.md §2), written with OpenSC's pkcs11-tool.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SOFTHSM_MODULES, tool } from './tools';
import type { TestEnv, TestPkiUser, TestToken } from './types';
import { run } from './util';

export const CPS_OBJECTS = {
  sig: { id: 'E828BD080F8025000001FF001001', cert: 'Certificat de Signature CPS', key: 'CPS_PRIV_SIG' },
  auth: { id: 'E828BD080F8025000001FF001002', cert: "Certificat d'Authentification CPS", key: 'CPS_PRIV_AUT' },
} as const;

const LABEL = 'CPS-TEST';
const PIN = '1234';
const SO_PIN = '12345678';

async function makeToken(dir: string, module: string, pki: TestPkiUser): Promise<TestToken> {
  const tokenDir = join(dir, 'tokens');
  await mkdir(tokenDir, { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };

  // DER files for pkcs11-tool: PKCS#8 keys, raw certificates.
  const der = async (name: string, pem: string, kind: 'key' | 'cert') => {
    const path = join(dir, name);
    const bytes = kind === 'key' ? createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' }) : new X509Certificate(pem).raw;
    await writeFile(path, bytes, { mode: 0o600 });
    return path;
  };
  const files = {
    sigKey: await der('sig.key.der', await readFile(pki.keyPath, 'utf8'), 'key'),
    sigCert: await der('sig.der', await readFile(pki.certPath, 'utf8'), 'cert'),
    authKey: await der('auth.key.der', await readFile(pki.authKeyPath, 'utf8'), 'key'),
    authCert: await der('auth.der', await readFile(pki.authCertPath, 'utf8'), 'cert'),
  };

  await run(tool('softhsm2-util'), ['--init-token', '--free', '--label', LABEL, '--so-pin', SO_PIN, '--pin', PIN], { env });
  const p11 = ['--module', module, '--token-label', LABEL, '--login', '--pin', PIN];
  const write = (file: string, type: 'privkey' | 'cert', id: string, label: string) =>
    run(tool('pkcs11-tool'), [...p11, '--write-object', file, '--type', type, '--id', id, '--label', label], { env });
  // pkcs11-tool sessions on one store must not interleave: SoftHSM's file store is not shared-safe.
  await write(files.sigKey, 'privkey', CPS_OBJECTS.sig.id, CPS_OBJECTS.sig.key);
  await write(files.sigCert, 'cert', CPS_OBJECTS.sig.id, CPS_OBJECTS.sig.cert);
  await write(files.authKey, 'privkey', CPS_OBJECTS.auth.id, CPS_OBJECTS.auth.key);
  await write(files.authCert, 'cert', CPS_OBJECTS.auth.id, CPS_OBJECTS.auth.cert);
  return { conf, tokenDir, label: LABEL, pin: PIN, soPin: SO_PIN };
}

export async function makeSoftHsm(root: string, pkiUsers: Record<string, TestPkiUser>): Promise<TestEnv['softhsm']> {
  const module = tool(SOFTHSM_MODULES);
  const entries = await Promise.all(
    Object.entries(pkiUsers).map(async ([login, pki]) => [login, await makeToken(join(root, 'softhsm', login), module, pki)] as const),
  );
  return { module, tokens: Object.fromEntries(entries) };
}
