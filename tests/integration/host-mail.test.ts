import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../../src/host/host';
import type { CommandName, Request, Response } from '../../src/shared/contract';
import { testEnv } from '../env/current';
import { setUpMailProfile } from '../support/mail-profile';
import { start, type TrustedServerSimulator } from '../support/trusted-server';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';

// The whole app path through the host contract, on the real servers: jean.DUPONT configures his account,
// composes and sends; paul.MARTIN (IMAP) relèves and reads the exact text with its patient.
const env = testEnv();
let dir: string;
let sim: TrustedServerSimulator;
const hosts: Host[] = [];

async function call<C extends CommandName>(host: Host, command: C, payload: Request<C>): Promise<Response<C>> {
  const r = await host.invoke(command, payload);
  if (!r.ok) throw new Error(`${command}: ${r.error.code} ${r.error.message_fr}`);
  return r.result as Response<C>;
}

async function openHost(login: string, incoming: 'pop3' | 'imap'): Promise<Host> {
  const host = new Host({ profileDir: join(dir, login), version: '0.0.0', shell: 'test', resourcesDir: 'resources' });
  hosts.push(host);
  await setUpMailProfile(host, { env, sim, login, password: `Profil-${login}-2026`, incoming });
  return host;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pli-host-mail-'));
  sim = await start(simulatorOptionsFromEnv(env));
  // The test servers' authorities, given the way an organisation adds its own (NODE_EXTRA_CA_CERTS).
  const bundle = join(dir, 'ca.pem');
  writeFileSync(bundle, `${env.tls.caCertPem}\n${sim.caPem ?? ''}`);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
});
afterAll(async () => {
  for (const h of hosts) await h.close();
  await sim?.stop();
  delete process.env.NODE_EXTRA_CA_CERTS;
  rmSync(dir, { recursive: true, force: true });
});

describe('mail through the host contract', () => {
  it('tests the connection step by step', async () => {
    const jean = await openHost('jean.DUPONT', 'pop3');
    const { accounts } = await call(jean, 'accounts.list', {});
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.hasPassword).toBe(true);
    const { steps } = await call(jean, 'accounts.test', { id: accounts[0]!.id });
    expect(steps.filter((s) => !s.ok)).toEqual([]);
    expect(steps.map((s) => s.step)).toEqual(expect.arrayContaining(['incoming.tls', 'incoming.auth', 'outgoing.tls', 'outgoing.auth']));
  });

  it('sends a letter that the recipient relève and reads with its patient', async () => {
    const jean = hosts[0]!;
    const marker = `Contrôle tensionnel ${Date.now()}`;
    const sent = await call(jean, 'compose.send', {
      draft: {
        to: ['paul.MARTIN@medical75.apicrypt.org'],
        subject: '',
        patient: { surname: 'LEFÈVRE', firstName: 'Amélie', birthDate: '1979-04-12' },
        text: `${marker}\nTension 13/8, pas de traitement.`,
      },
    });
    expect(sent.warnings).toEqual([]);
    const jeanSync = await call(jean, 'mail.sync', {});
    expect(jeanSync.sent).toBe(1);
    const folders = (await call(jean, 'folders.list', {})).folders;
    const sentFolder = folders.find((f) => f.kind === 'sent')!;
    expect(sentFolder.total).toBe(1);

    const paul = await openHost('paul.MARTIN', 'imap');
    const got = await call(paul, 'mail.sync', {});
    expect(got.received).toBeGreaterThanOrEqual(1);
    const found = await call(paul, 'letters.search', { query: marker.split(' ').slice(0, 2).join(' '), filters: {}, limit: 50 });
    const mine = [];
    for (const s of found.items) {
      const d = await call(paul, 'letters.get', { id: s.id });
      if (d.documents.some((doc) => doc.text.includes(marker))) mine.push(d);
    }
    expect(mine).toHaveLength(1);
    const letter = mine[0]!;
    expect(letter.patient?.surname).toBe('LEFÈVRE');
    expect(letter.documents[0]!.text).toContain('Tension 13/8, pas de traitement.');
    expect(letter.subject).toBe('Document concernant votre patient');

    // A second "Relever" stores nothing again.
    expect((await call(paul, 'mail.sync', {})).received).toBe(0);
  });
});
