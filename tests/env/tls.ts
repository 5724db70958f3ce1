// The test TLS CA and the one server certificate (127.0.0.1 + localhost) Dovecot and slapd present.
// ECDSA P-256: instant to make, unlike RSA, and every TLS stack here speaks it.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CA_EXT, ecKey, makeCert } from './openssl';

export interface TestTls {
  caCertPath: string;
  caCertPem: string;
  serverCertPath: string;
  serverKeyPath: string;
}

export async function makeTls(root: string): Promise<TestTls> {
  const dir = join(root, 'tls');
  await mkdir(dir, { recursive: true });
  const p = (f: string) => join(dir, f);
  const caKey = ecKey(p('ca.key'));
  const serverKey = ecKey(p('server.key'));
  const caCertPath = await makeCert({
    subject: '/C=FR/O=Pli TEST/CN=Pli TEST TLS CA',
    keyPath: caKey,
    outPath: p('ca.pem'),
    extensions: CA_EXT(0),
    days: 30,
  });
  const serverCertPath = await makeCert({
    subject: '/C=FR/O=Pli TEST/CN=localhost',
    keyPath: serverKey,
    outPath: p('server.pem'),
    issuer: { certPath: caCertPath, keyPath: caKey },
    extensions: [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1, DNS:localhost',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
    ],
    days: 30,
  });
  return { caCertPath, caCertPem: await readFile(caCertPath, 'utf8'), serverCertPath, serverKeyPath: serverKey };
}
