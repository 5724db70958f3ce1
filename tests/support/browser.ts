import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded browser; flags keep it off this machine's closed network. */
export function chromiumPath(): string {
  const candidates = [process.env.PLI_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('Chromium introuvable : installez le paquet Debian « chromium ».');
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Screenshots are kept as test artifacts under test-results/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(process.cwd(), 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Collects the page's console errors and uncaught exceptions, for a test to assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Waits for `target`; if Pli shows an error alert instead, fails at once with its text. */
export async function failFastOnAlert(page: Page, target: Locator, opts: { scope?: Locator | Page; timeout?: number } = {}): Promise<void> {
  const alert = (opts.scope ?? page).getByRole('alert');
  await target.or(alert).first().waitFor({ timeout: opts.timeout ?? 30_000 });
  if (!(await target.first().isVisible())) throw new Error(`Pli a affiché une erreur : ${await alert.first().textContent()}`);
}
