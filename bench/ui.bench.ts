/**
 * UI benchmark (issue 8): a synthetic mailbox of 100,000 letters (5,000 with --quick) in a real profile,
 * the built web shell started on it, Debian's Chromium opening the URL and unlocking at once. The
 * numbers are the host's own `timing` events, produced by the window's marks:
 * - ui.inbox_interactive_ms: from the web shell's process start to the inbox's first page on screen and
 *   usable, less the time spent typing the password (it includes the real unlock, key derivation included);
 * - ui.search_ms_p50 / _p95: for ~50 queries typed key by key, from the last keystroke to its results
 *   on screen.
 * Goals (read, not asserted): inbox interactive <= 1,500 ms, search p95 <= 150 ms.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createProfile } from '../src/host/profile';
import { openMailbox } from '../src/host/store';
import { syntheticLetter } from '../tests/fixtures/mailbox/synthetic';
import { launchChromium } from '../tests/support/browser';
import { HostEvents } from '../tests/support/host-events';
import { startServedPli } from '../tests/support/served-pli';
import { builtStoreWorker, percentile, type BenchFn } from './harness';

const PASSWORD = 'Banc-Essai-Ecran-2026!';
const BATCH = 500;
const PATIENTS = 5000;
/** Milliseconds between two typed characters: a quick typist. */
const TYPING_DELAY_MS = 60;

/** What a doctor types: patient names with and without accents, first names, words, senders. */
const QUERIES = [
  'lefèvre', 'lefevre', 'LEFÈVRE', 'dupont', 'durand', 'moreau', 'françois', 'francois', 'andré', 'andre',
  'garcia', 'martin', 'bernard', 'fournier', 'lambert', 'hélène', 'helene', 'élodie', 'elodie', 'jérôme',
  'jerome', 'cécile', 'zoé', 'loïc', 'anaïs', 'gaëlle', 'maël', 'chloé', 'raphaël', 'benoît',
  'échographie', 'echographie', 'hypertension', 'créatinine', 'potassium', 'glycémie', 'thyroïde', 'fracture poignet', 'douleur thoracique', 'scanner',
  'biopole', 'cardiologie', 'radiologie', 'pasteur', 'lestilleuls', 'dupont jean', 'martin marie', 'durand hélène', 'ordonnance', 'vaccination grippe',
];

/** Newest modification time of the files under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The built web shell and renderer, (re)built when missing or older than the sources. */
function ensureBuilt(root: string, log: (m: string) => void): void {
  const server = join(root, 'dist', 'web', 'server.js');
  const page = join(root, 'dist', 'renderer', 'index.html');
  const built = existsSync(server) && existsSync(page) ? Math.min(statSync(server).mtimeMs, statSync(page).mtimeMs) : 0;
  if (built > newest(join(root, 'src'))) return;
  log(built ? 'dist/ is older than src/: rebuilding the web shell and the renderer' : 'dist/ is missing: building the web shell and the renderer');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--only=web,renderer'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(server) || !existsSync(page)) {
    throw new Error('ui bench: dist/web/server.js or dist/renderer is missing and the build failed; run « node scripts/build.mjs --only=web,renderer ».');
  }
}

async function fillProfile(dir: string, n: number): Promise<void> {
  const { dbKey } = await createProfile(dir, PASSWORD);
  const mb = await openMailbox({ file: join(dir, 'mailbox.db'), key: dbKey, workerUrl: await builtStoreWorker() });
  try {
    for (let start = 0; start < n; start += BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(n, start + BATCH); i++) batch.push(syntheticLetter(i, { seed: 11, patients: PATIENTS }));
      await mb.insertLetters(batch);
    }
  } finally {
    await mb.close();
  }
}

/** Waits until the list shows the inbox (no search) and nothing is loading. */
async function inboxShown(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const pane = document.querySelector('.list-pane');
    return pane !== null && !pane.hasAttribute('data-shown-query') && pane.getAttribute('aria-busy') !== 'true' && document.querySelectorAll('[role=option]').length > 0;
  });
}

const bench: BenchFn = async (ctx) => {
  const root = join(import.meta.dirname, '..');
  ensureBuilt(root, ctx.log);
  const n = ctx.quick ? 5000 : 100_000;
  const queries = ctx.quick ? QUERIES.slice(0, 10) : QUERIES;
  const dir = join(ctx.tmpDir, 'profile');
  ctx.log(`filling a profile with ${n} letters`);
  const f0 = performance.now();
  await fillProfile(dir, n);
  ctx.log(`filled in ${Math.round((performance.now() - f0) / 1000)} s`);

  // The browser first, so that its own start is not counted; then the process whose start counts.
  const browser = await launchChromium();
  let pli: Awaited<ReturnType<typeof startServedPli>> | undefined;
  let events: HostEvents | undefined;
  try {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    pli = await startServedPli(dir);
    events = await HostEvents.connect(pli);
    await page.goto(pli.url);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    const u0 = performance.now();
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    // The inbox, or the error Pli shows instead (then say it, rather than time out).
    await page.getByRole('heading', { name: 'Réception', level: 1 }).or(page.getByRole('alert')).first().waitFor({ timeout: 120_000 });
    if (await page.getByRole('alert').count()) throw new Error(`ui bench: Pli refused to open the profile: ${await page.getByRole('alert').first().textContent()}`);
    const [inbox] = await events.waitForTimings('ui.inbox_interactive_ms', 1, 120_000);
    // For context: the part after the click (unlock with its key derivation, then the first page).
    const unlockToInbox = events.events.find((e) => e.event === 'timing')!.at - u0;
    await inboxShown(page);

    const input = page.getByRole('searchbox', { name: 'Rechercher dans les courriers' });
    const perQuery: number[] = [];
    for (const q of queries) {
      await input.fill('');
      await inboxShown(page);
      const before = events.timings('ui.search_ms').length;
      await input.pressSequentially(q, { delay: TYPING_DELAY_MS });
      await page.waitForFunction((query) => {
        const pane = document.querySelector('.list-pane');
        return pane?.getAttribute('data-shown-query') === query && pane.getAttribute('aria-busy') !== 'true';
      }, q.trim(), { timeout: 60_000 });
      // The mark of the final results follows their paint; prefixes shown on the way may have marked
      // before it. Wait for the marks to settle, then keep the last one (the whole query's).
      await events.waitForTimings('ui.search_ms', before + 1, 10_000);
      let count = events.timings('ui.search_ms').length;
      for (;;) {
        await new Promise((r) => setTimeout(r, 250));
        const now = events.timings('ui.search_ms').length;
        if (now === count) break;
        count = now;
      }
      perQuery.push(events.timings('ui.search_ms').at(-1)!);
    }
    const all = events.timings('ui.search_ms');
    await context.close();
    return {
      'ui.letters': n,
      'ui.inbox_interactive_ms': inbox!,
      'ui.unlock_click_to_inbox_ms': unlockToInbox,
      'ui.search_queries': perQuery.length,
      'ui.search_ms_p50': percentile(perQuery, 50),
      'ui.search_ms_p95': percentile(perQuery, 95),
      'ui.search_ms_max': Math.max(...perQuery),
      // Every results list shown while typing (prefixes included), for context.
      'ui.search_marks': all.length,
    };
  } finally {
    events?.close();
    await pli?.stop();
    await browser.close();
  }
};

export default bench;
