import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardService, type CardServiceOptions } from '../../src/host/card';
import { loadTrustStore, type TrustStore } from '../../src/host/signing';
import { testEnv } from '../env/current';

/** Helpers shared by the signing integration tests (SoftHSM cards, test PKI, openssl). */

export type UserLogin = 'jean.DUPONT' | 'paul.MARTIN';

export interface CardCopy {
  dir: string;
  conf: string;
  tokenDir: string;
  remove(): void;
}

/**
 * A private copy of a user's SoftHSM token store, so tests may lock, remove or damage it without
 * touching the shared one.
 */
export function copyCard(user: UserLogin): CardCopy {
  const t = testEnv().softhsm.tokens[user];
  if (!t) throw new Error(`no SoftHSM token for ${user}`);
  const dir = mkdtempSync(join(tmpdir(), 'pli-card-'));
  const tokenDir = join(dir, 'tokens');
  cpSync(t.tokenDir, tokenDir, { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  const original = readFileSync(t.conf, 'utf8');
  writeFileSync(conf, original.replace(/^directories\.tokendir\s*=.*$/m, `directories.tokendir = ${tokenDir}`));
  return { dir, conf, tokenDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** SoftHSM reads SOFTHSM2_CONF at C_Initialize: point it at `conf`, then open a card service. */
export function openCard(copy: CardCopy, opts: Partial<CardServiceOptions> = {}): CardService {
  process.env.SOFTHSM2_CONF = copy.conf;
  const card = new CardService({ modulePath: testEnv().softhsm.module, pollIntervalMs: 50, ...opts });
  card.open();
  return card;
}

let trust: TrustStore | undefined;
/** IGC-Santé-shaped test trust: the test root (explicitly, as a test build does) and its intermediate. */
export function testTrust(): TrustStore {
  const pki = testEnv().pki;
  trust ??= loadTrustStore({ testRoots: [pki.rootCertPath], intermediates: [pki.intermediateCertPath] });
  return trust;
}

export function certDer(path: string): Uint8Array {
  const pem = readFileSync(path, 'utf8');
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
}

export function openssl(args: string[], input?: Uint8Array): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { input });
  return { ok: r.status === 0, out: `${r.stdout?.toString('latin1') ?? ''}${r.stderr?.toString('latin1') ?? ''}` };
}

export const LETTER =
  'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' +
  'Cher confrère,\r\nvoici les résultats de Mme TEST Fictive, née le 01/01/1970.\r\nBien cordialement.\r\n';
