import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApz } from '../../src/core/apicrypt';
import { parseHprim } from '../../src/core/hprim';
import { composeHandlers } from '../../src/host/commands/compose';
import type { HostContext } from '../../src/host/context';
import { silentLogger } from '../../src/host/log/logger';
import { signedEntityOf } from '../../src/core/signature';
import { KeyService } from '../../src/host/keys';
import { SendPipeline, type SendPipelineOptions } from '../../src/host/mail/send';
import { createProfile, DB_FILE } from '../../src/host/profile';
import { Pkcs12Signer, verifySignedLetter } from '../../src/host/signing';
import { openMailbox, type Mailbox } from '../../src/host/store';
import { SmtpClient } from '../../src/host/transport/smtp-client';
import { TlsTrust } from '../../src/host/transport/tls-trust';
import { Draft as DraftSchema, type Draft } from '../../src/shared/domain';
import { isPliError, type PliError } from '../../src/shared/errors';
import { testEnv, type TestEnv } from '../env/current';
import { makeServerCert, type ServerCert } from '../support/trusted-server/certs';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';
import { start, type TrustedServerSimulator } from '../support/trusted-server/index';
import { KEYS_FIXTURES, mediaPads, openWithMedia } from '../support/trusted-server/letters';
import { testTrust } from './signing-support';

const KDF = { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } };
const PASSWORD = 'Ordonnance-2026!';
const JEAN = 'jean.DUPONT@medical75.apicrypt.org';
const PAUL = 'paul.MARTIN@medical75.apicrypt.org';

let env: TestEnv;
let cert: ServerCert;
let trust: TlsTrust;
let sim: TrustedServerSimulator;
let simState: string;
const dirs: string[] = [];

interface Profile {
  dir: string;
  key: Buffer;
  mailbox: Mailbox;
  keys: KeyService;
}

/** A fresh profile for jean.DUPONT with his key medium imported (tiny KDF: tests only). */
async function jeanProfile(): Promise<Profile> {
  const dir = mkdtempSync(join(tmpdir(), 'pli-send-'));
  dirs.push(dir);
  const { dbKey } = await createProfile(dir, PASSWORD, KDF);
  const key = Buffer.from(dbKey);
  const mailbox = await openMailbox({ file: join(dir, DB_FILE), key: dbKey });
  const keys = new KeyService(mailbox);
  const report = await keys.importMedium(join(KEYS_FIXTURES, 'media', 'jean.DUPONT'));
  expect(report.imported).toContain('jean.DUPONT.126');
  return { dir, key, mailbox, keys };
}

async function reopen(p: Profile): Promise<Profile> {
  await p.mailbox.close();
  const mailbox = await openMailbox({ file: join(p.dir, DB_FILE), key: Buffer.from(p.key) });
  return { ...p, mailbox, keys: new KeyService(mailbox) };
}

function smtpTo(port: number): SmtpClient {
  return new SmtpClient({ host: '127.0.0.1', port, security: 'starttls', user: 'jean.DUPONT', password: 'test-jean.DUPONT', trust, timeoutMs: 5000 });
}

function pipeline(p: Profile, port: number, extra: Partial<SendPipelineOptions> = {}): SendPipeline {
  return new SendPipeline({ mailbox: p.mailbox, keys: p.keys, smtp: smtpTo(port), sender: JEAN, backoff: { baseMs: 60_000 }, ...extra });
}

/** A port nobody listens on (the "network cut"). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Every message of a Dovecot mailbox carrying this Message-ID (read straight from the Maildir). */
function delivered(login: string, messageId: string): Buffer[] {
  const root = join(env.dovecot.mailRoot, login, 'Maildir');
  const out: Buffer[] = [];
  for (const sub of ['new', 'cur']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(root, sub));
    } catch {
      continue;
    }
    for (const n of names) {
      const raw = readFileSync(join(root, sub, n));
      if (raw.includes(`Message-ID: ${messageId}`)) out.push(raw);
    }
  }
  return out;
}

async function pliError(p: Promise<unknown>): Promise<PliError> {
  try {
    await p;
  } catch (e) {
    if (isPliError(e)) return e;
    throw e;
  }
  throw new Error('expected a PliError');
}

function draft(over: Partial<Draft> = {}): Draft {
  return {
    to: [PAUL],
    subject: '',
    patient: { surname: 'DURAND', firstName: 'Hélène', birthDate: '12/03/1985', nir: '2850375123456' },
    text: `Cher confrère,\nje vous adresse Mme DURAND pour avis cardiologique.\nÉchographie : FEVG 55 %, pas d’épanchement.\nBien confraternellement,\nDr Jean DUPONT ${Math.random().toString(36).slice(2)}`,
    ...over,
  };
}

beforeAll(async () => {
  env = testEnv();
  cert = makeServerCert();
  trust = new TlsTrust({ extraCaPems: [cert.caPem] });
  simState = mkdtempSync(join(tmpdir(), 'pli-send-sim-'));
  dirs.push(simState);
  sim = await start(simulatorOptionsFromEnv(env, { tls: { key: cert.key, cert: cert.cert }, stateDir: simState }));
});

afterAll(async () => {
  await sim?.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('send pipeline (through the trusted-server simulator)', () => {
  it('jean.DUPONT sends to paul.MARTIN: outbox first, Envoyés after, paul decrypts the exact HPRIM text', async () => {
    const p = await jeanProfile();
    const send = pipeline(p, sim.port);
    try {
      const d = draft();
      const { letterId, warnings } = await send.queue(d);
      expect(warnings).toEqual([]);
      // Stored before anything is encrypted: in "À envoyer", one pending row, nothing sealed.
      const queued = await p.mailbox.outgoingLetter(letterId);
      expect(queued?.inOutbox).toBe(true);
      expect(queued?.sealed).toBeNull();
      expect(queued?.subject).toBe('Document concernant votre patient');
      expect((await p.mailbox.outboxStatus(letterId)).map((r) => [r.recipient, r.status])).toEqual([[PAUL, 'pending']]);

      const report = await send.run();
      expect(report).toMatchObject({ sent: 1, pending: 0, failed: 0 });
      const status = await p.mailbox.outboxStatus(letterId);
      expect(status).toMatchObject([{ recipient: PAUL, status: 'sent', attempts: 1, lastError: null }]);
      const letter = await p.mailbox.getLetter(letterId);
      const sentFolder = (await p.mailbox.listFolders()).find((f) => f.role === 'sent')!;
      expect(letter?.folderId).toBe(sentFolder.id);
      expect(letter?.sentAt).toBeGreaterThan(0);
      // Envoyés keeps the encrypted original, which never holds the text or the patient in clear.
      const raw = Buffer.from(letter!.raw!).toString('latin1');
      expect(raw).toContain('$APICRYPT');
      expect(raw).toContain('Content-Type: text/plain; charset=ISO-8859-1');
      expect(raw).not.toContain('DURAND');

      const got = delivered('paul.MARTIN', letter!.messageId!);
      expect(got).toHaveLength(1);
      const opened = openWithMedia('paul.MARTIN', got[0]!);
      expect(opened.recipients).toEqual(['paul.MARTIN']);
      const hprim = parseHprim(new Uint8Array(Buffer.from(opened.text, 'latin1')));
      expect(hprim.kind).toBe('medecins');
      const doc = hprim.documents[0]!;
      expect(doc.patient.surname).toBe('DURAND');
      expect(doc.patient.firstName).toBe('Hélène');
      expect(doc.patient.birthDate).toBe('1985-03-12');
      expect(doc.text.trim()).toBe(d.text.replace('’', "'"));
      expect(opened.text.split('\n').slice(0, 12)[6]).toBe('12/03/1985');

      // The pad ranges jean's letter used are recorded as used, and never overlap.
      const used = (await p.mailbox.listReservations()).filter((r) => r.state === 'used');
      expect(used.length).toBe(2);
    } finally {
      await send.close();
      await p.mailbox.close();
    }
  });

  it('refuses recipients outside APICRYPT/MSSanté, letters over the limit, and warns on a patient name in the subject', async () => {
    const p = await jeanProfile();
    const send = pipeline(p, sim.port, { maxLetterBytes: 4000 });
    try {
      const clear = await pliError(send.queue(draft({ to: [PAUL, 'dr.house@gmail.com'] })));
      expect(clear.code).toBe('recipient_not_secure');
      expect(clear.message_fr).toContain('dr.house@gmail.com');
      expect(clear.message_fr).toContain('en clair');
      // MSSanté is accepted.
      const ms = await send.queue(draft({ to: ['paul.martin@medecin.mssante.fr'] }));
      expect((await p.mailbox.outboxStatus(ms.letterId))[0]?.recipient).toBe('paul.martin@medecin.mssante.fr');

      const big = await pliError(send.queue(draft({ text: 'x'.repeat(5000) })));
      expect(big.code).toBe('letter_too_large');
      expect(big.details).toMatchObject({ limit: 4000 });
      expect(big.details?.size as number).toBeGreaterThan(5000);
      expect(big.message_fr).toMatch(/Ko/);
      // The default limit (900 Ko) applies to attachments too, before anything is encrypted.
      const dflt = pipeline(p, sim.port);
      const huge = await pliError(
        dflt.queue(draft({ attachments: [{ name: 'scanner.pdf', mediaType: 'application/pdf', base64: Buffer.alloc(930 * 1024, 1).toString('base64') }] })),
      );
      expect(huge.code).toBe('letter_too_large');
      expect(huge.details).toMatchObject({ limit: 900 * 1024 });
      dflt.stopTimer();
      expect(await p.mailbox.countLetters('outbox')).toBe(1);

      const named = await send.queue(draft({ subject: 'Échographie de Mme Durand' }));
      expect(named.warnings.join(' ')).toMatch(/nom ou le prénom du patient/);
      const born = await send.queue(draft({ subject: 'Patiente née le 12/03/1985' }));
      expect(born.warnings.join(' ')).toMatch(/date de naissance du patient/);
      const neutral = await send.queue(draft({ subject: 'Avis cardiologique' }));
      expect(neutral.warnings).toEqual([]);
    } finally {
      await send.close();
      await p.mailbox.close();
    }
  });

  it('network cut: the letter stays in À envoyer with the French error, survives a restart, then goes out exactly once', async () => {
    let p = await jeanProfile();
    const dead = await closedPort();
    const cut = pipeline(p, dead);
    const { letterId } = await cut.queue(draft());
    const r1 = await cut.run();
    expect(r1).toMatchObject({ sent: 0, pending: 1 });
    expect(r1.stoppedBy).toMatch(/connexion au serveur d’envoi \(SMTP\) 127\.0\.0\.1/);
    let status = await p.mailbox.outboxStatus(letterId);
    expect(status).toMatchObject([{ recipient: PAUL, status: 'pending', attempts: 1 }]);
    expect(status[0]!.lastError).toMatch(/connexion au serveur d’envoi/);
    expect(status[0]!.nextAttemptAt).toBeGreaterThan(Date.now() + 30_000);
    const sealed = (await p.mailbox.outgoingLetter(letterId))!.sealed!;
    expect(sealed).not.toBeNull();
    const padsAfterFirst = (await p.mailbox.listReservations()).length;

    // Not due yet (backoff); a forced retry still fails, and reuses the SAME ciphertext (no new pad bytes).
    expect(await cut.run()).toMatchObject({ sent: 0, pending: 0, failed: 0 });
    expect(await cut.run({ force: true })).toMatchObject({ pending: 1 });
    status = await p.mailbox.outboxStatus(letterId);
    expect(status[0]).toMatchObject({ status: 'pending', attempts: 2 });
    expect((await p.mailbox.listReservations()).length).toBe(padsAfterFirst);
    expect(Buffer.from((await p.mailbox.outgoingLetter(letterId))!.sealed!).equals(Buffer.from(sealed))).toBe(true);
    await cut.close();

    // A stopped server (the simulator down, then back on the same port).
    const down = await start(simulatorOptionsFromEnv(env, { tls: { key: cert.key, cert: cert.cert }, stateDir: simState }));
    const port = down.port;
    await down.stop();
    const stopped = pipeline(p, port);
    expect(await stopped.run({ force: true })).toMatchObject({ pending: 1 });
    expect((await p.mailbox.outboxStatus(letterId))[0]).toMatchObject({ status: 'pending', attempts: 3 });
    await stopped.close();

    // Restart of the app: the outbox is in the mailbox, nothing in memory.
    p = await reopen(p);
    const outboxFolder = (await p.mailbox.listFolders()).find((f) => f.role === 'outbox')!;
    expect((await p.mailbox.getLetter(letterId))?.folderId).toBe(outboxFolder.id);
    const back = await start(simulatorOptionsFromEnv(env, { tls: { key: cert.key, cert: cert.cert }, stateDir: simState, port }));
    const resumed = pipeline(p, port);
    try {
      expect(await resumed.run({ force: true })).toMatchObject({ sent: 1, pending: 0 });
      expect(await resumed.run({ force: true })).toMatchObject({ sent: 0, pending: 0, failed: 0 });
      const letter = await p.mailbox.getLetter(letterId);
      expect((await p.mailbox.outboxStatus(letterId))[0]).toMatchObject({ status: 'sent', attempts: 4 });
      const got = delivered('paul.MARTIN', letter!.messageId!);
      expect(got).toHaveLength(1);
      expect(openWithMedia('paul.MARTIN', got[0]!).text).toContain('avis cardiologique');
    } finally {
      await resumed.close();
      await back.stop();
      await p.mailbox.close();
    }
  });

  it('a letter left "sending" by a crash is resubmitted with the same ciphertext after reopening', async () => {
    let p = await jeanProfile();
    const cut = pipeline(p, await closedPort());
    const { letterId } = await cut.queue(draft({ to: [PAUL], cc: ['cabinet.LESTILLEULS@medical75.apicrypt.org'] }));
    await cut.run();
    await cut.close();
    // The process died during the SMTP dialogue: the row says 'sending'.
    await p.mailbox.markOutboxSending(letterId, [PAUL, 'cabinet.LESTILLEULS@medical75.apicrypt.org']);
    p = await reopen(p);
    const send = pipeline(p, sim.port);
    try {
      // Due although its backoff has not elapsed: an interrupted submission is resumed at once.
      expect(await send.run()).toMatchObject({ sent: 1 });
      const status = await p.mailbox.outboxStatus(letterId);
      expect(status.map((s) => s.status)).toEqual(['sent', 'sent']);
      const letter = await p.mailbox.getLetter(letterId);
      expect(delivered('paul.MARTIN', letter!.messageId!)).toHaveLength(1);
      expect(delivered('cabinet.LESTILLEULS', letter!.messageId!)).toHaveLength(1);
      expect(Buffer.from(letter!.raw!).toString('latin1')).toMatch(/^Cc: <cabinet\.LESTILLEULS@medical75\.apicrypt\.org>/m);
    } finally {
      await send.close();
      await p.mailbox.close();
    }
  });

  it('a signed letter (PKCS#12) arrives with a signature that verifies after the server re-encrypted it', async () => {
    const p = await jeanProfile();
    const signer = Pkcs12Signer.open(env.pki.p12Path, env.pki.p12Password, testTrust());
    const send = pipeline(p, sim.port, { signer: async () => signer });
    try {
      const d = draft({ sign: true });
      const { letterId } = await send.queue(d);
      expect(await send.run()).toMatchObject({ sent: 1 });
      const letter = await p.mailbox.getLetter(letterId);
      // The copy in Envoyés says it was signed, and by whom.
      expect(letter!.signatureStatus).toBe('valid');
      expect(letter!.signer).toMatchObject({ name: signer.identity().displayName, notAfter: signer.identity().notAfter });
      const got = delivered('paul.MARTIN', letter!.messageId!);
      expect(got).toHaveLength(1);
      const opened = openWithMedia('paul.MARTIN', got[0]!);
      const mime = new Uint8Array(Buffer.from(opened.text, 'latin1'));
      expect(opened.text).toMatch(/multipart\/signed/);
      const v = verifySignedLetter(mime, testTrust());
      expect(v.status).toBe('valid');
      const entity = Buffer.from(signedEntityOf(mime)!).toString('latin1');
      const body = Buffer.from(entity.split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\s+/g, ''), 'base64');
      const doc = parseHprim(new Uint8Array(body)).documents[0]!;
      expect(doc.patient.surname).toBe('DURAND');
      // Inside the signed (base64) entity the text filter cannot touch the curly apostrophe.
      expect(doc.text.trim()).toBe(d.text);
    } finally {
      await send.close();
      await p.mailbox.close();
    }
  });

  it('without a signer a letter to sign waits in À envoyer with a French reason', async () => {
    const p = await jeanProfile();
    const send = pipeline(p, sim.port);
    try {
      const { letterId } = await send.queue(draft({ sign: true }));
      expect(await send.run()).toMatchObject({ pending: 1, sent: 0 });
      const [s] = await p.mailbox.outboxStatus(letterId);
      expect(s).toMatchObject({ status: 'pending' });
      expect(s!.lastError).toMatch(/carte CPS/);
      expect((await p.mailbox.outgoingLetter(letterId))?.sealed).toBeNull();
    } finally {
      await send.close();
      await p.mailbox.close();
    }
  });

  it('compose.send answers at once with the warnings and the letter goes out in the background; saveDraft keeps a draft', async () => {
    const p = await jeanProfile();
    const send = pipeline(p, sim.port);
    const events: string[] = [];
    const ctx = {
      sessions: { get: () => ({ mailbox: p.mailbox }) },
      emit: (e: string) => events.push(e),
      log: silentLogger,
    } as unknown as HostContext;
    try {
      const h = composeHandlers(ctx, () => send);
      const r = await h['compose.send']!({ draft: DraftSchema.parse(draft({ subject: 'Échographie Mme DURAND' })) });
      expect(r.warnings.join(' ')).toMatch(/nom ou le prénom du patient/);
      const id = Number(r.letterId);
      for (let i = 0; i < 100 && (await p.mailbox.outboxStatus(id))[0]?.status !== 'sent'; i++) await new Promise((res) => setTimeout(res, 50));
      expect((await p.mailbox.outboxStatus(id))[0]?.status).toBe('sent');
      expect(events).toContain('letters.changed');

      const saved = await h['compose.saveDraft']!({ draft: DraftSchema.parse(draft({ to: ['paul.MARTIN@medical75.apicrypt.org'] })) });
      const drafts = (await p.mailbox.listFolders()).find((f) => f.role === 'drafts')!;
      expect((await p.mailbox.getLetter(Number(saved.letterId)))?.folderId).toBe(drafts.id);

      const none = composeHandlers(ctx, () => undefined);
      await expect(none['compose.send']!({ draft: DraftSchema.parse(draft()) })).rejects.toMatchObject({ code: 'account_missing' });
    } finally {
      await send.close();
      await p.mailbox.close();
    }
  });

  it('attachments travel as encrypted .apz parts beside the armored body', async () => {
    const p = await jeanProfile();
    const send = pipeline(p, sim.port);
    try {
      const pdf = Buffer.from(`%PDF-1.4 compte rendu ${Math.random()}`, 'latin1');
      const { letterId } = await send.queue(draft({ attachments: [{ name: 'compte-rendu.pdf', mediaType: 'application/pdf', base64: pdf.toString('base64') }] }));
      expect(await send.run()).toMatchObject({ sent: 1 });
      const letter = await p.mailbox.getLetter(letterId);
      const [got] = delivered('paul.MARTIN', letter!.messageId!);
      const mail = got!.toString('latin1');
      expect(mail).toContain('Content-Type: multipart/mixed;');
      expect(openWithMedia('paul.MARTIN', got!).text).toContain('avis cardiologique');
      const m = /filename="compte-rendu\.pdf\.apz"\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(mail);
      expect(m).not.toBeNull();
      const apz = new Uint8Array(Buffer.from(m![1]!.replace(/\s+/g, ''), 'base64'));
      expect(Buffer.from(apz).includes(pdf)).toBe(false);
      // The trusted server seals each .apz again for the recipient, like the body: paul opens it with his own keys.
      const opened = openApz(apz, mediaPads('paul.MARTIN'));
      expect(opened.outer.owner).toBe('paul.MARTIN');
      expect(opened.content.files.map((f) => f.name)).toEqual(['compte-rendu.pdf']);
      expect(Buffer.from(opened.content.files[0]!.data).equals(pdf)).toBe(true);
    } finally {
      await send.close();
      await p.mailbox.close();
    }
  });
});
