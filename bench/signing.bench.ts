import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, timeLoop, type BenchFn } from './harness';
import { CardService } from '../src/host/card';
import { CardSigner, Pkcs12Signer, signLetterMime, verifySignedLetter } from '../src/host/signing';

/**
 * signing.sign_ms: one letter signed by a SoftHSM "card" (token built here with openssl, softhsm2-util
 * and pkcs11-tool, as spec §6); signing.verify_ms: verifying it. signing.sign_sw_ms: the same with a
 * software key, for comparison. Without SoftHSM tools, the card measure is skipped (logged).
 */
const SOFTHSM = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/local/lib/softhsm/libsofthsm2.so'];

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { env });
  if (r.status !== 0) throw new Error(`${cmd} ${args[0]}: ${r.stderr?.toString() ?? r.error}`);
}

const LETTER =
  'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' +
  'Cher confrère,\r\n' + 'Compte rendu fictif de consultation, patient de test.\r\n'.repeat(40) + 'Bien cordialement.\r\n';

const bench: BenchFn = async (ctx) => {
  const d = ctx.tmpDir;
  const p = (n: string) => join(d, n);
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('root.key'), '-out', p('root.pem'), '-days', '2',
    '-subj', '/C=FR/O=ASIP-SANTE/OU=IGC-SANTE TEST/CN=TEST AC RACINE IGC-SANTE FORT',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('sig.key'), '-out', p('sig.csr'),
    '-subj', '/CN=810002813839+SN=DUPONT+GN=JEAN/title=Medecin/C=FR']);
  writeFileSync(p('ext.cnf'), 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n');
  run('openssl', ['x509', '-req', '-in', p('sig.csr'), '-CA', p('root.pem'), '-CAkey', p('root.key'), '-CAcreateserial',
    '-out', p('sig.pem'), '-days', '2', '-extfile', p('ext.cnf')]);
  run('openssl', ['x509', '-in', p('sig.pem'), '-outform', 'DER', '-out', p('sig.der')]);
  run('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', p('sig.key'), '-outform', 'DER', '-out', p('sig.key.der')]);
  const der = (f: string) => new Uint8Array(readFileSync(p(f)));
  const rootDer = new Uint8Array(Buffer.from(readFileSync(p('root.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'));
  const trust = { roots: [rootDer], intermediates: [] };
  const n = ctx.quick ? 5 : 30;
  const out: Record<string, number> = {};

  const sw = Pkcs12Signer.fromKey(der('sig.key.der'), der('sig.der'), []);
  const swTimes: number[] = [];
  let signed = await signLetterMime(LETTER, sw);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    signed = await signLetterMime(LETTER, sw);
    swTimes.push(performance.now() - t);
  }
  out['signing.sign_sw_ms'] = percentile(swTimes, 50);

  const module = SOFTHSM.find((m) => existsSync(m));
  const tools = spawnSync('softhsm2-util', ['--version']).status === 0 && spawnSync('pkcs11-tool', ['--help']).status !== null;
  if (module && tools) {
    mkdirSync(p('tokens'));
    writeFileSync(p('softhsm2.conf'), `directories.tokendir = ${p('tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
    const env = { ...process.env, SOFTHSM2_CONF: p('softhsm2.conf') };
    run('softhsm2-util', ['--init-token', '--free', '--label', 'CPS-TEST', '--so-pin', '12345678', '--pin', '1234'], env);
    const tool = ['--module', module, '--token-label', 'CPS-TEST', '--login', '--pin', '1234'];
    const id = 'E828BD080F8025000001FF001001';
    run('pkcs11-tool', [...tool, '--write-object', p('sig.key.der'), '--type', 'privkey', '--id', id, '--label', 'CPS_PRIV_SIG'], env);
    run('pkcs11-tool', [...tool, '--write-object', p('sig.der'), '--type', 'cert', '--id', id, '--label', 'Certificat de Signature CPS'], env);
    process.env.SOFTHSM2_CONF = env.SOFTHSM2_CONF;
    const card = new CardService({ modulePath: module });
    try {
      card.open();
      card.login('1234');
      const signer = CardSigner.open(card, { trust });
      signed = await signLetterMime(LETTER, signer);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        signed = await signLetterMime(LETTER, signer);
        times.push(performance.now() - t);
      }
      out['signing.sign_ms'] = percentile(times, 50);
    } finally {
      card.close();
    }
  } else {
    ctx.log('SoftHSM2 or pkcs11-tool missing: signing.sign_ms (card) skipped, software signing only');
  }

  const check = verifySignedLetter(signed, trust);
  if (check.status !== 'valid') throw new Error(`bench letter does not verify: ${check.reason_code}`);
  out['signing.verify_ms'] = timeLoop(() => verifySignedLetter(signed, trust), ctx.quick ? 200 : 1000);
  return out;
};
export default bench;
