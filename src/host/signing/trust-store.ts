import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificatesFromFile, parseCertificate, type ParsedCertificate, type TrustAnchors } from '../../core/signature';
import type { Logger } from '../log/logger';
import { silentLogger } from '../log/logger';

/** The certificates Pli trusts to verify signatures: IGC-Santé roots and intermediates. */
export interface TrustStore extends TrustAnchors {
  roots: Uint8Array[];
  intermediates: Uint8Array[];
  knownCertificates: Uint8Array[];
}

type CertSource = string | Uint8Array;

function load(source: CertSource): Uint8Array[] {
  return certificatesFromFile(typeof source === 'string' ? new Uint8Array(readFileSync(source)) : source);
}

function selfSigned(c: ParsedCertificate): boolean {
  try {
    return c.selfIssued && c.x509.verify(c.x509.publicKey);
  } catch {
    return false;
  }
}

/**
 * Loads `dir` (the bundled `resources/igc-sante`: *.pem, *.crt, *.cer, *.der): self-signed certificates
 * become roots, the others intermediates. A test root is added only when a test build passes it in
 * `testRoots` explicitly; production code never does.
 */
export function loadTrustStore(
  opts: {
    dir?: string;
    testRoots?: CertSource[];
    intermediates?: CertSource[];
    knownCertificates?: Uint8Array[];
    logger?: Logger;
  } = {},
): TrustStore {
  const log = (opts.logger ?? silentLogger).child('trust');
  const roots: Uint8Array[] = [];
  const intermediates: Uint8Array[] = [];
  const seen = new Set<string>();
  const add = (der: Uint8Array, forceRoot: boolean) => {
    let c: ParsedCertificate;
    try {
      c = parseCertificate(der);
    } catch {
      log.warn('unreadable certificate skipped');
      return;
    }
    if (seen.has(c.fingerprintSha256)) return;
    seen.add(c.fingerprintSha256);
    (forceRoot || selfSigned(c) ? roots : intermediates).push(der);
  };
  if (opts.dir) {
    let names: string[] = [];
    try {
      names = readdirSync(opts.dir).filter((n) => /\.(pem|crt|cer|der)$/i.test(n)).sort();
    } catch {
      log.warn('trust directory unreadable', { dir: opts.dir });
    }
    for (const n of names) for (const der of load(join(opts.dir, n))) add(der, false);
  }
  for (const s of opts.testRoots ?? []) for (const der of load(s)) add(der, true);
  for (const s of opts.intermediates ?? []) for (const der of load(s)) add(der, false);
  log.info('trust store loaded', { roots: roots.length, intermediates: intermediates.length });
  return { roots, intermediates, knownCertificates: [...(opts.knownCertificates ?? [])] };
}

/** The intermediates above `leaf` found in the store (nearest first), for inclusion in a signature. */
export function intermediatesFor(leafDer: Uint8Array, trust: TrustAnchors, extra: Uint8Array[] = []): Uint8Array[] {
  const pool = [...extra, ...(trust.intermediates ?? [])].map((d) => parseCertificate(d));
  const out: Uint8Array[] = [];
  let current = parseCertificate(leafDer);
  for (let depth = 0; depth < 6; depth++) {
    const next = pool.find(
      (c) => !out.includes(c.der) && c.fingerprintSha256 !== current.fingerprintSha256 && current.x509.checkIssued(c.x509) && current.x509.verify(c.x509.publicKey),
    );
    if (!next || selfSigned(next)) break;
    out.push(next.der);
    current = next;
  }
  return out;
}
