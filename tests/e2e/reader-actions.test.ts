import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../../src/host/host';
import { testEnv } from '../env/current';
import { failFastOnAlert, launchChromium, screenshot, watchErrors } from '../support/browser';
import { call, emptyServerMailbox, prepareMailProfile, writeCaBundle, type PreparedProfile } from '../support/mail-profile';
import { startServedPli, type ServedPli } from '../support/served-pli';
import { start, type TrustedServerSimulator } from '../support/trusted-server';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';
import { lmtpDeliver } from '../support/trusted-server/lmtp-client';
import { seriousViolations } from './a11y';

/**
 * The reader's actions on the real host and servers: paul.MARTIN (fictitious) sends jean.DUPONT a letter
 * with three attachments through the trusted-server simulator, and a clinic's plain mail with an HTML
 * version lands in jean's box. In jean's window: attachments opened inside Pli and saved, reply and
 * forward prefilled, the forward (attachments included, recipient picked from the directory's
 * proposals) re-encrypted for paul, who reads it; the HTML version shown in a frame that runs nothing
 * and fetches nothing.
 */
const env = testEnv();
const JEAN_PASSWORD = 'Lecture-Jean-2026!';
const PAUL_PASSWORD = 'Lecture-Paul-2026!';
const NOTE = 'Compte rendu joint : échographie abdominale sans particularité.\nÀ revoir dans six mois.\n';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);
const TRACKER = 'tracker.invalid';

let work: string;
let sim: TrustedServerSimulator;
let jean: PreparedProfile;
let paul: PreparedProfile;
let served: ServedPli;
let browser: Browser;
let context: BrowserContext;
let servedEnv: Record<string, string>;

/** Runs `fn` on paul's profile through the host contract (his window is not open). */
async function asPaul<T>(fn: (host: Host) => Promise<T>): Promise<T> {
  const host = new Host({ profileDir: paul.dir, version: '0.0.0', shell: 'test', resourcesDir: join(process.cwd(), 'resources') });
  try {
    await call(host, 'profile.unlock', { password: PAUL_PASSWORD });
    return await fn(host);
  } finally {
    await host.close();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pli-e2e-reader-'));
  sim = await start(simulatorOptionsFromEnv(env));
  const bundle = writeCaBundle(join(work, 'ca.pem'), env, sim);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  emptyServerMailbox(env, 'jean.DUPONT');
  emptyServerMailbox(env, 'paul.MARTIN');
  jean = await prepareMailProfile({ dir: join(work, 'jean'), env, sim, login: 'jean.DUPONT', password: JEAN_PASSWORD, incoming: 'pop3' });
  paul = await prepareMailProfile({ dir: join(work, 'paul'), env, sim, login: 'paul.MARTIN', password: PAUL_PASSWORD, incoming: 'imap' });

  // paul's letter with its attachments, composed and sent through his host (sealed as .apz parts).
  await asPaul(async (host) => {
    await call(host, 'compose.send', {
      draft: {
        to: [jean.address],
        subject: 'Échographie',
        patient: { surname: 'LEFÈVRE', firstName: 'Amélie', birthDate: '12/04/1979' },
        text: NOTE,
        attachments: [
          { name: 'compte-rendu.txt', mediaType: 'text/plain', base64: Buffer.from(NOTE, 'utf8').toString('base64') },
          { name: 'echographie.pdf', mediaType: 'application/pdf', base64: PDF.toString('base64') },
          { name: 'cliche.png', mediaType: 'image/png', base64: PNG.toString('base64') },
        ],
      },
    });
    await until('paul’s letter to leave', async () => {
      const sent = (await call(host, 'folders.list', {})).folders.find((f) => f.kind === 'sent');
      return sent && sent.total > 0 ? true : undefined;
    });
  });

  // A clinic's plain mail (not APICRYPT) with an HTML version that tries to load a remote image.
  const html =
    'From: <secretariat@clinique.test>\r\nTo: <' + jean.address + '>\r\nSubject: Horaires de la clinique\r\n' +
    'Message-ID: <html-1@clinique.test>\r\nDate: Mon, 07 Dec 2026 08:00:00 +0000\r\nMIME-Version: 1.0\r\n' +
    'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n' +
    'La clinique est ouverte le lundi.\r\n--alt\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n' +
    `<p>La clinique est ouverte le <b id="jour">lundi</b>.</p><img src="http://${TRACKER}/pixel.png" alt="">` +
    `<table background="http://${TRACKER}/bg.png"><tr><td>Plan d’accès</td></tr></table>` +
    // Survives the clean-up (a data: image), and its handler is refused by the sandbox.
    '<img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onerror="document.title = \'handler ran\'" onload="document.title = \'handler ran\'">' +
    '<script>document.title = "script ran"</script>\r\n--alt--\r\n';
  const r = await lmtpDeliver({ host: env.dovecot.host, port: env.dovecot.lmtpPort, from: 'secretariat@clinique.test', recipients: [jean.address], message: Buffer.from(html, 'utf8') });
  if (r.some((x) => !x.ok)) throw new Error('LMTP delivery refused');

  servedEnv = { NODE_EXTRA_CA_CERTS: bundle };
  served = await startServedPli(jean.dir, servedEnv);
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1400, height: 900 }, acceptDownloads: true });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await served?.stop();
  await sim?.stop();
  delete process.env.NODE_EXTRA_CA_CERTS;
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the reader’s actions on letters jean.DUPONT receives', () => {
  let page: Page;
  let errors: string[] = [];
  const requested: string[] = [];
  beforeAll(async () => {
    page = await context.newPage();
    errors = watchErrors(page);
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Pli est verrouillé' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('Mot de passe').fill(JEAN_PASSWORD);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await failFastOnAlert(page, page.getByRole('heading', { name: 'Réception', level: 1 }));
    await page.getByRole('button', { name: 'Relever' }).click();
    await page.getByRole('listbox').getByRole('option').nth(1).waitFor({ timeout: 60_000 });
  });
  afterAll(async () => {
    await page?.close();
  });

  it('opens the text, image and PDF attachments inside Pli and saves one with its exact bytes', async () => {
    await page.getByRole('option', { name: /Échographie/ }).click();
    const list = page.getByRole('region', { name: 'Pièces jointes' });
    await list.waitFor();
    expect(await list.getByRole('listitem').count()).toBe(3);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Enregistrer compte-rendu.txt' }).click();
    const saved = await (await download).path();
    expect(readFileSync(saved, 'utf8')).toBe(NOTE);
    expect((await download).suggestedFilename()).toBe('compte-rendu.txt');

    await page.getByRole('button', { name: 'Ouvrir compte-rendu.txt' }).click();
    const dialog = page.getByRole('dialog', { name: 'compte-rendu.txt' });
    await dialog.locator('pre').waitFor();
    expect(await dialog.locator('pre').textContent()).toBe(NOTE);
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Fermer' }).click();

    await page.getByRole('button', { name: 'Ouvrir cliche.png' }).click();
    const img = page.getByRole('img', { name: 'Image jointe cliche.png' });
    await img.waitFor();
    await page.waitForFunction(() => (document.querySelector('.attachment-image') as HTMLImageElement | null)?.naturalWidth === 1);
    await page.getByRole('dialog', { name: 'cliche.png' }).getByRole('button', { name: 'Fermer' }).click();

    await page.getByRole('button', { name: 'Ouvrir echographie.pdf' }).click();
    const frame = page.locator('iframe.attachment-pdf');
    await frame.waitFor();
    expect(await frame.getAttribute('src')).toMatch(/^blob:/);
    await screenshot(page, 'reader-attachment-pdf');
    await page.getByRole('dialog', { name: 'echographie.pdf' }).getByRole('button', { name: 'Fermer' }).click();
  });

  it('prefills a reply to the sender with the patient and a "Re :" subject', async () => {
    await page.getByRole('button', { name: 'Répondre', exact: true }).click();
    await page.getByRole('heading', { name: 'Réponse' }).waitFor();
    expect(await page.getByRole('button', { name: `Retirer ${paul.address}`, exact: true }).count()).toBe(1);
    expect(await page.getByLabel('Objet').inputValue()).toBe('Re : Échographie');
    expect(await page.getByLabel('Nom', { exact: true }).inputValue()).toBe('LEFÈVRE');
    expect(await page.getByLabel('Date de naissance').inputValue()).toBe('1979-04-12');
    await page.getByRole('button', { name: 'Annuler' }).click();
  });

  it('forwards with the attachments to a correspondent picked from the proposals; paul reads it', async () => {
    await page.getByRole('option', { name: /Échographie/ }).click();
    await page.getByRole('button', { name: 'Transférer', exact: true }).click();
    await page.getByRole('heading', { name: 'Transfert à un confrère' }).waitFor();
    expect(await page.getByLabel('Texte').inputValue()).toContain('Courrier transféré');
    expect(await page.locator('.attachment-list li').count()).toBe(3);
    // The mailbox keeps senders' addresses in lower case: the proposal may not have paul's capitals.
    const addressRe = new RegExp(paul.address.replace(/[.]/g, '\\.'), 'i');
    const to = page.getByLabel('Destinataires');
    await to.pressSequentially('paul', { delay: 40 });
    const proposal = page.getByRole('listbox', { name: 'Correspondants proposés' }).getByRole('option', { name: addressRe });
    await proposal.waitFor({ timeout: 15_000 });
    expect(await to.getAttribute('aria-expanded')).toBe('true');
    await to.press('ArrowDown');
    await to.press('Enter');
    expect(await page.getByRole('button', { name: new RegExp(`^Retirer ${addressRe.source}$`, 'i') }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'reader-forward');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await failFastOnAlert(page, page.getByText('Courrier placé dans « À envoyer ».'));

    const got = await asPaul(async (host) =>
      until('the forward to reach paul', async () => {
        await call(host, 'mail.sync', {});
        const page1 = await call(host, 'letters.search', { query: 'Tr', filters: {}, limit: 20 }).catch(() => undefined);
        const hit = page1?.items.find((l) => l.subject === 'Tr : Échographie');
        return hit ? call(host, 'letters.get', { id: hit.id }) : undefined;
      }),
    );
    expect(got.attachmentList.map((a) => a.name).sort()).toEqual(['cliche.png', 'compte-rendu.txt', 'echographie.pdf']);
    expect(got.documents[0]!.text).toContain('À revoir dans six mois.');
    expect(got.documents[0]!.patient?.surname).toBe('LEFÈVRE');
  });

  it('shows the HTML version of a plain mail in a frame that runs no script and loads nothing remote', async () => {
    await page.getByRole('option', { name: /Horaires de la clinique/ }).click();
    await page.getByRole('button', { name: 'Afficher la version mise en forme' }).click();
    const frame = page.locator('iframe.letter-html');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    const inner = page.frameLocator('iframe.letter-html');
    expect(await inner.locator('#jour').textContent()).toBe('lundi');
    // The letter's script would have renamed its document: the frame's title is still empty.
    const srcdoc = page.frames().find((f) => f.url() === 'about:srcdoc');
    expect(srcdoc).toBeDefined();
    expect(await srcdoc!.title()).toBe('');
    // Remote images and styles, and the script, are gone before the frame is shown: nothing to fetch.
    const shownHtml = (await frame.getAttribute('srcdoc')) ?? '';
    expect(shownHtml).toContain('Plan d’accès');
    expect(shownHtml).not.toContain(TRACKER);
    expect(shownHtml).not.toContain('<script');
    expect(requested.filter((u) => u.includes(TRACKER))).toEqual([]);
    // The letter's own HTML is the sender's markup, not Pli's: axe checks everything around it.
    expect(await seriousViolations(page, ['iframe.letter-html'])).toEqual([]);
    await screenshot(page, 'reader-html');
    // Chromium reports what it refused: the image's handler (sandbox). That is the proof; anything else
    // on the console is an error of Pli's.
    const refused = errors.filter((e) => e.startsWith("Blocked script execution in 'about:srcdoc'"));
    expect(refused.length).toBeGreaterThan(0);
    expect(errors.filter((e) => !refused.includes(e))).toEqual([]);
  });
});
