import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServerCert {
  key: string;
  cert: string;
  /** The CA that signed `cert` (equal to `cert` when self-signed). */
  caPem: string;
}

/**
 * A fresh CA and a server certificate for 127.0.0.1/localhost, made with the openssl tool. Used by the
 * trusted-server simulator when no certificate is given, and by tests that need a second, different one.
 */
export function makeServerCert(commonName = 'APICRYPT trusted-server simulator (TEST)'): ServerCert {
  const dir = mkdtempSync(join(tmpdir(), 'pli-sim-cert-'));
  const p = (f: string) => join(dir, f);
  const ossl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '7',
      '-subj', `/O=Pli TEST/CN=${commonName} CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    ossl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', `/O=Pli TEST/CN=${commonName}`]);
    writeFileSync(p('ext'), 'basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    ossl(['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.pem'), '-days', '7', '-extfile', p('ext')]);
    return { key: readFileSync(p('server.key'), 'utf8'), cert: readFileSync(p('server.pem'), 'utf8'), caPem: readFileSync(p('ca.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
