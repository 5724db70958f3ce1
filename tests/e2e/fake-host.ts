import { readFileSync, existsSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';

/**
 * A scripted host for screen tests that must not wait for the real one: the built renderer is served
 * by Playwright's router under a fake origin and talks to an in-page fake through the Electron bridge
 * (window.pliBridge), the same PliApi seam the real shells use. Synthetic data only.
 */
export const FAKE_ORIGIN = 'http://pli.test';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

export async function serveRenderer(page: Page): Promise<void> {
  const root = join(process.cwd(), 'dist', 'renderer');
  if (!existsSync(join(root, 'index.html'))) throw new Error('dist/renderer manque : lancez « node scripts/build.mjs --only=web,renderer ».');
  await page.route(`${FAKE_ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root) || !existsSync(file)) return route.fulfill({ status: 404, body: 'introuvable' });
    return route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
  });
}

export interface FakeOptions {
  status: 'new' | 'locked' | 'open';
  letters: number;
  password: string;
}

/** Installs the fake before any page script runs. */
export async function installFakeHost(page: Page, opts: FakeOptions): Promise<void> {
  await page.addInitScript(fakeHost, opts);
}

/** Runs inside the page: keep it self-contained (serialized by Playwright). */
function fakeHost(opts: FakeOptions): void {
  type Handler = (p: unknown) => void;
  const handlers = new Map<string, Set<Handler>>();
  const calls: { command: string; payload: unknown }[] = [];
  let status = opts.status;
  let failures = 0;
  const settings = { language: 'fr', lockAfterMinutes: 15, monospaceLetters: true };
  const folders = [
    { id: 'f-in', kind: 'reception', name: 'Réception', unread: 0, total: 0 },
    { id: 'f-out', kind: 'outbox', name: 'À envoyer', unread: 0, total: 0 },
    { id: 'f-sent', kind: 'sent', name: 'Envoyés', unread: 0, total: 0 },
    { id: 'f-drafts', kind: 'drafts', name: 'Brouillons', unread: 0, total: 0 },
    { id: 'f-review', kind: 'review', name: 'À vérifier', unread: 0, total: 0 },
    { id: 'f-archive', kind: 'archive', name: 'Archives', unread: 0, total: 0 },
    { id: 'f-trash', kind: 'trash', name: 'Corbeille', unread: 0, total: 0 },
    { id: 'f-dr', kind: 'doctor', name: 'Dr Martin (cardiologue)', unread: 0, total: 0 },
  ];
  const senders = ['laboratoire.bio@medical01.apicrypt.org', 'dr.martin@medical02.apicrypt.org', 'chu.cardio@medical03.apicrypt.org'];
  const names = [['DURAND', 'Élise'], ['MOREAU', 'Paul'], ['LEROY', 'Anaïs'], ['FAURE', 'Noé']];
  const letters = Array.from({ length: opts.letters }, (_, i) => {
    const [surname, firstName] = names[i % names.length]!;
    const review = i % 97 === 5;
    return {
      id: `L${i}`,
      folderId: review ? 'f-review' : 'f-in',
      subject: i % 3 === 0 ? 'Résultats de biologie' : 'Compte rendu de consultation',
      sender: senders[i % senders.length]!,
      recipients: ['dr.test@medical09.apicrypt.org'],
      date: new Date(Date.UTC(2025, 5, 30, 12) - i * 3_600_000 * 7).toISOString(),
      patient: { id: `P${i % names.length}`, surname, firstName, birthDate: '1961-04-12', nirMasked: '2 61 04 75 *** *** **' },
      read: i % 4 !== 0,
      flagged: i % 11 === 0,
      hasLab: i % 3 === 0,
      abnormal: i % 6 === 0,
      attachments: i % 5 === 0 ? 1 : 0,
      signature: (['valid', 'not_signed', 'invalid', 'unknown_signer'] as const)[i % 4],
      export: (['done', 'pending', 'none'] as const)[i % 3],
      ...(review ? { problem: 'Clé de l’expéditeur absente : importez la clé 2025 de medical02, puis réessayez.' } : {}),
    };
  });
  const recount = () => {
    for (const f of folders) {
      const inF = letters.filter((l) => l.folderId === f.id);
      f.total = inF.length;
      f.unread = inF.filter((l) => !l.read).length;
    }
  };
  recount();
  const wire = (code: string, message_fr: string, details?: Record<string, unknown>) => Promise.reject({ wire: { code, message_fr, details } });
  const page = (items: typeof letters, cursor: string | undefined, limit: number) => {
    const start = cursor ? Number(cursor) : 0;
    const slice = items.slice(start, start + limit);
    return { items: slice, nextCursor: start + limit < items.length ? String(start + limit) : undefined, total: items.length };
  };
  const series = (id: string, label: string, unit: string, low: number, high: number, values: number[]) => ({
    analyte: id,
    label,
    unit,
    points: values.map((v, i) => ({ date: `${2023 + Math.floor(i / 4)}-${String(1 + (i % 4) * 3).padStart(2, '0')}-15`, value: v, unit, low, high, abnormal: v < low || v > high })),
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- requests are validated by the real host, not here
  const handlersByCommand: Record<string, (p: any) => unknown> = {
    'app.info': () => ({ name: 'Pli', version: '0.1.0', shell: 'test' }),
    'profile.status': () => ({ status }),
    'profile.create': (p) => {
      if (p.password !== p.confirmation) return wire('password_mismatch', 'Les deux mots de passe diffèrent.');
      status = 'open';
      return { recoveryCode: 'ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567' };
    },
    'profile.unlock': (p) => {
      if (p.password !== opts.password) {
        failures++;
        return wire('password_wrong', 'Mot de passe incorrect. Vérifiez la saisie (majuscules, clavier).', { seconds: failures });
      }
      status = 'open';
      return { status };
    },
    'profile.lock': () => ((status = 'locked'), { status }),
    'profile.changePassword': () => ({ ok: true }),
    'profile.recover': () => ((status = 'open'), { status }),
    'settings.get': () => settings,
    'settings.update': (p) => Object.assign(settings, p.patch),
    'folders.list': () => ({ folders }),
    'letters.list': (p) => page(letters.filter((l) => l.folderId === p.folderId), p.cursor, p.limit ?? 50),
    'letters.search': (p) => {
      const q = String(p.query).toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
      const fold = (s: string) => s.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
      return page(
        letters.filter((l) => (!q || fold(`${l.subject} ${l.sender} ${l.patient.surname} ${l.patient.firstName}`).includes(q)) && (!p.filters?.abnormalOnly || l.abnormal)),
        p.cursor,
        p.limit ?? 50,
      );
    },
    'letters.get': (p) => {
      const l = letters.find((x) => x.id === p.id);
      if (!l) return wire('letter_not_found', 'Courrier introuvable.');
      return {
        ...l,
        documents: [
          {
            patient: l.patient,
            text: 'COMPTE RENDU\n\nGlycémie à jeun          7,8 mmol/L   (4,1 - 5,9)\nHémoglobine glyquée      8,1 %        (4,0 - 6,0)\nCréatinine               72 µmol/L    (45 - 90)\n',
            lab: l.hasLab
              ? [
                  { label: 'Glycémie à jeun', code: 'GLY', value: '7,8', numericValue: 7.8, unit: 'mmol/L', low: '4,1', high: '5,9', flag: 'H', abnormal: true },
                  { label: 'Hémoglobine glyquée', code: 'HBA1C', value: '8,1', numericValue: 8.1, unit: '%', low: '4,0', high: '6,0', flag: 'H', abnormal: true },
                  { label: 'Créatinine', code: 'CREA', value: '72', numericValue: 72, unit: 'µmol/L', low: '45', high: '90', abnormal: false },
                ]
              : [],
          },
        ],
        attachmentList: l.attachments ? [{ id: 'a1', name: 'ordonnance.pdf', size: 48213, mediaType: 'application/pdf' }] : [],
        signer: l.signature === 'valid' ? 'Dr Claire Martin (RPPS 10000000001)' : undefined,
        signatureReason: l.signature === 'invalid' ? 'le texte a été modifié après signature' : undefined,
      };
    },
    'letters.setFlags': (p) => {
      for (const l of letters) if (p.ids.includes(l.id)) Object.assign(l, p.read === undefined ? {} : { read: p.read }, p.flagged === undefined ? {} : { flagged: p.flagged });
      recount();
      return { ok: true };
    },
    'letters.move': (p) => {
      for (const l of letters) if (p.ids.includes(l.id)) l.folderId = p.folderId;
      recount();
      return { ok: true };
    },
    'letters.retry': (p) => letters.find((l) => l.id === p.id),
    'letters.export': () => ({ ok: true }),
    'trash.empty': () => ({ removed: 0 }),
    'patients.search': (p) => ({ patients: names.filter(([s]) => s!.toLowerCase().startsWith(String(p.query).toLowerCase())).map(([s, f], i) => ({ id: `P${i}`, surname: s, firstName: f, letters: 3 })) }),
    'patients.labSeries': () => ({
      series: [
        series('GLY', 'Glycémie à jeun', 'mmol/L', 4.1, 5.9, [5.2, 5.6, 6.1, 6.4, 5.8, 7.1, 7.8]),
        series('HBA1C', 'Hémoglobine glyquée', '%', 4, 6, [6.2, 6.8, 7.4, 8.1]),
        series('CREA', 'Créatinine', 'µmol/L', 45, 90, [70, 75, 72]),
      ],
    }),
    'compose.send': () => ({ letterId: 'new1', warnings: [] }),
    'compose.saveDraft': () => ({ letterId: 'd1' }),
    'keys.list': () => ({
      keys: [
        { owner: 'dr.test', year: 2025, kind: 'user', size: 1048576, used: 891289, usedRatio: 0.85, importedAt: '2025-01-03' },
        { owner: 'medical09', year: 2025, kind: 'master', size: 1048576, used: 104857, usedRatio: 0.1, importedAt: '2025-01-03' },
      ],
    }),
    'keys.importMedium': () => ({ imported: ['dr.test-2026'], alreadyPresent: [], unsupported: [], rejected: [], recovered: 1 }),
    'accounts.list': () => ({ accounts: [] }),
    'accounts.save': (p) => ({ ...p.account, id: 'acc1', hasPassword: true }),
    'accounts.test': () => ({
      steps: [
        { step: 'dns', ok: true, ms: 12, message_fr: 'Serveur trouvé.' },
        { step: 'pop3', ok: true, ms: 80, message_fr: 'Connexion POP3 chiffrée établie.' },
        { step: 'auth', ok: false, ms: 40, message_fr: 'Identifiant ou mot de passe refusé par le serveur.' },
      ],
    }),
    'mail.sync': () => {
      emit('sync.progress', { phase: 'receive', done: 1, total: 2, bytes: 100 });
      return new Promise((r) => setTimeout(() => r({ received: 2, sent: 0 }), 300));
    },
    'card.status': () => ({ present: true, loggedIn: false, holder: 'Dr Test Fictif', profession: 'Médecin', rpps: '10000000009', newCard: false, triesLeft: 3 }),
    'keys.detectMedia': () => ({ candidates: [{ path: '/media/cle-usb', label: 'Support /media/cle-usb', keyFiles: 2 }] }),
    'practice.list': () => ({
      profiles: [
        { id: 'generique', name: 'Générique (HPRIM Médecins)', folder: '', fileNamePattern: '{DATE}_{NOM}_{PRENOM}_{DDN}', extension: 'hpr', charset: 'windows-1252', lineEnd: 'crlf', line13: 'empty', line1: 'patient_code', okFile: false, enabled: false },
      ],
    }),
    'practice.save': (p) => p.profile,
    'migration.detect': () => ({ sources: [], searched: ['/home/medecin/Documents'] }),
    'card.login': (p) => ({ present: true, loggedIn: p.pin === '1234', newCard: false, triesLeft: p.pin === '1234' ? 3 : 2 }),
  };
  function emit(event: string, payload: unknown) {
    for (const h of handlers.get(event) ?? []) h(payload);
  }
  (window as unknown as { pliBridge: unknown }).pliBridge = {
    invoke(command: string, payload: unknown) {
      calls.push({ command, payload });
      const h = handlersByCommand[command];
      if (!h) return wire('not_available', 'Cette fonction n’est pas encore disponible.');
      try {
        return Promise.resolve(h(payload));
      } catch (e) {
        return Promise.reject(e);
      }
    },
    on(event: string, handler: Handler) {
      const set = handlers.get(event) ?? new Set();
      set.add(handler);
      handlers.set(event, set);
      return () => set.delete(handler);
    },
  };
  (window as unknown as { pliFake: unknown }).pliFake = { emit, calls };
}
