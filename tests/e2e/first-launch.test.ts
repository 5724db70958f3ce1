import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../support/browser';
import { startServedPli, type ServedPli } from '../support/served-pli';

let profile: string;
let pli: ServedPli;
let browser: Browser;

beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'pli-e2e-'));
  pli = await startServedPli(profile);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await pli?.stop();
  rmSync(profile, { recursive: true, force: true });
});

describe('first launch through the web shell', () => {
  it('shows the French first-launch screen with the profile status and version', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pli.url);
    await page.getByRole('heading', { name: 'Bienvenue dans Pli' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('profile-status').textContent()).toBe('Nouveau profil');
    expect(await page.getByTestId('app-version').textContent()).toMatch(/^Version \d+\.\d+\.\d+/);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    // The token left the address bar once traded for the cookie.
    expect(page.url()).toBe(`${pli.origin}/`);
    await screenshot(page, 'first-launch');
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it('sends a strict CSP header with the page', async () => {
    const page = await browser.newPage();
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
