/**
 * A group practice prepared through the host contract only (Host.invoke), on the real servers: the
 * practice "Cabinet des Tilleuls" collects cabinet.LESTILLEULS's box (IMAP, Dovecot) with the group key;
 * jean.DUPONT writes to it through the trusted-server simulator. Synthetic data only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Host } from '../../src/host/host';
import type { CommandName, Request, Response } from '../../src/shared/contract';
import type { PracticeSetupView } from '../../src/shared/domain';
import type { TestEnv } from '../env/types';
import { setUpMailProfile } from './mail-profile';
import type { TrustedServerSimulator } from './trusted-server';

export const CABINET = 'cabinet.LESTILLEULS';
export const FOUNDER_PASSWORD = 'Cabinet-Tilleuls-2026!';
export const PEOPLE = {
  nadia: { id: 'nadia', name: 'Nadia Secrétariat', role: 'secretary' as const, password: 'Nadia-Secretariat-26' },
  claire: { id: 'claire', name: 'Dr Claire MARTIN', role: 'doctor' as const, doctorId: 'claire-martin', password: 'Claire-Martin-2026!' },
  helene: { id: 'helene', name: 'Dr Hélène DURAND', role: 'doctor' as const, doctorId: 'helene-durand', password: 'Helene-Durand-2026!' },
};

export function practiceSetup(env: TestEnv): PracticeSetupView {
  return {
    mode: 'group',
    name: 'Cabinet médical des Tilleuls',
    groupKeyOwner: CABINET,
    commonAddress: `${CABINET}@${env.domain}`,
    doctors: [
      { id: 'claire-martin', firstName: 'Claire', surname: 'MARTIN', apicryptId: 'claire.MARTIN', rpps: '10100000001', dropProfileId: 'drop-claire' },
      { id: 'helene-durand', firstName: 'Hélène', surname: 'DURAND', apicryptId: 'helene.DURAND', rpps: '10100000003', dropProfileId: 'drop-helene' },
    ],
    staff: [{ id: 'nadia', name: 'Nadia Secrétariat' }],
  };
}

export async function call<C extends CommandName>(host: Host, command: C, payload: Request<C>): Promise<Response<C>> {
  const r = await host.invoke(command, payload);
  if (!r.ok) throw new Error(`${command}: ${r.error.code} ${r.error.message_fr}`);
  return r.result as Response<C>;
}

/** The host's typed refusal of a command (fails when the command succeeds). */
export async function refusal(host: Host, command: CommandName, payload: unknown): Promise<{ code: string; message_fr: string }> {
  const r = await host.invoke(command, payload);
  if (r.ok) throw new Error(`${command} should have been refused`);
  return r.error;
}

function newHost(profileDir: string): Host {
  return new Host({ profileDir, version: '0.0.0', shell: 'test', resourcesDir: 'resources' });
}

/** A profile with a login's key medium and its account (IMAP in, the simulator out). */
export async function mailProfile(profileDir: string, login: string, env: TestEnv, sim: TrustedServerSimulator, password: string): Promise<Host> {
  const host = newHost(profileDir);
  await setUpMailProfile(host, { env, sim, login, password, incoming: 'imap' });
  return host;
}

/**
 * The practice: cabinet.LESTILLEULS's box and keys, two doctors each with their drop folder, the
 * secretary and both doctors as people with their own passwords (added by the founder's password).
 * Returns the host, open with the founder's password, and the drop folders.
 */
export async function groupPractice(root: string, env: TestEnv, sim: TrustedServerSimulator): Promise<{ host: Host; profileDir: string; drops: Record<string, string> }> {
  const profileDir = join(root, 'cabinet');
  const host = await mailProfile(profileDir, CABINET, env, sim, FOUNDER_PASSWORD);
  const shipped = (await call(host, 'practice.list', {})).profiles[0]!;
  const drops: Record<string, string> = {};
  for (const [id, who] of [['drop-claire', 'claire-martin'], ['drop-helene', 'helene-durand']] as const) {
    const folder = join(root, 'depots', who);
    mkdirSync(folder, { recursive: true });
    drops[who] = folder;
    await call(host, 'practice.save', { profile: { ...shipped, id, name: `Logiciel ${who}`, folder, enabled: true } });
  }
  await call(host, 'practice.group.save', { setup: practiceSetup(env) });
  for (const p of Object.values(PEOPLE)) {
    const { password, ...person } = p;
    await call(host, 'people.add', { person, password, adminPassword: FOUNDER_PASSWORD });
  }
  return { host, profileDir, drops };
}

/** An HPRIM Médecins document as a lab writes it, line 12 naming `recipient` (raw text, sent without a patient form). */
export function hprimFor(recipient: string, surname: string, marker: string): string {
  return [
    'PAT001',
    surname,
    'Zoé',
    '',
    '',
    '35000 RENNES',
    '02/03/1980',
    '',
    `REF-${marker}`,
    '20/11/2026',
    `${'LABO'.padEnd(10)} Laboratoire des Lices`,
    `${''.padEnd(10)} ${recipient}`,
    '',
    `Compte rendu ${marker} : bilan sans particularité.`,
    '****LAB****',
    'RES|Glycémie à jeun|GLY|N|1.32|g/l|0.70|1.10|H|F',
    '****FIN****',
    '****FINFICHIER****',
    '',
  ].join('\n');
}
