import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapClient } from '../../src/host/transport/imap-client';
import { Pop3Client } from '../../src/host/transport/pop3-client';
import { SmtpClient } from '../../src/host/transport/smtp-client';
import { TlsTrust } from '../../src/host/transport/tls-trust';
import { testEnv, type TestEnv } from '../env/current';
import { simulatorOptionsFromEnv } from '../support/trusted-server/from-env';
import { start, type TrustedServerSimulator } from '../support/trusted-server/index';
import { MediaSender, apicryptMail, openWithMedia } from '../support/trusted-server/letters';

let env: TestEnv;
let sim: TrustedServerSimulator;
let trust: TlsTrust;
/** jean.DUPONT's key medium, shared by the tests so that its pointers only move forward. */
const jeanMedia = new MediaSender('jean.DUPONT');

const user = (login: string) => {
  const u = env.users.find((x) => x.login === login);
  if (!u) throw new Error(`no test user ${login}`);
  return u;
};
const token = () => randomBytes(6).toString('hex');

/** Finds, by a unique marker, a message in a POP3 box (leaves it there). */
async function pop3Find(login: string, marker: string): Promise<Buffer | undefined> {
  const u = user(login);
  const c = await Pop3Client.connect({ host: env.dovecot.host, port: env.dovecot.pop3Port, security: 'starttls', user: u.login, password: u.password, trust: new TlsTrust({ extraCaPems: [env.tls.caCertPem] }) });
  try {
    const list = await c.list();
    for (const { n } of list.reverse()) {
      const raw = await c.retr(n);
      if (raw.includes(marker)) return raw;
    }
    return undefined;
  } finally {
    await c.quit();
  }
}

async function imapFind(login: string, marker: string): Promise<Buffer | undefined> {
  const u = user(login);
  const c = await ImapClient.connect({ host: env.dovecot.host, port: env.dovecot.imapPort, security: 'starttls', user: u.login, password: u.password, trust: new TlsTrust({ extraCaPems: [env.tls.caCertPem] }) });
  try {
    const { messages } = await c.listNew();
    for (const m of messages.reverse()) {
      const raw = await c.fetchSource(m.uid);
      if (raw.includes(marker)) return raw;
    }
    return undefined;
  } finally {
    await c.close();
  }
}

const submitters = new Map<string, SmtpClient>();
/** One client per user, reused across tests like the app does (pooled connection). */
function submitter(login: string): SmtpClient {
  const u = user(login);
  let c = submitters.get(login);
  if (!c) submitters.set(login, (c = new SmtpClient({ host: sim.host, port: sim.port, security: 'starttls', user: u.login, password: u.password, trust })));
  return c;
}

beforeAll(async () => {
  env = testEnv();
  sim = await start(simulatorOptionsFromEnv(env));
  trust = new TlsTrust({ extraCaPems: [sim.caPem as string] });
});

afterAll(async () => {
  for (const c of submitters.values()) c.close();
  await sim?.stop();
});

describe('trusted-server simulator', () => {
  it('re-encrypts a letter from jean.DUPONT for paul.MARTIN (POP3) and the group practice (IMAP)', async () => {
    const jean = user('jean.DUPONT');
    const paul = user('paul.MARTIN');
    const cabinet = user('cabinet.LESTILLEULS');
    const sender = jeanMedia;
    const marker = `<e2e-${token()}@pli.test>`;
    const text = `Cher confrère,\nrésultats de Mme TEST Éloïse : glycémie 5,2 mmol/l.\nBien à vous — « Dr DUPONT »\n${token()}\n`;
    const body = sender.seal(text, [paul.address, cabinet.address]);
    const mail = apicryptMail({ from: jean.address, to: [paul.address, cabinet.address], body, messageId: marker });

    const res = await submitter('jean.DUPONT').sendRaw({ from: jean.address, to: [paul.address, cabinet.address] }, mail);
    expect(res.accepted.sort()).toEqual([cabinet.address, paul.address].sort());
    expect(res.rejected).toEqual([]);

    const atPaul = await pop3Find('paul.MARTIN', marker);
    const atCabinet = await imapFind('cabinet.LESTILLEULS', marker);
    expect(atPaul).toBeDefined();
    expect(atCabinet).toBeDefined();
    // The sender's ciphertext never reaches the recipients: the outer layer is the recipient's key.
    const forPaul = openWithMedia('paul.MARTIN', atPaul as Buffer);
    const forCabinet = openWithMedia('cabinet.LESTILLEULS', atCabinet as Buffer);
    expect(forPaul.text).toBe(text);
    expect(forCabinet.text).toBe(text);
    expect(forPaul.outer.owner).toBe('paul.MARTIN');
    expect(forCabinet.outer.owner).toBe('cabinet.LESTILLEULS');
    expect(forPaul.recipients).toEqual(['paul.MARTIN', 'cabinet.LESTILLEULS']);
    expect(() => openWithMedia('jean.DUPONT', atPaul as Buffer)).toThrow();

    // Pad ranges: per key, the sender's and the simulator's ranges never overlap.
    const ranges = [
      ...sender.used,
      ...sim.deliveries.flatMap((d) => [d.user, d.master].filter((r) => r !== undefined)),
    ];
    const byKey = new Map<string, Array<{ offset: number; length: number }>>();
    for (const r of ranges) byKey.set(`${r.owner}.${r.year}`, [...(byKey.get(`${r.owner}.${r.year}`) ?? []), r]);
    for (const list of byKey.values()) {
      const sorted = [...list].sort((a, b) => a.offset - b.offset);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.offset).toBeGreaterThanOrEqual(sorted[i - 1]!.offset + sorted[i - 1]!.length);
    }
    expect(byKey.get('paul.MARTIN.2026')?.length).toBeGreaterThanOrEqual(1);
  });

  it('sends a delivery-status notification to the sender for an unknown recipient', async () => {
    const jean = user('jean.DUPONT');
    const paul = user('paul.MARTIN');
    const ghost = `inconnu.PERSONNE${token()}@${env.domain}`;
    const sender = jeanMedia;
    const marker = `<dsn-${token()}@pli.test>`;
    const body = sender.seal('Texte pour un destinataire inconnu.\n', [paul.address, ghost]);
    await submitter('jean.DUPONT').sendRaw({ from: jean.address, to: [paul.address, ghost] }, apicryptMail({ from: jean.address, to: [paul.address, ghost], body, messageId: marker }));

    const dsn = await imapFind('jean.DUPONT', marker);
    expect(dsn).toBeDefined();
    const s = (dsn as Buffer).toString('utf8');
    expect(s).toMatch(/Content-Type: multipart\/report; report-type=delivery-status/);
    expect(s).toContain(`Final-Recipient: rfc822; ${ghost}`);
    expect(s).toMatch(/Action: failed/);
    expect(s).toContain('Courrier non distribué');
    // The known recipient still got the letter.
    expect(await pop3Find('paul.MARTIN', marker)).toBeDefined();
  });

  it('passes plain mail through unchanged and refuses relaying outside the test domain', async () => {
    const plain = user('plain.USER');
    const secretariat = user('secretariat');
    const marker = `<plain-${token()}@pli.test>`;
    const text = `Bonjour,\r\nréunion jeudi.\r\n.ligne qui commence par un point\r\n${token()}\r\n`;
    const mail = Buffer.from(
      `From: <${plain.address}>\r\nTo: <${secretariat.address}>\r\nSubject: Réunion\r\nMessage-ID: ${marker}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}`,
      'utf8',
    );
    const res = await submitter('plain.USER').sendRaw({ from: plain.address, to: [secretariat.address] }, mail);
    expect(res.accepted).toEqual([secretariat.address]);
    const got = await imapFind('secretariat', marker);
    expect(got).toBeDefined();
    const bodyStart = (got as Buffer).indexOf('\r\n\r\n') + 4;
    expect((got as Buffer).subarray(bodyStart).toString('utf8')).toBe(text);
    expect(sim.deliveries.some((d) => d.kind === 'plain' && d.recipient === secretariat.address && d.ok)).toBe(true);

    await expect(submitter('plain.USER').sendRaw({ from: plain.address, to: ['quelquun@example.com'] }, mail)).rejects.toMatchObject({
      code: 'smtp_recipients_refused',
    });
  });

  it('accepts submission over implicit TLS (port 465 style)', async () => {
    const plain = user('plain.USER');
    const tlsSim = await start(simulatorOptionsFromEnv(env, { security: 'tls' }));
    try {
      const c = new SmtpClient({ host: tlsSim.host, port: tlsSim.port, security: 'tls', user: plain.address, password: plain.password, trust: new TlsTrust({ extraCaPems: [tlsSim.caPem as string] }) });
      const marker = `<465-${token()}@pli.test>`;
      const res = await c.sendRaw({ from: plain.address, to: [plain.address] }, Buffer.from(`Subject: 465\r\nMessage-ID: ${marker}\r\n\r\nok\r\n`));
      expect(res.accepted).toEqual([plain.address]);
      expect(res.response).toMatch(/^250/);
      c.close();
      // A STARTTLS client cannot talk to an implicit-TLS port: it fails, and says so in French.
      const wrong = new SmtpClient({ host: tlsSim.host, port: tlsSim.port, security: 'starttls', user: plain.login, password: plain.password, trust: new TlsTrust({ extraCaPems: [tlsSim.caPem as string] }), timeoutMs: 800 });
      const err = await wrong.verify().catch((e: unknown) => e);
      expect((err as { message_fr?: string }).message_fr).toMatch(/serveur d’envoi/);
    } finally {
      await tlsSim.stop();
    }
  });

  it('maps a 4xx to a retryable error and a 5xx to a final refusal, with the server text', async () => {
    const jean = user('jean.DUPONT');
    const paul = user('paul.MARTIN');
    const broken = await start(simulatorOptionsFromEnv(env, { lmtp: { host: '127.0.0.1', port: 1 } }));
    try {
      const c = new SmtpClient({ host: broken.host, port: broken.port, security: 'starttls', user: jean.login, password: jean.password, trust: new TlsTrust({ extraCaPems: [broken.caPem as string] }) });
      const temp = (await c.sendRaw({ from: jean.address, to: [paul.address] }, Buffer.from('Subject: x\r\n\r\nclair\r\n')).catch((e: unknown) => e)) as { code: string; message_fr: string; details: Record<string, unknown> };
      expect(temp.code).toBe('smtp_temporary');
      expect(temp.details.retryable).toBe(true);
      expect(temp.details.responseCode).toBe(451);
      expect(temp.message_fr).toMatch(/À envoyer/);
    } finally {
      await broken.stop();
    }
    const garbage = `$APICRYPT\r\n\r\n#BINASCII1#\r\n00000010${'A'.repeat(24)}00000000\r\n#ENDBINASCII1#\r\n`;
    const err = (await submitter('jean.DUPONT')
      .sendRaw({ from: jean.address, to: [paul.address] }, apicryptMail({ from: jean.address, to: [paul.address], body: garbage, messageId: `<bad-${token()}@pli.test>` }))
      .catch((e: unknown) => e)) as { code: string; message_fr: string; details: Record<string, unknown> };
    expect(err.code).toBe('smtp_rejected');
    expect(err.details.retryable).toBe(false);
    expect(String(err.details.server)).toMatch(/^554 .*cannot be decrypted/);
    expect(err.message_fr).toContain(String(err.details.server));
  });

  it('refuses a wrong password with a French message and the server text in details', async () => {
    const jean = user('jean.DUPONT');
    const bad = new SmtpClient({ host: sim.host, port: sim.port, security: 'starttls', user: jean.login, password: 'mauvais', trust });
    const err = await bad.sendRaw({ from: jean.address, to: [jean.address] }, Buffer.from('Subject: x\r\n\r\nx\r\n')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth_failed' });
    expect((err as { message_fr: string }).message_fr).toMatch(/mot de passe refusé/);
    expect(String((err as { details: { server: string } }).details.server)).toMatch(/535/);
  });
});
