// Key and certificate making for the test TLS CA and the test PKI: keys from Node's threadpool
// (parallel, no process per key), certificates from the openssl command line.
import { generateKeyPair, generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { tool } from './tools';
import { run } from './util';

// RSA key generation runs in libuv's threadpool, which file I/O shares: cap it at the core count so
// the rest of the start-up (files, EC keys, servers) is never stuck behind a queue of RSA keys.
const RSA_SLOTS = Math.max(1, Math.min(availableParallelism(), 3));
let rsaRunning = 0;
const rsaQueue: Array<() => void> = [];

async function rsaSlot<T>(job: () => Promise<T>): Promise<T> {
  if (rsaRunning >= RSA_SLOTS) await new Promise<void>((r) => rsaQueue.push(r));
  rsaRunning++;
  try {
    return await job();
  } finally {
    rsaRunning--;
    rsaQueue.shift()?.();
  }
}

/** Writes a fresh unencrypted RSA 2048 key (PEM PKCS#8) to `path`. */
export async function rsaKey(path: string): Promise<string> {
  const pem = await rsaSlot(
    () =>
      new Promise<string>((resolve, reject) => {
        generateKeyPair(
          'rsa',
          { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } },
          (err, _pub, priv) => (err ? reject(err) : resolve(priv)),
        );
      }),
  );
  writeFileSync(path, pem, { mode: 0o600 });
  return path;
}

/** Writes a fresh unencrypted EC P-256 key (PEM PKCS#8): instant, enough for test TLS servers. */
export function ecKey(path: string): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return path;
}

export interface CertRequest {
  /** openssl -subj form, in DER order: '/C=FR/O=.../CN=...'. '+' joins a multi-valued RDN. */
  subject: string;
  keyPath: string;
  outPath: string;
  /** Issuer; omitted = self-signed. */
  issuer?: { certPath: string; keyPath: string };
  /** Extension lines for the [ext] section (openssl x509v3_config syntax). */
  extensions: string[];
  days: number;
}

/** Makes one X.509 certificate with `openssl req -x509` (UTF-8 strings, random serial, SHA-256). */
export async function makeCert(req: CertRequest): Promise<string> {
  const cfgPath = `${req.outPath}.cnf`;
  const cfg = [
    '[req]',
    'distinguished_name = dn',
    'string_mask = utf8only',
    'utf8 = yes',
    '[dn]',
    '[ext]',
    ...req.extensions,
    '',
  ].join('\n');
  await writeFile(cfgPath, cfg);
  const args = [
    'req', '-new', '-x509', '-utf8', '-sha256',
    '-config', cfgPath, '-extensions', 'ext',
    '-key', req.keyPath, '-subj', req.subject,
    '-days', String(req.days),
    '-set_serial', `0x${randomBytes(12).toString('hex').replace(/^[89a-f]/, '1')}`,
    '-out', req.outPath,
  ];
  if (req.subject.includes('+')) args.push('-multivalue-rdn');
  if (req.issuer) args.push('-CA', req.issuer.certPath, '-CAkey', req.issuer.keyPath);
  await run(tool('openssl'), args);
  return req.outPath;
}

export const CA_EXT = (pathlen?: number) => [
  `basicConstraints = critical, CA:TRUE${pathlen === undefined ? '' : `, pathlen:${pathlen}`}`,
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
];
