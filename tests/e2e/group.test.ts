import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host/host';
import { testEnv } from '../env/current';
import { failFastOnAlert, launchChromium, screenshot } from '../support/browser';
import { CABINET, FOUNDER_PASSWORD, PEOPLE, call, groupPractice, hprimFor, mailProfile } from '../support/group-practice';
import { startServedPli, type ServedPli } from '../support/served-pli';
import { start, type TrustedServerSimulator } from '../support/trusted-server';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';
import { seriousViolations } from './a11y';

/**
 * A group practice in the window: two doctors and a secretary, prepared through the host contract; a
 * letter for the practice (jean.DUPONT -> trusted-server simulator -> cabinet.LESTILLEULS, group key)
 * names nobody and lands in "À trier". The secretary signs in, attributes it to Dr Claire MARTIN; Claire
 * signs in and reads it; Dr Hélène DURAND cannot see it. The tests run in order on one page.
 */
const env = testEnv();
let root: string;
let sim: TrustedServerSimulator;
let profileDir: string;
let pli: ServedPli;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];
const token = Math.random().toString(36).slice(2, 8).toUpperCase();
const SURNAME = `TRIER${token}`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pli-e2e-group-'));
  sim = await start(simulatorOptionsFromEnv(env));
  const bundle = join(root, 'ca.pem');
  writeFileSync(bundle, `${env.tls.caCertPem}\n${sim.caPem ?? ''}`);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  const hosts: Host[] = [];
  try {
    const jean = await mailProfile(join(root, 'jean'), 'jean.DUPONT', env, sim, 'Profil-Jean-2026!');
    hosts.push(jean);
    const practice = await groupPractice(root, env, sim);
    hosts.push(practice.host);
    profileDir = practice.profileDir;
    await call(practice.host, 'mail.sync', {}); // what the box already held (other test files)
    await call(jean, 'compose.send', { draft: { to: [`${CABINET}@${env.domain}`], subject: 'Compte rendu de biologie', text: hprimFor('Dr Pierre DUPUIS', SURNAME, token) } });
    await call(jean, 'mail.sync', {});
    // Sent (by the background run or "Relever"), then collected by the practice: it names no doctor.
    for (let i = 0; i < 60; i++) {
      if ((await call(jean, 'folders.list', {})).folders.find((f) => f.kind === 'outbox')!.total === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect((await call(practice.host, 'mail.sync', {})).received).toBeGreaterThanOrEqual(1); // other test files may write to the same box
  } finally {
    for (const h of hosts) await h.close();
  }
  pli = await startServedPli(profileDir, { NODE_EXTRA_CA_CERTS: bundle });
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pli.url);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await pli?.stop();
  await sim?.stop();
  delete process.env.NODE_EXTRA_CA_CERTS;
  rmSync(root, { recursive: true, force: true });
});

/** Waits for `target`; if the host answers with an error instead, fails at once with its message. */
const failFast = (target: Locator): Promise<void> => failFastOnAlert(page, target);

async function signIn(person: string | undefined, password: string): Promise<void> {
  await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor({ timeout: 15_000 });
  const who = page.getByLabel('Qui êtes-vous ?');
  await who.waitFor();
  if (person) await who.selectOption({ label: person });
  else await who.selectOption({ value: '' });
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Déverrouiller' }).click();
  await failFast(page.getByTestId('signed-in'));
}

async function lock(): Promise<void> {
  await page.getByRole('button', { name: 'Verrouiller', exact: true }).click();
  await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor();
}

const folders = () => page.getByRole('navigation', { name: 'Dossiers' });
async function openFolder(name: string): Promise<void> {
  await folders().getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  await page.getByRole('status').filter({ hasText: /courrier/ }).first().waitFor();
}
const ourRow = () => page.getByTestId('letter-row').filter({ hasText: SURNAME });

describe('group practice in the window', () => {
  it('the sign-in screen lists the people of the practice', async () => {
    await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor({ timeout: 15_000 });
    const options = await page.getByLabel('Qui êtes-vous ?').locator('option').allTextContents();
    expect(options).toEqual(['Nadia Secrétariat (secrétariat)', 'Dr Claire MARTIN (médecin)', 'Dr Hélène DURAND (médecin)', 'Mot de passe du profil (administration)']);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'group-unlock');
  });

  it('the secretary opens "À trier" from her dashboard and attributes the letter to Dr Claire MARTIN', async () => {
    await signIn('Nadia Secrétariat (secrétariat)', PEOPLE.nadia.password);
    expect(await page.getByTestId('signed-in').textContent()).toBe('Session : Nadia Secrétariat (secrétariat)');
    await page.getByRole('button', { name: 'Secrétariat', exact: true }).click();
    await failFast(page.getByRole('heading', { name: 'Tableau de bord du secrétariat' }));
    await page.getByTestId('dashboard-a-trier').waitFor();
    expect(Number((await page.getByTestId('dashboard-a-trier').textContent())!.split(' ')[0])).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole('table', { name: 'Courriers par médecin' }).getByRole('row').count()).toBe(3);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'group-dashboard');

    await page.getByRole('button', { name: 'Ouvrir « À trier »' }).click();
    await page.getByRole('heading', { name: 'À trier', level: 1 }).waitFor();
    await ourRow().click();
    const assign = page.getByRole('form', { name: 'Attribuer à…' });
    await failFast(assign);
    await page.getByText(`Compte rendu ${token}`).waitFor();
    await assign.getByLabel('Médecin destinataire').selectOption({ label: 'Dr Claire MARTIN' });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'group-a-trier-assign');
    await assign.getByRole('button', { name: 'Attribuer' }).click();
    await failFast(page.getByText('Courrier attribué au Dr Claire MARTIN.'));
    await expect.poll(() => ourRow().count()).toBe(0);
    // It is now in Claire's folder, which the secretariat sorts.
    await openFolder('Dr Claire MARTIN');
    await ourRow().waitFor();
    // Her letters are prepared on a doctor's behalf and leave unsigned: no "Signer" for the secretariat.
    await page.getByRole('button', { name: 'Nouveau courrier' }).click();
    const behalf = page.getByLabel('Pour le compte de');
    await behalf.waitFor();
    expect(await behalf.locator('option').allTextContents()).toEqual(['Le cabinet (aucun médecin en particulier)', 'Dr Claire MARTIN', 'Dr Hélène DURAND']);
    expect(await page.getByLabel('Signer avec la carte CPS').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'group-secretary-composer');
    await page.getByRole('button', { name: 'Annuler' }).click();
  });

  it('Dr Claire MARTIN signs in and reads it in “Mes courriers”', async () => {
    await lock();
    await signIn('Dr Claire MARTIN (médecin)', PEOPLE.claire.password);
    expect(await folders().getByRole('button', { name: /^Dr Hélène DURAND/ }).count()).toBe(0);
    await openFolder('Mes courriers');
    await ourRow().click();
    await failFast(page.getByText(`Compte rendu ${token}`));
    // A doctor's own letters have no "Attribuer à…" (it is not in "À trier").
    expect(await page.getByRole('form', { name: 'Attribuer à…' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'group-doctor-reads');
  });

  it('Dr Hélène DURAND cannot see it anywhere', async () => {
    await lock();
    await signIn('Dr Hélène DURAND (médecin)', PEOPLE.helene.password);
    expect(await folders().getByRole('button', { name: /^Dr Claire MARTIN/ }).count()).toBe(0);
    await openFolder('Mes courriers');
    expect(await ourRow().count()).toBe(0);
    await openFolder('À trier');
    expect(await ourRow().count()).toBe(0);
    // Search over everything she may open: the letter's patient is not found.
    await page.locator('#search-input').fill(SURNAME);
    await page.getByRole('heading', { name: 'Résultats de la recherche', level: 1 }).waitFor();
    const count = page.locator('.list-pane').getByRole('status').filter({ hasText: /^\d+ courriers?$/ });
    await count.waitFor();
    expect(await count.textContent()).toBe('0 courrier');
    expect(await page.getByTestId('letter-row').count()).toBe(0);
    await screenshot(page, 'group-other-doctor');
  });

  it('the administrator sees the audit log of it all and exports it as CSV', async () => {
    await lock();
    await signIn(undefined, FOUNDER_PASSWORD);
    await page.getByRole('button', { name: 'Journal', exact: true }).click();
    await failFast(page.getByRole('heading', { name: 'Journal des actions' }));
    const table = page.locator('.audit-table');
    await table.waitFor();
    const rows = await table.locator('tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('Nadia Secrétariat') && r.includes('déplacement') && r.includes('autorisé'))).toBe(true);
    expect(rows.some((r) => r.includes('Dr Claire MARTIN') && r.includes('lecture') && r.includes('autorisé'))).toBe(true);
    expect(rows.some((r) => r.includes('Tri automatique') && r.includes('tri automatique'))).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'group-audit');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter en CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^journal-pli-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFDate;Personne;Identifiant;Action;')).toBe(true);
    expect(csv).toMatch(/;Nadia Secrétariat;nadia;déplacement;letter\.move;letter:\d+;autorisé;/);

    await page.getByRole('button', { name: 'Paramètres' }).click();
    await page.locator('#settings-group').scrollIntoViewIfNeeded();
    await failFast(page.locator('#settings-group').getByLabel('Clef de groupe (propriétaire)'));
    expect(await page.locator('#settings-group').getByLabel('Clef de groupe (propriétaire)').inputValue()).toBe(CABINET);
    expect(await page.locator('#settings-group').getByLabel('Identifiant APICRYPT').first().inputValue()).toBe('claire.MARTIN');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'group-settings');
  });

  it('the administrator renames the practice, sets a delegation and adds a person who then opens her own session', async () => {
    const section = page.locator('#settings-group');
    await section.getByLabel('Nom du cabinet').fill('Maison de santé des Tilleuls');
    // Claire delegates her folder to Hélène (e.g. during her holidays).
    await section.getByRole('group', { name: 'Dr Claire MARTIN', exact: true }).getByLabel('Dr Hélène DURAND').check();
    await section.getByRole('button', { name: 'Enregistrer le cabinet' }).click();
    await failFast(section.getByText('Réglages du cabinet enregistrés.'));
    await section.getByLabel('Nom affiché').fill('Yves Accueil');
    expect(await section.getByLabel('Identifiant de connexion').inputValue()).toBe('yves-accueil');
    await section.getByLabel('Rôle').selectOption({ label: 'secrétariat' });
    await section.getByLabel('Mot de passe de cette personne').fill('Yves-Accueil-2026!');
    await section.getByLabel('Votre mot de passe (confirmation)').fill(FOUNDER_PASSWORD);
    await section.getByRole('button', { name: 'Ajouter la personne' }).click();
    await failFast(section.getByText('Yves Accueil peut maintenant ouvrir sa session.'));
    await section.getByText('Yves Accueil — secrétariat').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await lock();
    await signIn('Yves Accueil (secrétariat)', 'Yves-Accueil-2026!');
    expect(await page.getByTestId('signed-in').textContent()).toBe('Session : Yves Accueil (secrétariat)');
    // The practice keeps its new name and its doctors.
    await page.getByRole('button', { name: 'Paramètres' }).click();
    await failFast(page.locator('#settings-group').getByLabel('Nom du cabinet'));
    await expect.poll(() => page.locator('#settings-group').getByLabel('Nom du cabinet').inputValue()).toBe('Maison de santé des Tilleuls');
    // With the delegation, Hélène now opens Claire's folder and reads the letter there.
    await lock();
    await signIn('Dr Hélène DURAND (médecin)', PEOPLE.helene.password);
    await openFolder('Dr Claire MARTIN');
    await ourRow().click();
    await failFast(page.getByText(`Compte rendu ${token}`));
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
