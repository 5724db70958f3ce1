import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../env/current';
import { copyCard, type CardCopy } from '../integration/signing-support';
import { failFastOnAlert, launchChromium, screenshot, watchErrors } from '../support/browser';
import { HostEvents } from '../support/host-events';
import { emptyServerMailbox, hprimLabReport, prepareMailProfile, sendLabReports, writeCaBundle, type LabPatient, type PreparedProfile } from '../support/mail-profile';
import { startServedPli, type ServedPli } from '../support/served-pli';
import { start, type TrustedServerSimulator } from '../support/trusted-server';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';
import { seriousViolations } from './a11y';

/**
 * Issue 8's flows with everything real: the built web shell serving Pli on profiles prepared through the
 * host contract, Dovecot, the trusted-server simulator (the stand-in for the central APICRYPT server),
 * SoftHSM's CPS-TEST card, Debian's Chromium. The lab paul.MARTIN (fictitious) sends jean.DUPONT several
 * HPRIM results for one fictitious patient; jean reads them, follows a trend, searches, answers with a
 * signed letter that paul reads; then jean works through his inbox with the keyboard alone.
 * The tests of the describe block run in order on jean's page.
 */
const env = testEnv();
const JEAN_PASSWORD = 'Courrier-Jean-2026!';
const PAUL_PASSWORD = 'Laboratoire-Paul-2026!';

const AMELIE: LabPatient = { surname: 'LEFÈVRE', firstName: 'Amélie', birthDate: '12/04/1979', nir: '2790475111222 22' };
const NOE: LabPatient = { surname: 'MOREAU', firstName: 'Noé', birthDate: '13/01/1952', nir: '1520113055017 56' };
const hb = (value: string, flag: 'H' | 'L' | 'N') => ({ label: 'Hémoglobine', code: 'HB', value, unit: 'g/dl', low: '12', high: '16', flag });
const a1c = (value: string, flag: 'H' | 'L' | 'N') => ({ label: 'HbA1c', code: 'HBA1C', value, unit: '%', low: '4', high: '6', flag });
/** Amélie's HbA1c over 2026: normal, then three high values; her haemoglobin dips once below the range. */
const AMELIE_REPORTS = [
  { date: '12/01/2026', comment: 'Contrôle du 12/01/2026.', results: [hb('13.1', 'N'), a1c('5.6', 'N')] },
  { date: '15/04/2026', comment: 'Contrôle du 15/04/2026.', results: [hb('12.4', 'N'), a1c('6.4', 'H')] },
  { date: '10/07/2026', comment: 'Contrôle du 10/07/2026.', results: [hb('11.6', 'L'), a1c('7.1', 'H')] },
  { date: '20/10/2026', comment: 'Contrôle du 20/10/2026.', results: [hb('12.8', 'N'), a1c('8.1', 'H')] },
];

let work: string;
let sim: TrustedServerSimulator;
let card: CardCopy;
let jean: PreparedProfile;
let paul: PreparedProfile;
let servedEnv: Record<string, string>;
const served: ServedPli[] = [];
let browser: Browser;
let context: BrowserContext;
let jeanEvents: HostEvents;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pli-e2e-flows-'));
  sim = await start(simulatorOptionsFromEnv(env));
  const bundle = writeCaBundle(join(work, 'ca.pem'), env, sim);
  // A private copy of jean's CPS-TEST token: the PIN tries of the shared one stay untouched.
  card = copyCard('jean.DUPONT');
  emptyServerMailbox(env, 'jean.DUPONT');
  emptyServerMailbox(env, 'paul.MARTIN');
  jean = await prepareMailProfile({
    dir: join(work, 'jean'),
    env,
    sim,
    login: 'jean.DUPONT',
    password: JEAN_PASSWORD,
    incoming: 'pop3',
    settings: { cardModulePath: env.softhsm.module },
  });
  paul = await prepareMailProfile({ dir: join(work, 'paul'), env, sim, login: 'paul.MARTIN', password: PAUL_PASSWORD, incoming: 'imap' });
  const reports = AMELIE_REPORTS.map((r, i) => hprimLabReport({ ref: `LB2026${i}`, patient: AMELIE, ...r }));
  reports.push(hprimLabReport({ ref: 'LB20269', patient: NOE, date: '05/09/2026', comment: 'Contrôle du 05/09/2026.', results: [hb('14.2', 'N'), a1c('5.4', 'N')] }));
  await sendLabReports(env, sim, 'paul.MARTIN', 'jean.DUPONT', reports);
  // What the served processes need: the servers' authorities, the test signature root (honoured by
  // test builds only) and the card's SoftHSM configuration. Only jean's Pli knows the test PKI's
  // intermediate (as Pli ships IGC-Santé's): his signature must carry it for paul's Pli to verify it.
  servedEnv = { NODE_EXTRA_CA_CERTS: bundle, PLI_TEST_SIGNATURE_ROOT: env.pki.rootCertPath, SOFTHSM2_CONF: card.conf };
  served.push(await startServedPli(jean.dir, { ...servedEnv, PLI_TEST_SIGNATURE_INTERMEDIATES: env.pki.intermediateCertPath }));
  jeanEvents = await HostEvents.connect(served[0]!);
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1400, height: 900 } });
});

afterAll(async () => {
  jeanEvents?.close();
  await context?.close();
  await browser?.close();
  for (const s of served) await s.stop();
  await sim?.stop();
  card?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});



async function unlock(page: Page, url: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Déverrouiller' }).click();
  await failFastOnAlert(page, page.getByRole('heading', { name: 'Réception', level: 1 }), { timeout: 60_000 });
}

const rows = (page: Page) => page.getByRole('listbox').getByRole('option');
const patientsShown = (page: Page) => page.locator('[role=option] .row-patient').allTextContents();
const activePosition = (page: Page) => page.evaluate(() => (document.activeElement?.getAttribute('role') === 'option' ? Number(document.activeElement.getAttribute('aria-posinset')) : -1));

/** Types a query in the search bar and waits until the list shows that query's results. */
async function search(page: Page, query: string): Promise<void> {
  const input = page.getByRole('searchbox', { name: 'Rechercher dans les courriers' });
  await input.fill('');
  await input.pressSequentially(query, { delay: 30 });
  await page.getByRole('heading', { name: 'Résultats de la recherche', level: 1 }).waitFor();
  await page.waitForFunction((q) => {
    const pane = document.querySelector('.list-pane');
    return pane?.getAttribute('data-shown-query') === q && pane.getAttribute('aria-busy') !== 'true';
  }, query);
}

describe('jean.DUPONT receives lab results, follows a trend, searches, signs and sends, then uses the keyboard', () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    page = await context.newPage();
    errors = watchErrors(page);
  });
  afterAll(async () => {
    await page?.close();
  });

  it('unlocks, clicks « Relever » and sees the five lab letters arrive', async () => {
    await unlock(page, served[0]!.url, JEAN_PASSWORD);
    expect(await rows(page).count()).toBe(0);
    // The window reported its first usable inbox once; the host turned it into a timing event.
    const [interactive] = await jeanEvents.waitForTimings('ui.inbox_interactive_ms', 1);
    expect(interactive).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Relever' }).click();
    await failFastOnAlert(page, page.getByText('5 courriers reçus, 0 envoyé'), { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll('[role=listbox] [role=option]').length === 5);
    expect(await page.getByTestId('live-region').textContent()).toBe('5 nouveaux courriers');
    expect((await patientsShown(page)).sort()).toEqual(['LEFÈVRE Amélie', 'LEFÈVRE Amélie', 'LEFÈVRE Amélie', 'LEFÈVRE Amélie', 'MOREAU Noé']);
    // All unread, announced as such, and counted on the folder.
    expect(await page.locator('[role=option].unread').count()).toBe(5);
    expect(await page.getByTestId('folder-reception').textContent()).toContain('5 non lus');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'flows-inbox-received');
  });

  it('opens the last result: patient card, lab table with the abnormal value marked, HbA1c trend over all four letters', async () => {
    // Open Amélie's letters until the one of 20/10/2026 (the list order is the order of arrival).
    const amelie = rows(page).filter({ hasText: 'LEFÈVRE Amélie' });
    let found = false;
    for (let i = 0; i < (await amelie.count()) && !found; i++) {
      await amelie.nth(i).click();
      await page.locator('#reader-title').waitFor();
      await page.locator('.letter-text').first().waitFor();
      found = ((await page.locator('.letter-text').first().textContent()) ?? '').includes('Contrôle du 20/10/2026.');
    }
    expect(found).toBe(true);
    const reader = page.locator('article.reader');
    const patient = reader.getByRole('region', { name: 'Patient' });
    expect(await patient.locator('.patient-name').textContent()).toBe('LEFÈVRE Amélie');
    expect(await patient.textContent()).toContain('12/04/1979');
    // Masked: sex, year, month and department only.
    expect(await reader.getByTestId('nir').textContent()).toMatch(/^2 79 04 75 \*\*\* \*\*\*( \*\*)?$/);
    expect(await reader.getByTestId('signature').textContent()).toContain('Non signé');

    const table = reader.getByRole('table', { name: 'Résultats de biologie' });
    const a1cRow = table.getByRole('row', { name: /HbA1c/ });
    expect(await a1cRow.textContent()).toContain('▲');
    expect(await a1cRow.textContent()).toContain('Anormal (H)');
    expect(await a1cRow.getByRole('cell').first().textContent()).toContain('8.1');
    const hbRow = table.getByRole('row', { name: /Hémoglobine/ });
    expect(await hbRow.textContent()).not.toContain('Anormal');
    expect(await table.locator('tbody tr.abnormal').count()).toBe(1);

    await reader.getByRole('button', { name: 'Afficher l’évolution : HbA1c' }).click();
    const chart = reader.getByRole('img', { name: 'Courbe d’évolution de HbA1c, 4 mesures' });
    await chart.waitFor();
    expect(await reader.locator('.trend-band').count()).toBe(1);
    expect(await reader.locator('.trend-point').count()).toBe(4);
    expect(await reader.locator('.trend-point.abnormal').count()).toBe(3);
    expect(await reader.locator('.trend-legend').textContent()).toContain('4 – 6');
    // The same measurements as a table, in date order, for screen readers.
    await reader.locator('.trend-data summary').click();
    const data = await reader.locator('.trend-data tbody tr').allTextContents();
    expect(data).toEqual(['12/01/2026', '15/04/2026', '10/07/2026', '20/10/2026'].map((d, i) => `${d}${['5,6', '6,4', '7,1', '8,1'][i]} %${i === 0 ? 'Normal' : 'Anormal'}`));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'flows-reader-trend');
    // Opening it marked it read.
    await page.waitForFunction(() => document.querySelectorAll('[role=option].unread').length === 4);
  });

  it('finds the patient’s letters with and without accents', async () => {
    for (const query of ['Amélie', 'amelie', 'LEFÈVRE', 'lefevre']) {
      await search(page, query);
      expect(await patientsShown(page), query).toEqual(['LEFÈVRE Amélie', 'LEFÈVRE Amélie', 'LEFÈVRE Amélie', 'LEFÈVRE Amélie']);
    }
    await search(page, 'noe');
    expect(await patientsShown(page)).toEqual(['MOREAU Noé']);
    await search(page, 'lefevre amelie');
    expect(await rows(page).count()).toBe(4);
    // Every query's results on screen gave a timing event (prefixes shown on the way may add some).
    const searches = await jeanEvents.waitForTimings('ui.search_ms', 6);
    expect(searches.every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true);
    expect(jeanEvents.timings('ui.inbox_interactive_ms')).toHaveLength(1);
    await screenshot(page, 'flows-search');
    await page.getByRole('button', { name: 'Effacer la recherche' }).click();
    await page.getByRole('heading', { name: 'Réception', level: 1 }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[role=listbox] [role=option]').length === 5);
  });

  let sentText = '';
  it('writes to paul.MARTIN, signs with the CPS card (PIN in the dialog) and sends', async () => {
    sentText = `Cher confrère,\nje vous remercie pour les résultats de Mme LEFÈVRE.\nHbA1c en hausse : traitement adapté, contrôle dans 3 mois.\nRéf. ${Date.now()}\nDr Jean DUPONT`;
    await page.getByRole('button', { name: 'Nouveau courrier' }).click();
    await page.getByLabel('Destinataires').fill(paul.address);
    await page.getByLabel('Destinataires').press('Enter');
    await page.getByLabel('Nom', { exact: true }).fill('LEFÈVRE');
    await page.getByLabel('Prénom').fill('Amélie');
    await page.getByLabel('Date de naissance').fill('1979-04-12');
    await page.getByLabel('Texte').fill(sentText);
    await page.getByLabel('Signer avec la carte CPS').check();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'flows-composer');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Code de la carte CPS' });
    await failFastOnAlert(page, dialog);
    await page.getByLabel('Code PIN').fill('1234');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Valider' }).click();
    await failFastOnAlert(page, page.getByText('Courrier placé dans « À envoyer ».'));
    expect(await page.locator('#pin-input').count()).toBe(0);
    // The pipeline sends in the background; Envoyés shows the letter once it has left.
    await page.getByTestId('folder-sent').click();
    await page.getByRole('heading', { name: 'Envoyés', level: 1 }).waitFor();
    await rows(page).first().waitFor({ timeout: 60_000 });
    expect(await patientsShown(page)).toEqual(['LEFÈVRE Amélie']);
    await rows(page).first().click();
    await page.locator('.letter-text').first().waitFor();
    expect(await page.locator('.letter-text').first().textContent()).toContain(sentText);
  });

  it('paul.MARTIN relève in his own Pli and reads the exact text with a valid signature', async () => {
    served.push(await startServedPli(paul.dir, servedEnv));
    const paulPage = await context.newPage();
    const paulErrors = watchErrors(paulPage);
    try {
      await unlock(paulPage, served[1]!.url, PAUL_PASSWORD);
      await paulPage.getByRole('button', { name: 'Relever' }).click();
      await failFastOnAlert(paulPage, paulPage.getByText('1 courrier reçu, 0 envoyé'));
      await rows(paulPage).first().waitFor();
      expect(await patientsShown(paulPage)).toEqual(['LEFÈVRE Amélie']);
      await rows(paulPage).first().click();
      const text = paulPage.locator('.letter-text').first();
      await text.waitFor();
      // The document's text alone, exactly as jean wrote it: no HPRIM header lines, no end markers.
      const shown = (await text.textContent())?.replace(/\r\n/g, '\n') ?? '';
      expect(shown.trim()).toBe(sentText.trim());
      const signature = await paulPage.getByTestId('signature').textContent();
      expect(signature).toContain('Signature valide');
      expect(signature).toMatch(/DUPONT/i);
      expect(await paulPage.locator('.patient-card .patient-name').textContent()).toBe('LEFÈVRE Amélie');
      expect(await seriousViolations(paulPage)).toEqual([]);
      await screenshot(paulPage, 'flows-recipient-signed');
      expect(paulErrors, paulErrors.join('\n')).toEqual([]);
    } finally {
      await paulPage.close();
    }
  });

  it('works through the inbox with the keyboard alone: arrows, Enter, Escape, Delete to the Corbeille', async () => {
    await page.getByTestId('folder-reception').click();
    await page.getByRole('heading', { name: 'Réception', level: 1 }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[role=listbox] [role=option]').length === 5);
    // From the search shortcut, Tab reaches the list (one tab stop, on the first letter).
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    await page.waitForFunction(() => document.activeElement?.id === 'search-input');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await activePosition(page)).toBe(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await activePosition(page)).toBe(3);
    const third = await page.evaluate(() => document.activeElement!.id);
    const thirdPatient = await page.locator(`#${third} .row-patient`).textContent();

    await page.keyboard.press('Enter');
    await page.locator('#reader-title').waitFor();
    await page.locator('.letter-text').first().waitFor();
    expect(await page.locator('.patient-card .patient-name').textContent()).toBe(thirdPatient);
    // The reader takes the focus, so Escape reaches it and brings the focus back to the same row.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reader-title');
    await page.keyboard.press('Escape');
    await page.getByText('Choisissez un courrier dans la liste pour le lire.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(third);

    await page.keyboard.press('ArrowUp');
    expect(await activePosition(page)).toBe(2);
    const second = await page.evaluate(() => document.activeElement!.id);
    await page.keyboard.press('End');
    expect(await activePosition(page)).toBe(5);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement!.id)).toBe(second);
    await page.keyboard.press('Delete');
    await page.getByText('Courrier placé dans la corbeille.').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[role=listbox] [role=option]').length === 4);
    expect(await page.locator(`#${second}`).count()).toBe(0);
    // The focus stays in the list, on the letter that took the deleted one's place.
    expect(await activePosition(page)).toBe(2);
    await page.keyboard.press('ArrowDown');
    expect(await activePosition(page)).toBe(3);

    // The host really moved it: the Corbeille holds it.
    await page.getByTestId('folder-trash').click();
    await page.getByRole('heading', { name: 'Corbeille', level: 1 }).waitFor();
    await rows(page).first().waitFor();
    expect(await rows(page).count()).toBe(1);
    expect(await rows(page).first().getAttribute('id')).toBe(second);
    await screenshot(page, 'flows-keyboard-trash');
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
