import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../env/current';
import { copyCard, type CardCopy } from '../integration/signing-support';
import { failFastOnAlert, launchChromium, screenshot, watchErrors } from '../support/browser';
import { startServedPli, type ServedPli } from '../support/served-pli';
import { start, type TrustedServerSimulator } from '../support/trusted-server';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';
import { writeBigMbox } from '../fixtures/legacy/synth';
import { seriousViolations } from './a11y';

/**
 * The first-launch wizard on the real built web shell and real servers: jean.DUPONT's key medium, his
 * Dovecot POP3 box with the trusted-server simulator for SMTP, his SoftHSM CPS card (a private copy of
 * the token, so the wrong PIN tried here never touches the shared one), a drop folder, and the synthetic
 * legacy installation. A second profile skips every step.
 */
const env = testEnv();
const LEGACY = resolve('tests', 'fixtures', 'legacy');
const expected = JSON.parse(readFileSync(join(LEGACY, 'expected.json'), 'utf8')) as {
  totals: { imported: number; alreadyPresent: number; notDecryptable: number; notReadable: number };
};
const PASSWORD = 'Assistant-Pli-2026!';
const jean = env.users.find((u) => u.login === 'jean.DUPONT')!;
const jeanPki = env.pki.users['jean.DUPONT']!;

let work: string;
let home: string;
let sim: TrustedServerSimulator;
let card: CardCopy;
let browser: Browser;
let context: BrowserContext;
let servedEnv: Record<string, string>;
const served: ServedPli[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pli-e2e-wizard-'));
  // The served Pli's home: empty but for a key folder where the old client kept it (~/apicrypt/Clefs),
  // so that detection has something real to find and nothing of this machine's own home leaks in.
  home = join(work, 'home');
  mkdirSync(join(home, 'apicrypt'), { recursive: true });
  cpSync(resolve('keys-fixtures', 'media', 'jean.DUPONT', 'Clefs'), join(home, 'apicrypt', 'Clefs'), { recursive: true });
  // The legacy installation is copied: the import only reads, and the copy proves nothing is needed in place.
  cpSync(join(LEGACY, 'install'), join(work, 'legacy'), { recursive: true });
  mkdirSync(join(work, 'depot'));
  card = copyCard('jean.DUPONT');
  sim = await start(simulatorOptionsFromEnv(env));
  const bundle = join(work, 'ca.pem');
  writeFileSync(bundle, `${env.tls.caCertPem}\n${sim.caPem ?? ''}`);
  servedEnv = { HOME: home, SOFTHSM2_CONF: card.conf, NODE_EXTRA_CA_CERTS: bundle };
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  for (const p of served) await p.stop();
  await sim?.stop();
  card?.remove();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh profile whose settings name the card module (SoftHSM here, Cryptolib CPS on a real post). */
async function freshPli(name: string): Promise<ServedPli> {
  const profile = join(work, name);
  mkdirSync(profile);
  writeFileSync(join(profile, 'settings.json'), JSON.stringify({ cardModulePath: env.softhsm.module }));
  const pli = await startServedPli(profile, servedEnv);
  served.push(pli);
  return pli;
}



/** Password, recovery code, "Je l’ai noté": the wizard's first step follows. */
async function createProfile(page: Page, pli: ServedPli): Promise<void> {
  await page.goto(pli.url);
  await page.getByRole('heading', { name: 'Bienvenue dans Pli' }).waitFor({ timeout: 15_000 });
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer mon mot de passe' }).click();
  await failFastOnAlert(page, page.getByRole('heading', { name: 'Votre code de secours' }));
  expect(await page.getByTestId('recovery-code').textContent()).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){5}$/);
  await page.getByRole('button', { name: 'Je l’ai noté' }).click();
  await page.getByRole('heading', { name: 'Préparer Pli', level: 1 }).waitFor({ timeout: 15_000 });
}

const stepHeading = (page: Page, n: number, name: string) => page.getByRole('heading', { level: 2, name: `Étape ${n} sur 6 : ${name}` });

/** The step is current, announced, and clean for axe; a screenshot is kept. */
async function onStep(page: Page, n: number, name: string, shot: string): Promise<void> {
  await stepHeading(page, n, name).waitFor({ timeout: 15_000 });
  expect(await page.locator('.wizard-steps [aria-current="step"]').textContent()).toContain(name);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, shot);
}

async function lockAndUnlock(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Verrouiller', exact: true }).click();
  await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor();
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Déverrouiller' }).click();
  await failFastOnAlert(page, page.getByRole('heading', { name: 'Réception', level: 1 }));
}

describe('first-launch wizard, every step done with the fixtures', () => {
  let pli: ServedPli;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    pli = await freshPli('profil-complet');
    page = await context.newPage();
    errors = watchErrors(page);
  });
  afterAll(async () => {
    await page?.close();
  });

  it('follows the recovery code with the wizard, on the key step', async () => {
    await createProfile(page, pli);
    await onStep(page, 1, 'Clés APICRYPT', 'wizard-1-keys');
    expect(await page.getByText('Aucune clé importée.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Continuer' }).isDisabled()).toBe(true);
  });

  it('finds the key folder in the usual place and imports jean.DUPONT’s medium by its path', async () => {
    const detected = page.locator('.detected .choice-list li');
    await detected.first().waitFor({ timeout: 15_000 });
    const found = await detected.allTextContents();
    expect(found.some((t) => t.includes(join(home, 'apicrypt', 'Clefs')) && t.includes('4 fichiers de clés')), found.join(' | ')).toBe(true);

    // A folder that is not there, then a damaged key: French refusals, nothing imported.
    await page.getByLabel('Dossier du support de clés').fill(join(work, 'absent'));
    await page.getByRole('button', { name: 'Importer les clés', exact: true }).click();
    await page.getByRole('alert').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('alert').textContent()).toContain('introuvable');
    await page.getByLabel('Dossier du support de clés').fill(resolve('keys-fixtures', 'broken', 'crc-mismatch'));
    await page.getByRole('button', { name: 'Importer les clés', exact: true }).click();
    await page.getByTestId('keys-report').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('keys-report').textContent()).toContain('0 clé importée.');
    const refusals = await page.getByTestId('keys-report').locator('.refusals li').allTextContents();
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(/^jean\.DUPONT\.126 : \S.{10,}/);
    expect(await page.getByText('Aucune clé importée.').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-1-keys-refused');

    await page.getByLabel('Dossier du support de clés').fill(resolve('keys-fixtures', 'media', 'jean.DUPONT'));
    await page.getByRole('button', { name: 'Importer les clés', exact: true }).click();
    await failFastOnAlert(page, page.getByTestId('keys-report'));
    expect(await page.getByTestId('keys-report').textContent()).toContain('4 clés importées.');
    const rows = page.getByRole('table', { name: 'Clés importées' }).locator('tbody tr');
    await rows.nth(3).waitFor();
    const listed = (await rows.allTextContents()).join(' | ');
    for (const k of ['jean.DUPONT2026', 'jean.DUPONT2025', 'Master2026', 'Master2025']) expect(listed.replace(/\s+/g, '')).toContain(k);
    expect(await rows.count()).toBe(4);

    // The same medium again, through the detected folder: nothing new, and said so.
    await page.getByRole('button', { name: `Importer les clés de Dossier ${join(home, 'apicrypt', 'Clefs')}` }).click();
    await page.getByTestId('keys-report').getByText('4 clés déjà présentes.').waitFor();
    expect(await page.getByTestId('keys-report').textContent()).toContain('0 clé importée.');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-1-keys-imported');
    await page.getByRole('button', { name: 'Continuer' }).click();
  });

  it('sets up jean.DUPONT’s account (Dovecot POP3, simulator SMTP) and the connection test passes every step', async () => {
    await onStep(page, 2, 'Messagerie', 'wizard-2-account');
    expect(await page.getByLabel('Type de compte').inputValue()).toBe('apicrypt');
    await page.getByLabel('Adresse de messagerie').fill(jean.address);
    // The APICRYPT preset proposes POP3 + STARTTLS and the usual server names; the test servers differ.
    expect(await page.locator('#in-kind').inputValue()).toBe('pop3');
    expect(await page.locator('#in-host').inputValue()).toBe(`pop.${jean.address.split('@')[1]}`);
    await page.getByLabel('Mot de passe du compte').fill(jean.password);
    await page.locator('#in-host').fill('127.0.0.1');
    await page.locator('#in-port').fill(String(env.dovecot.pop3Port));
    await page.locator('#in-user').fill(jean.login);
    await page.locator('#out-host').fill(sim.host);
    await page.locator('#out-port').fill(String(sim.port));
    await page.locator('#out-user').fill(jean.login);
    await page.getByRole('button', { name: 'Tester la connexion' }).click();
    await failFastOnAlert(page, page.getByTestId('account-test-result'), { timeout: 60_000 });
    const steps = page.getByRole('list', { name: 'Étapes du test de connexion' }).getByRole('listitem');
    const texts = await steps.allTextContents();
    expect(texts.length).toBeGreaterThanOrEqual(4);
    expect(texts.filter((t) => !t.includes('Réussi')), texts.join('\n')).toEqual([]);
    expect(await page.getByTestId('account-test-result').textContent()).toBe('Connexion réussie : Pli peut relever et envoyer vos courriers.');
    // The password went to the host once; the field is empty again.
    expect(await page.getByLabel('Mot de passe du compte').inputValue()).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-2-account-tested');
    await page.getByRole('button', { name: 'Continuer' }).click();
  });

  it('detects the CPS card, says how many tries are left after a wrong PIN, then accepts 1234', async () => {
    await onStep(page, 3, 'Carte CPS', 'wizard-3-card');
    const status = page.getByTestId('card-status');
    await status.getByText('Carte présente', { exact: true }).waitFor({ timeout: 15_000 });
    const facts = (await status.textContent()) ?? '';
    expect(facts).toContain(jeanPki.surname);
    expect(facts).toContain(jeanPki.rpps);
    expect(await page.getByTestId('card-tries').textContent()).toBe('3');
    expect(await page.getByRole('button', { name: 'Continuer' }).isDisabled()).toBe(true);

    // One wrong PIN only: the private token copy keeps two tries, and the right PIN resets the counter.
    await page.getByLabel('Code PIN de la carte (facultatif)').fill('0000');
    await page.getByRole('button', { name: 'Vérifier le code' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('Code PIN incorrect. Il reste 2 essais avant le blocage de la carte.');
    await page.getByTestId('card-tries').getByText('2', { exact: true }).waitFor();
    expect(await page.getByLabel('Code PIN de la carte (facultatif)').inputValue()).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-3-card-wrong-pin');

    await page.getByLabel('Code PIN de la carte (facultatif)').fill('1234');
    await page.getByRole('button', { name: 'Vérifier le code' }).click();
    await failFastOnAlert(page, page.getByText('Code accepté : la carte CPS est prête à signer.'));
    expect(await status.getByText('Carte présente, code saisi').count()).toBe(1);
    expect(await page.getByTestId('card-tries').textContent()).toBe('3');
    // The PIN field is gone with the login: the page keeps no PIN.
    expect(await page.locator('#card-pin').count()).toBe(0);
    await screenshot(page, 'wizard-3-card-ok');
    await page.getByRole('button', { name: 'Continuer' }).click();
  });

  it('sets the practice software’s drop folder', async () => {
    await onStep(page, 4, 'Logiciel métier', 'wizard-4-practice');
    const profile = page.getByLabel('Logiciel métier');
    expect((await profile.locator('option').allTextContents()).length).toBeGreaterThanOrEqual(2);
    // A relative path is refused with the validator's French reason.
    await page.getByLabel('Dossier d’import du logiciel métier').fill('import');
    await page.getByRole('button', { name: 'Enregistrer le dossier de dépôt' }).click();
    await page.getByRole('alert').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('alert').textContent()).toContain('chemin absolu');
    await page.getByLabel('Dossier d’import du logiciel métier').fill(join(work, 'depot'));
    expect(await page.getByLabel('Déposer les courriers reçus dans ce dossier').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Enregistrer le dossier de dépôt' }).click();
    await failFastOnAlert(page, page.getByText(`Les courriers reçus seront déposés dans ${join(work, 'depot')}.`));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-4-practice-saved');
    await page.getByRole('button', { name: 'Continuer' }).click();
  });

  it('imports the synthetic legacy installation with progress and the expected report', async () => {
    await onStep(page, 5, 'Ancienne messagerie', 'wizard-5-migration');
    const sources = page.getByTestId('migration-sources');
    // Found by itself: the key folder of the usual place.
    await sources.getByText(join(home, 'apicrypt', 'Clefs')).waitFor({ timeout: 15_000 });
    for (const root of ['home', 'mail']) {
      await page.getByLabel('Autre dossier à examiner').fill(join(work, 'legacy', root));
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await failFastOnAlert(page, sources.getByText(join(work, 'legacy', root), { exact: false }).first());
    }
    const found = (await sources.locator('li').allTextContents()).join(' | ');
    for (const kind of ['Données de l’ancien logiciel', 'Dossier Maildir', 'Courriers .eml', 'Boîte mbox', 'Fichiers HPRIM']) expect(found).toContain(kind);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-5-migration-found');

    await page.getByRole('button', { name: 'Importer l’ancienne messagerie' }).click();
    await failFastOnAlert(page, page.getByTestId('migration-report'), { timeout: 90_000 });
    expect(await page.getByTestId('migration-report').getByRole('status').textContent()).toBe('Import terminé.');
    const facts = await page.getByTestId('migration-report').locator('dd').allTextContents();
    expect(facts.slice(0, 4).map(Number)).toEqual([
      expected.totals.imported,
      expected.totals.alreadyPresent,
      expected.totals.notDecryptable,
      expected.totals.notReadable,
    ]);
    // Progress events arrived: the last figures stay under the button.
    expect(await page.getByTestId('migration-progress').textContent()).toMatch(/Courriers lus : \d+ ; importés : \d+/);
    await page.getByText('Rapport détaillé', { exact: true }).click();
    expect(await page.locator('.report-text').textContent()).toContain('Import de l’ancienne messagerie — rapport');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-5-migration-report');
    await page.getByRole('button', { name: 'Continuer' }).click();
  });

  it('explains the demo, sums up and opens the main window', async () => {
    await onStep(page, 6, 'Essayer sans compte', 'wizard-6-demo');
    expect(await page.locator('.demo-step').textContent()).toContain('npm run demo');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByRole('heading', { name: 'Pli est prêt', level: 2 }).waitFor();
    const summary = await page.getByTestId('wizard-summary').getByRole('listitem').allTextContents();
    expect(summary).toHaveLength(5);
    expect(summary.filter((s) => !s.endsWith(': fait')), summary.join('\n')).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-7-summary');
    await page.getByRole('button', { name: 'Terminer' }).click();
    await failFastOnAlert(page, page.getByRole('heading', { name: 'Réception', level: 1 }));
    // The migrated letters are in the mailbox.
    await page.getByRole('option').first().waitFor({ timeout: 15_000 });
    expect(await page.getByText('Aucun courrier ici.').count()).toBe(0);
    await screenshot(page, 'wizard-main-window');
  });

  it('does not show the wizard again after lock and unlock; what it set is in Paramètres', async () => {
    await lockAndUnlock(page);
    expect(await page.getByRole('heading', { name: 'Préparer Pli' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Paramètres' }).click();
    await page.getByRole('heading', { name: 'Paramètres' }).waitFor();
    await page.locator('#settings-keys tbody tr').first().waitFor();
    await page.locator('#practice-folder').and(page.locator(`[value="${join(work, 'depot')}"]`)).waitFor();
    expect(await page.locator('#account-address').inputValue()).toBe(jean.address);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-settings-after');
    expect(errors, errors.join('\n')).toEqual([]);
  });
});

describe('first-launch wizard, every step skipped; the old mailbox later from Paramètres', () => {
  const BIG = 30_000;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    page = await context.newPage();
    errors = watchErrors(page);
    // A big old mailbox (and its keys), so that the import is still running when "Annuler" is pressed.
    await writeBigMbox(join(work, 'gros', 'Inbox'), join(work, 'gros'), BIG, 2026);
  });
  afterAll(async () => {
    await page?.close();
  });

  it('comes back after a reload until finished, skips all six steps, then stays away', async () => {
    const pli = await freshPli('profil-passe');
    await createProfile(page, pli);
    await stepHeading(page, 1, 'Clés APICRYPT').waitFor();
    // Leaving in the middle (here: reloading the window) brings the wizard back.
    await page.reload();
    await stepHeading(page, 1, 'Clés APICRYPT').waitFor({ timeout: 15_000 });

    const names = ['Clés APICRYPT', 'Messagerie', 'Carte CPS', 'Logiciel métier', 'Ancienne messagerie', 'Essayer sans compte'];
    for (const [i, name] of names.entries()) {
      await stepHeading(page, i + 1, name).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Passer cette étape' }).click();
    }
    await page.getByRole('heading', { name: 'Pli est prêt', level: 2 }).waitFor();
    const summary = await page.getByTestId('wizard-summary').getByRole('listitem').allTextContents();
    expect(summary.filter((s) => !s.endsWith(': à faire plus tard dans les Paramètres')), summary.join('\n')).toEqual([]);
    expect(summary).toHaveLength(5);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wizard-skipped-summary');
    await page.getByRole('button', { name: 'Terminer' }).click();
    await failFastOnAlert(page, page.getByRole('heading', { name: 'Réception', level: 1 }));
    await page.getByText('Aucun courrier ici.').waitFor();

    await lockAndUnlock(page);
    expect(await page.getByRole('heading', { name: 'Préparer Pli' }).count()).toBe(0);
    await page.reload();
    await page.getByRole('heading', { name: 'Réception', level: 1 }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('heading', { name: 'Préparer Pli' }).count()).toBe(0);
  });

  it('imports the skipped old mailbox from Paramètres: cancel keeps a part, running again adds the rest without duplicate', async () => {
    await page.getByRole('button', { name: 'Paramètres' }).click();
    const section = page.locator('#settings-migration');
    await section.getByRole('heading', { name: 'Ancienne messagerie' }).waitFor();
    await section.getByLabel('Autre dossier à examiner').fill(join(work, 'gros'));
    await section.getByRole('button', { name: 'Rechercher' }).click();
    await failFastOnAlert(page, section.getByTestId('migration-sources').getByText(join(work, 'gros', 'Inbox')), { scope: section });

    await section.getByRole('button', { name: 'Importer l’ancienne messagerie' }).click();
    // Cancel once the import has reported progress (letters read), while it is still running.
    await section.getByTestId('migration-progress').getByText(/Courriers lus : [1-9]/).waitFor({ timeout: 60_000 });
    await section.getByRole('button', { name: 'Annuler l’import' }).click();
    await failFastOnAlert(page, section.getByTestId('migration-report'), { scope: section, timeout: 60_000 });
    expect(await section.getByTestId('migration-report').getByRole('status').textContent()).toContain('Import interrompu');
    const first = Number(await section.getByTestId('migration-imported').textContent());
    expect(first).toBeLessThan(BIG);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'settings-migration-cancelled');

    await section.getByRole('button', { name: 'Importer l’ancienne messagerie' }).click();
    await section.getByTestId('migration-report').getByText('Import terminé.').waitFor({ timeout: 120_000 });
    // The resumed source reports its whole count; none of the letters kept by the first run came twice.
    const facts = (await section.getByTestId('migration-report').locator('dd').allTextContents()).map(Number);
    expect(facts.slice(0, 4)).toEqual([BIG, 0, 0, 0]);
    await screenshot(page, 'settings-migration-resumed');

    expect(errors, errors.join('\n')).toEqual([]);
  });
});
