import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyService } from '../../src/host/keys';
import type { Logger } from '../../src/host/log/logger';
import { ReceiveKeys, ReceivePipeline, SharedReader, type ReceiveAccount, type ReceiveOptions, type ReceiveProgress } from '../../src/host/mail/receive';
import { loadTrustStore, Pkcs12Signer, signLetterMime, type TrustStore } from '../../src/host/signing';
import type { Mailbox } from '../../src/host/store';
import type { Letter } from '../../src/host/store/types';
import { SmtpClient } from '../../src/host/transport/smtp-client';
import { TlsTrust } from '../../src/host/transport/tls-trust';
import { testEnv, type TestEnv } from '../env/current';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';
import { start, type TrustedServerSimulator } from '../support/trusted-server/index';
import { MediaSender, apicryptMail } from '../support/trusted-server/letters';
import { accountFor, allLetters, fullMedium, GROUP_OWNERS, partialMedium, receivingProfile, removeTemps } from './receive-support';

let env: TestEnv;
let sim: TrustedServerSimulator;
let smtp: SmtpClient;
let signatureTrust: TrustStore;
const jean2026 = new MediaSender('jean.DUPONT', 2026);
const jean2025 = new MediaSender('jean.DUPONT', 2025);
const token = () => randomBytes(5).toString('hex');

interface Receiver {
  mailbox: Mailbox;
  keys: KeyService;
  account: ReceiveAccount;
  pipeline: ReceivePipeline;
  progress: ReceiveProgress[];
}
let paul: Receiver;
let cabinet: Receiver;

/** `readerThread`: the group practice reads its letters in the reader thread even one at a time, paul on the host thread. */
const cabinetReader = new SharedReader();

async function receiver(login: string, protocol: 'pop3' | 'imap', medium: string, readerThread: ReceiveOptions['readerThread'] = false): Promise<Receiver> {
  const { mailbox, keys } = await receivingProfile(medium);
  const account = accountFor(env, login, protocol);
  const progress: ReceiveProgress[] = [];
  const pipeline = new ReceivePipeline(account, {
    mailbox,
    keys: new ReceiveKeys(mailbox, { groupOwners: GROUP_OWNERS }),
    signatureTrust,
    tls: new TlsTrust({ extraCaPems: [env.tls.caCertPem] }),
    onProgress: (p) => progress.push(p),
    readerThread,
  });
  return { mailbox, keys, account, pipeline, progress };
}

const address = (login: string) => `${login}@${env.domain}`;

/** jean.DUPONT sends through the trusted-server simulator (it re-encrypts for each recipient). */
async function send(sender: MediaSender, text: string, to: string[]): Promise<string> {
  const messageId = `<recv-${token()}@pli.test>`;
  const body = sender.seal(text, to.map(address));
  const mail = apicryptMail({ from: address('jean.DUPONT'), to: to.map(address), body, messageId });
  const res = await smtp.sendRaw({ from: address('jean.DUPONT'), to: to.map(address) }, mail);
  expect(res.rejected).toEqual([]);
  return messageId;
}

async function byMessageId(mb: Mailbox, messageId: string): Promise<Letter[]> {
  return (await allLetters(mb)).filter((l) => l.messageId === messageId);
}

function hprimLetter(tag: string): string {
  return [
    `PAT-${tag}`,
    'RECEPTION',
    'Éloïse',
    '12 rue des Essais',
    '',
    '75013 VILLE-FICTIVE',
    '21/01/1964',
    '',
    `DOS-${tag}`,
    '09/01/2026',
    'LAB012     Laboratoire Fictif des Érables',
    'DRTEST01   Dr Jean DUPONT',
    'Compte rendu : glycémie élevée, à contrôler dans 3 mois.',
    '****LAB****',
    'RES|Glycémie à jeun|GLY|N|1.32|g/l|0.70|1.10|H|F',
    'RES|Hémoglobine|HB|N|13,5|g/dl|12,0|16,0|N|F',
    '****FIN****',
    '****FINFICHIER****',
    '',
  ].join('\n');
}

beforeAll(async () => {
  env = testEnv();
  signatureTrust = loadTrustStore({ testRoots: [env.pki.rootCertPath], intermediates: [env.pki.intermediateCertPath] });
  sim = await start(simulatorOptionsFromEnv(env));
  const jean = env.users.find((u) => u.login === 'jean.DUPONT')!;
  smtp = new SmtpClient({ host: sim.host, port: sim.port, security: 'starttls', user: jean.login, password: jean.password, trust: new TlsTrust({ extraCaPems: [sim.caPem!] }) });
  // paul.MARTIN's profile starts without his 2025 keys (for the "À vérifier" test).
  paul = await receiver('paul.MARTIN', 'pop3', partialMedium('paul.MARTIN', (f) => f.endsWith('.126')));
  // The practice's runs read in one thread kept from run to run, as the host's MailService does.
  cabinet = await receiver('cabinet.LESTILLEULS', 'imap', fullMedium('cabinet.LESTILLEULS'), { minLetters: 1, shared: cabinetReader });
  // Start from what the boxes already hold (other test files' letters): this test counts only its own.
  await paul.pipeline.sync();
  await cabinet.pipeline.sync();
});

afterAll(async () => {
  smtp?.close();
  await sim?.stop();
  await paul?.mailbox.close();
  await cabinet?.mailbox.close();
  await cabinetReader.close();
  removeTemps();
});

describe('receive pipeline (Dovecot + trusted-server simulator)', () => {
  let messageId: string;
  const text = hprimLetter(token());

  it('stores a letter from jean.DUPONT once at paul.MARTIN (POP3) and the group practice (IMAP), text, patient and labs read', async () => {
    messageId = await send(jean2026, text, ['paul.MARTIN', 'cabinet.LESTILLEULS']);
    for (const r of [paul, cabinet]) {
      r.progress.length = 0;
      const res = await r.pipeline.sync();
      expect(res.fetched, r.account.id).toBe(1);
      expect(res.letterIds).toHaveLength(1);
      expect(res.review).toBe(0);
      const found = await byMessageId(r.mailbox, messageId);
      expect(found).toHaveLength(1);
      const l = found[0]!;
      expect(l.id).toBe(res.letterIds[0]);
      expect(l.kind).toBe('apicrypt');
      expect(l.text).toBe(text);
      expect(l.reviewCode).toBeNull();
      expect(l.sender).toBe(address('jean.DUPONT')); // as written: the network's key names are case-sensitive
      expect(l.recipients).toEqual(['paul.MARTIN', 'cabinet.LESTILLEULS']);
      expect(l.patient).toMatchObject({ surname: 'RECEPTION', firstName: 'Éloïse', birthDate: '1964-01-21' });
      expect(l.documentDate).toBe('2026-01-09');
      expect(l.labs.map((x) => [x.code, x.value, x.abnormal])).toEqual([
        ['GLY', '1.32', true],
        ['HB', '13,5', false],
      ]);
      // The original (encrypted, armored) message is kept byte for byte.
      expect(Buffer.from(l.raw!).toString('latin1')).toContain('#BINASCII1#');
      expect(Buffer.from(l.raw!).toString('latin1')).not.toContain('RECEPTION');
      const folders = await r.mailbox.listFolders();
      expect(folders.find((f) => f.role === 'reception')!.id).toBe(l.folderId);
      expect(r.progress.at(-1)).toMatchObject({ phase: 'receive', done: 1, total: 1 });
      expect(r.progress.at(-1)!.bytes).toBeGreaterThan(text.length);
    }
  });

  it('stores nothing new at the next sync', async () => {
    for (const r of [paul, cabinet]) {
      const res = await r.pipeline.sync();
      expect(res).toMatchObject({ fetched: 0, letterIds: [], duplicates: 0 });
      expect(await byMessageId(r.mailbox, messageId)).toHaveLength(1);
    }
  });

  it('reads on the host thread when the letter-reading thread cannot start, and says so in the log', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (m) => lines.push(m),
      error: (m) => lines.push(m),
      child: () => logger,
    };
    const pipeline = new ReceivePipeline(cabinet.account, {
      mailbox: cabinet.mailbox,
      keys: new ReceiveKeys(cabinet.mailbox),
      tls: new TlsTrust({ extraCaPems: [env.tls.caCertPem] }),
      logger,
      readerThread: { minLetters: 1, url: new URL('file:///nonexistent/reader-worker.js') },
    });
    const text2 = hprimLetter(token());
    const id = await send(jean2026, text2, ['cabinet.LESTILLEULS']);
    const res = await pipeline.sync();
    expect(res).toMatchObject({ fetched: 1, review: 0 });
    expect((await byMessageId(cabinet.mailbox, id)).map((l) => l.text)).toEqual([text2]);
    expect(lines.some((l) => l.includes('letter-reading thread failed'))).toBe(true);
  });

  it('puts a letter whose key year is missing in "À vérifier", then in Réception once the key is imported', async () => {
    const late = `Courrier de l'an dernier, arrivé en retard.\nRéf. ${token()}\n`;
    const id = await send(jean2025, late, ['paul.MARTIN']);
    const res = await paul.pipeline.sync();
    expect(res.review).toBe(1);
    const [l] = await byMessageId(paul.mailbox, id);
    const folders = await paul.mailbox.listFolders();
    const review = folders.find((f) => f.role === 'review')!;
    expect(review.name).toBe('À vérifier');
    expect(l!.folderId).toBe(review.id);
    expect(l!.reviewCode).toBe('key_not_found');
    expect(l!.reviewMessage).toContain('paul.MARTIN.125');
    expect(l!.text).toBe('');
    expect(Buffer.from(l!.raw!).toString('latin1')).toContain('#BINASCII1#');
    // Still unreadable without the key: it stays.
    expect(await paul.pipeline.retryReview()).toMatchObject({ recovered: 0 });

    const report = await paul.keys.importMedium(fullMedium('paul.MARTIN'));
    expect(report.imported.sort()).toEqual(['Master.125', 'paul.MARTIN.125']);
    const retry = await paul.pipeline.retryReview();
    expect(retry.recovered).toBeGreaterThanOrEqual(1);
    expect(retry.letterIds).toContain(l!.id);
    const after = (await paul.mailbox.getLetter(l!.id))!;
    expect(after.folderId).toBe(folders.find((f) => f.role === 'reception')!.id);
    expect(after.text).toBe(late);
    expect(after.reviewCode).toBeNull();
    expect(after.reviewMessage).toBeNull();
    expect((await paul.mailbox.search('retard')).items.map((x) => x.id)).toContain(l!.id);
    // Nothing fetched again from the server for it.
    expect((await paul.pipeline.sync()).fetched).toBe(0);
    expect(await byMessageId(paul.mailbox, id)).toHaveLength(1);
  });

  it('verifies a letter signed inside its APICRYPT payload (signature valid)', async () => {
    const signer = Pkcs12Signer.open(env.pki.p12Path, env.pki.p12Password, signatureTrust);
    const body = `Résultats signés du cabinet.\nRéf. ${token()}\n`;
    const entity = `Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body.replace(/\n/g, '\r\n')}`;
    const signed = await signLetterMime(entity, signer);
    const id = await send(jean2026, Buffer.from(signed).toString('latin1'), ['paul.MARTIN']);
    const res = await paul.pipeline.sync();
    expect(res.letterIds).toHaveLength(1);
    const [l] = await byMessageId(paul.mailbox, id);
    expect(l!.signatureStatus).toBe('valid');
    expect(l!.text.replace(/\r\n/g, '\n')).toBe(body);
    expect(l!.reviewCode).toBeNull();
    // The reader's details come from the certificate that signed, kept with the letter.
    const full = await paul.mailbox.getLetter(l!.id);
    const cert = signer.identity();
    expect(full!.signer).toMatchObject({ name: cert.displayName, notBefore: cert.notBefore, notAfter: cert.notAfter });
    expect(Date.parse(full!.signer!.signingTime!)).toBeGreaterThan(Date.now() - 600_000);
  });
});
