import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failFastOnAlert, launchChromium, screenshot, watchErrors } from '../support/browser';
import { startServedPli, type ServedPli } from '../support/served-pli';
import { seriousViolations } from './a11y';

/**
 * The real thing: the built web shell on a fresh profile, driven in Chromium. The tests of the second
 * block run in order on one page: create the password, keep the recovery code, reach an empty inbox,
 * lock, fail once, unlock.
 */
let profile: string;
let pli: ServedPli;
let browser: Browser;
let context: BrowserContext;

const PASSWORD = 'Ordonnance-2025!';
const NEW_PASSWORD = 'Stéthoscope-2026?';
const RECOVERED_PASSWORD = 'une phrase de secours assez longue';

beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'pli-e2e-'));
  pli = await startServedPli(profile);
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 860 } });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await pli?.stop();
  rmSync(profile, { recursive: true, force: true });
});



describe('first launch through the web shell', () => {
  it('shows the French first-launch screen with the profile status and version', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(pli.url);
    await page.getByRole('heading', { name: 'Bienvenue dans Pli' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('profile-status').textContent()).toBe('Nouveau profil');
    expect(await page.getByTestId('app-version').textContent()).toMatch(/^Version \d+\.\d+\.\d+/);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    // The token left the address bar once traded for the cookie.
    expect(page.url()).toBe(`${pli.origin}/`);
    expect(await page.getByRole('button', { name: 'Créer mon mot de passe' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'first-launch');
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  });

  it('sends a strict CSP header with the page', async () => {
    const page = await context.newPage();
    const response = await page.goto(pli.url);
    const csp = (await response!.allHeaders())['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:\/\//);
    await page.close();
  });

  it('refuses a request without the token', async () => {
    const res = await fetch(`${pli.origin}/`);
    expect(res.status).toBe(401);
    const page = await browser.newPage();
    const response = await page.goto(`${pli.origin}/index.html`);
    expect(response!.status()).toBe(401);
    await page.close();
  });
});

describe('password, recovery code, inbox, lock and unlock (needs profile.create/unlock from the host)', () => {
  let page: Page;
  let errors: string[];
  let code = '';
  beforeAll(async () => {
    page = await context.newPage();
    errors = watchErrors(page);
    await page.goto(pli.url);
    await page.getByRole('heading', { name: 'Bienvenue dans Pli' }).waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await page?.close();
  });

  it('creates the password and shows the recovery code once', async () => {
    await page.getByLabel('Mot de passe', { exact: true }).fill('court');
    expect(await page.locator('.strength-text').textContent()).toBe('Trop court');
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer mon mot de passe' }).click();
    await failFastOnAlert(page, page.getByRole('heading', { name: 'Votre code de secours' }));
    code = (await page.getByTestId('recovery-code').textContent()) ?? '';
    expect(code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){5}$/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'recovery-code');
    await page.getByRole('button', { name: 'Je l’ai noté' }).click();
  });

  it('passes the first-launch wizard, every step skipped', async () => {
    await page.getByRole('heading', { name: 'Préparer Pli', level: 1 }).waitFor({ timeout: 15_000 });
    for (let i = 1; i <= 6; i++) {
      await page.getByRole('heading', { level: 2, name: new RegExp(`^Étape ${i} sur 6 :`) }).waitFor();
      await page.getByRole('button', { name: 'Passer cette étape' }).click();
    }
    await page.getByRole('button', { name: 'Terminer' }).click();
  });

  it('opens the main window on an empty Réception', async () => {
    await page.getByRole('heading', { name: 'Réception', level: 1 }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('folder-reception').getAttribute('aria-current')).toBe('page');
    await page.getByText('Aucun courrier ici.').waitFor();
    expect(await page.getByRole('option').count()).toBe(0);
    expect(await page.getByTestId('recovery-code').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'main-window-empty');
  });

  it('locks, refuses a wrong password, then unlocks with the right one', async () => {
    await page.getByRole('button', { name: 'Verrouiller', exact: true }).click();
    await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor();
    await page.getByLabel('Mot de passe').fill('Pas-le-bon-2025');
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('Mot de passe incorrect');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'unlock-wrong-password');
    // If the host asked for a wait, the button stays disabled until it has passed.
    await page.waitForFunction(() => document.querySelector('[data-testid=unlock-wait]')?.textContent === '', undefined, { timeout: 35_000 });
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await failFastOnAlert(page, page.getByRole('heading', { name: 'Réception', level: 1 }));
  });

  it('changes the password in Paramètres and unlocks with the new one', async () => {
    await page.getByRole('button', { name: 'Paramètres' }).click();
    await page.getByRole('heading', { name: 'Paramètres' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Mot de passe actuel').fill(PASSWORD);
    await page.getByLabel('Nouveau mot de passe').fill(NEW_PASSWORD);
    await page.getByLabel('Confirmez le mot de passe').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await failFastOnAlert(page, page.getByText('Mot de passe changé.'), { scope: page.locator('#settings-security') });
    await page.getByRole('button', { name: 'Verrouiller', exact: true }).click();
    await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor();
    await page.getByLabel('Mot de passe').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await failFastOnAlert(page, page.getByRole('heading', { name: 'Réception', level: 1 }));
  });

  it('reopens with the recovery code when the password is forgotten', async () => {
    await page.getByRole('button', { name: 'Verrouiller', exact: true }).click();
    await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor();
    await page.getByRole('button', { name: 'Mot de passe oublié ?' }).click();
    await page.getByLabel('Code de secours').fill(code.toLowerCase());
    await page.getByLabel('Nouveau mot de passe').fill(RECOVERED_PASSWORD);
    await page.getByLabel('Confirmez le mot de passe').fill(RECOVERED_PASSWORD);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Choisir ce nouveau mot de passe' }).click();
    await failFastOnAlert(page, page.getByRole('heading', { name: 'Réception', level: 1 }));
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
