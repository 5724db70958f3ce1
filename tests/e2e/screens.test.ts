import type { Browser, Page } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../support/browser';
import { seriousViolations } from './a11y';
import { FAKE_ORIGIN, installFakeHost, serveRenderer, type FakeOptions } from './fake-host';

/**
 * The screens against a scripted host (tests/e2e/fake-host.ts): the built renderer in Chromium, with
 * 1 500 letters, lab results, keys and a card, so the UI can be checked before the real host has them.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function open(opts: Partial<FakeOptions> = {}): Promise<{ page: Page; errors: string[] }> {
  // axe needs a page from an explicit context.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await serveRenderer(page);
  await installFakeHost(page, { status: 'open', letters: 1500, password: 'Bon-Mot-2passe', ...opts });
  await page.goto(`${FAKE_ORIGIN}/`);
  return { page, errors };
}

const calls = (page: Page) => page.evaluate(() => (window as unknown as { pliFake: { calls: { command: string; payload: unknown }[] } }).pliFake.calls);

describe('main window (scripted host)', () => {
  it('lists folders with unread counts and renders only the visible rows of a long list', async () => {
    const { page, errors } = await open();
    await page.getByRole('heading', { name: 'Réception', level: 1 }).waitFor();
    const reception = page.getByTestId('folder-reception');
    expect(await reception.textContent()).toMatch(/Réception\d+\d+ non lus/);
    expect(await page.getByTestId('folder-review').textContent()).toContain('À vérifier');
    await page.getByRole('option').first().waitFor();
    const rendered = await page.getByRole('option').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(40);
    expect(await page.locator('.list-foot [role=status]').textContent()).toMatch(/courriers$/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'fake-main-window');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('moves through the list with the keyboard only, fetching pages as it goes, and opens with Enter', async () => {
    const { page } = await open();
    await page.getByRole('option').first().waitFor();
    await page.getByRole('option').first().focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    // Focus follows the keys once React has rendered: wait for it rather than read it at once.
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-posinset') === '4', undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-posinset'))).toBe('4');
    expect(await page.locator('[role=option][tabindex="0"]').count()).toBe(1);
    for (let i = 0; i < 12; i++) await page.keyboard.press('PageDown');
    await page.waitForFunction(() => Number(document.activeElement?.getAttribute('aria-posinset')) > 100);
    const listed = (await calls(page)).filter((c) => c.command === 'letters.list');
    expect(listed.some((c) => (c.payload as { cursor?: string }).cursor !== undefined)).toBe(true);
    expect(await page.getByRole('option').count()).toBeLessThan(40);
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.locator('#reader-title').waitFor();
    expect(await page.getByTestId('signature').textContent()).toContain('Signature valide');
    await page.close();
  });

  it('shows a lab letter with abnormal rows marked by symbol and words, and a trend chart', async () => {
    const { page, errors } = await open();
    await page.getByRole('option').first().click();
    const table = page.getByRole('table', { name: 'Résultats de biologie' });
    await table.waitFor();
    const glyRow = table.getByRole('row', { name: /Glycémie à jeun/ });
    expect(await glyRow.textContent()).toContain('▲');
    expect(await glyRow.textContent()).toContain('Anormal');
    expect(await page.getByTestId('nir').textContent()).toBe('2 61 04 75 *** *** **');
    await page.getByRole('button', { name: 'Afficher l’évolution : Glycémie à jeun' }).click();
    const chart = page.getByRole('img', { name: /Courbe d’évolution de Glycémie à jeun, 7 mesures/ });
    await chart.waitFor();
    expect(await page.locator('.trend-band').count()).toBe(1);
    expect(await page.locator('.trend-point.abnormal').count()).toBe(4);
    expect(await page.locator('.trend-tick text').allTextContents()).toContain('6');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'fake-reader-lab');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('moves a letter to the Corbeille with the Delete key', async () => {
    const { page } = await open();
    await page.getByRole('option').first().waitFor();
    const firstId = await page.getByRole('option').first().getAttribute('id');
    await page.getByRole('option').first().focus();
    await page.keyboard.press('Delete');
    await page.getByText('Courrier placé dans la corbeille.').waitFor();
    const moved = (await calls(page)).find((c) => c.command === 'letters.move');
    expect(moved?.payload).toEqual({ ids: [firstId!.replace('letter-', '')], folderId: 'f-trash' });
    expect(await page.locator(`#${firstId}`).count()).toBe(0);
    await page.close();
  });

  it('shows the progress of "Relever" and its result', async () => {
    const { page } = await open();
    await page.getByRole('option').first().waitFor();
    await page.getByRole('button', { name: 'Relever' }).click();
    await page.getByRole('progressbar', { name: 'Réception' }).waitFor();
    expect(await page.locator('.progress-count').textContent()).toBe('1 sur 2');
    await page.getByText('2 courriers reçus, 0 envoyé').waitFor();
    expect(await page.getByRole('progressbar').count()).toBe(0);
    await page.close();
  });

  it('announces new letters in a live region', async () => {
    const { page } = await open();
    await page.getByRole('option').first().waitFor();
    await page.evaluate(() => (window as unknown as { pliFake: { emit: (e: string, p: unknown) => void } }).pliFake.emit('letters.changed', { folderIds: ['f-in'], newLetters: 3 }));
    await page.waitForFunction(() => document.querySelector('[data-testid=live-region]')?.textContent === '3 nouveaux courriers');
    expect(await page.getByTestId('live-region').getAttribute('aria-live')).toBe('polite');
    await page.close();
  });

  it('searches as you type, without accents', async () => {
    const { page } = await open();
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('/');
    await page.waitForFunction(() => document.activeElement?.id === 'search-input');
    await page.keyboard.type('elise');
    await page.getByRole('heading', { name: 'Résultats de la recherche' }).waitFor();
    // Each keystroke may ask (one request in flight at a time); the whole word is asked last. The
    // results for "elis" may already show only DURAND, so wait for that last request, not the list.
    await page.waitForFunction(() => {
      const asked = (window as unknown as { pliFake: { calls: { command: string; payload: { query?: string } }[] } }).pliFake.calls.filter((c) => c.command === 'letters.search');
      return asked.at(-1)?.payload.query === 'elise';
    });
    await page.waitForFunction(() => [...document.querySelectorAll('[role=option] .row-patient')].every((e) => e.textContent?.startsWith('DURAND')));
    const searches = (await calls(page)).filter((c) => c.command === 'letters.search');
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.length).toBeLessThanOrEqual('elise'.length);
    expect((searches.at(-1)!.payload as { query: string }).query).toBe('elise');
    await page.close();
  });

  it('shows the reason and a retry button for a letter in "À vérifier"', async () => {
    const { page } = await open();
    await page.getByTestId('folder-review').click();
    await page.getByRole('heading', { name: 'À vérifier', level: 1 }).waitFor();
    await page.getByRole('option').first().click();
    await page.getByRole('heading', { name: 'Ce courrier est à vérifier' }).waitFor();
    expect(await page.locator('.review-box').textContent()).toContain('importez la clé 2025');
    await page.getByRole('button', { name: 'Réessayer' }).click();
    await page.getByText('Nouvel essai effectué.').waitFor();
    await page.close();
  });

  it('documents the shortcuts in a help dialog', async () => {
    const { page } = await open();
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Aide' });
    await dialog.waitFor();
    expect(await dialog.getByRole('row').count()).toBeGreaterThan(10);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.close();
  });
});

describe('composer (scripted host)', () => {
  it('warns about identity in the subject, asks the CPS PIN, clears it and sends', async () => {
    const { page, errors } = await open();
    await page.getByRole('button', { name: 'Nouveau courrier' }).click();
    await page.getByLabel('Destinataires').fill('dr.martin@medical02.apicrypt.org');
    await page.getByLabel('Destinataires').press('Enter');
    expect(await page.getByRole('button', { name: 'Retirer dr.martin@medical02.apicrypt.org' }).count()).toBe(1);
    await page.getByLabel('Objet').fill('DURAND Élise née le 12/04/1961');
    await page.getByTestId('subject-warning').waitFor();
    expect(await page.getByTestId('subject-warning').textContent()).toContain('date');
    await page.getByLabel('Objet').fill('Compte rendu de consultation');
    await page.getByTestId('subject-warning').waitFor({ state: 'detached' });
    await page.getByLabel('Nom', { exact: true }).fill('Durand');
    await page.getByLabel('Prénom').fill('Élise');
    await page.getByLabel('Texte').fill('Chère consœur, …');
    expect(await page.getByTestId('size-counter').textContent()).toContain('sur 900 Ko');
    await page.getByLabel('Signer avec la carte CPS').check();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'fake-composer');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Code de la carte CPS' });
    await dialog.waitFor();
    await page.getByLabel('Code PIN').fill('1234');
    await dialog.getByRole('button', { name: 'Valider' }).click();
    await page.getByText('Courrier placé dans « À envoyer ».').waitFor();
    const c = await calls(page);
    const login = c.find((x) => x.command === 'card.login');
    expect(login?.payload).toEqual({ pin: '1234' });
    const sent = c.find((x) => x.command === 'compose.send')?.payload as { draft: { to: string[]; sign: boolean; patient?: { surname: string } } };
    expect(sent.draft.to).toEqual(['dr.martin@medical02.apicrypt.org']);
    expect(sent.draft.sign).toBe(true);
    expect(sent.draft.patient?.surname).toBe('Durand');
    // The PIN field is gone with its dialog; nothing kept it.
    expect(await page.locator('#pin-input').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('settings (scripted host)', () => {
  it('shows key usage with warnings, imports a medium by path and tests an account step by step', async () => {
    const { page, errors } = await open();
    await page.getByRole('button', { name: 'Paramètres' }).click();
    await page.getByRole('heading', { name: 'Paramètres' }).waitFor();
    await page.getByText('Plus de 80 % utilisés').waitFor();
    await page.getByLabel('Dossier du support de clés').fill('/media/cle-usb');
    await page.getByRole('button', { name: 'Importer les clés' }).click();
    await page.getByText('1 clé importée.').waitFor();
    await page.getByLabel('Adresse de messagerie').fill('dr.test@medical09.apicrypt.org');
    expect(await page.locator('#in-host').inputValue()).toBe('pop.medical09.apicrypt.org');
    await page.getByRole('button', { name: 'Tester la connexion' }).click();
    const steps = page.getByRole('list', { name: 'Étapes du test de connexion' });
    await steps.waitFor();
    expect(await steps.getByRole('listitem').count()).toBe(3);
    expect(await steps.textContent()).toContain('Échec');
    expect(await page.getByTestId('card-status').textContent()).toContain('Dr Test Fictif');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'fake-settings');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('unlock (scripted host)', () => {
  it('refuses a wrong password with the wait the host asks for, then opens with the right one', async () => {
    const { page } = await open({ status: 'locked' });
    await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor();
    await page.getByLabel('Mot de passe').fill('mauvais');
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Mot de passe incorrect');
    expect(await page.getByTestId('unlock-wait').textContent()).toBe('Nouvel essai possible dans 1 seconde.');
    expect(await seriousViolations(page)).toEqual([]);
    await page.waitForFunction(() => document.querySelector('[data-testid=unlock-wait]')?.textContent === '');
    await page.getByLabel('Mot de passe').fill('Bon-Mot-2passe');
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await page.getByRole('heading', { name: 'Réception', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Verrouiller', exact: true }).click();
    await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor();
    await page.close();
  });
});
