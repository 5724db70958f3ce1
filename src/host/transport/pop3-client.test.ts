import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServerCert, type ServerCert } from '../../../tests/support/trusted-server/certs';
import { Pop3Client, unstuff } from './pop3-client';
import { TlsTrust } from './tls-trust';

/**
 * A scripted POP3 server over TLS that writes every answer in tiny pieces, so that the client's framing
 * (status line, CRLF.CRLF terminator split across packets, dot-unstuffing) is tested at its worst.
 */
let cert: ServerCert;
let server: tls.Server;
let port = 0;
const messages = [
  Buffer.from('Subject: a\r\n\r\n.point\r\n..deux\r\nfin\r\n', 'latin1'),
  Buffer.from('', 'latin1'),
  Buffer.from(`Subject: b\r\n\r\n${'x'.repeat(70_000)}\r\n.\r\n`, 'latin1'),
];
const stuffed = (m: Buffer) => Buffer.from(m.toString('latin1').replace(/^\./gm, '..'), 'latin1');

function trickle(s: tls.TLSSocket, data: Buffer): void {
  // Sizes 1..7 bytes, so every boundary (inside CRLF, after the dot) happens somewhere.
  let i = 0;
  let k = 1;
  while (i < data.length) {
    const n = Math.min(data.length - i, data.length > 2000 ? 997 : k);
    s.write(data.subarray(i, i + n));
    i += n;
    k = (k % 7) + 1;
  }
}

beforeAll(async () => {
  cert = makeServerCert('pop3 unit');
  server = tls.createServer({ key: cert.key, cert: cert.cert }, (s) => {
    s.setNoDelay(true);
    const say = (t: string) => trickle(s, Buffer.from(t, 'latin1'));
    say('+OK POP3 test ready\r\n');
    let buf = '';
    s.on('data', (c: Buffer) => {
      buf += c.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [cmd, arg] = line.split(' ');
        if (cmd === 'CAPA') say('+OK\r\nUSER\r\nUIDL\r\n.\r\n');
        else if (cmd === 'USER') say('+OK\r\n');
        else if (cmd === 'PASS') say(arg === 'secret' ? '+OK logged in\r\n' : '-ERR [AUTH] Authentication failed.\r\n');
        else if (cmd === 'STAT') say(`+OK ${messages.length} ${messages.reduce((a, m) => a + m.length, 0)}\r\n`);
        else if (cmd === 'UIDL') say(`+OK\r\n${messages.map((_, j) => `${j + 1} uid-${j + 1}\r\n`).join('')}.\r\n`);
        else if (cmd === 'RETR') {
          const m = messages[Number(arg) - 1];
          if (!m) say('-ERR no such message\r\n');
          else trickle(s, Buffer.concat([Buffer.from(`+OK ${m.length} octets\r\n`), stuffed(m), Buffer.from('.\r\n')]));
        } else if (cmd === 'SLOW') {
          // never answers
        } else if (cmd === 'QUIT') {
          say('+OK bye\r\n');
          s.end();
        } else say('-ERR unknown\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server?.close();
});

const connect = (password = 'secret', timeoutMs?: number) =>
  Pop3Client.connect({ host: '127.0.0.1', port, security: 'tls', user: 'u', password, trust: new TlsTrust({ extraCaPems: [cert.caPem] }), timeoutMs });

describe('Pop3Client framing', () => {
  it('reads status lines and multi-line answers split into tiny packets', async () => {
    const c = await connect();
    expect([...c.capabilities].sort()).toEqual(['UIDL', 'USER']);
    expect(await c.stat()).toEqual({ count: 3, size: messages.reduce((a, m) => a + m.length, 0) });
    expect(await c.uidl()).toEqual([
      { n: 1, uid: 'uid-1' },
      { n: 2, uid: 'uid-2' },
      { n: 3, uid: 'uid-3' },
    ]);
    for (let n = 1; n <= messages.length; n++) expect((await c.retr(n)).equals(messages[n - 1]!)).toBe(true);
    await expect(c.retr(9)).rejects.toMatchObject({ code: 'pop3_error', details: { server: '-ERR no such message' } });
    await c.quit();
  });

  it('maps a refused password and a silent server to French errors', async () => {
    await expect(connect('wrong')).rejects.toMatchObject({ code: 'auth_failed', details: { server: '-ERR [AUTH] Authentication failed.' } });
    const c = await connect('secret', 300);
    await expect((c as unknown as { command(s: string): Promise<unknown> }).command('SLOW')).rejects.toMatchObject({ code: 'timeout' });
    c.destroy();
  });
});

describe('unstuff', () => {
  it('removes exactly one leading dot per line', () => {
    const cases: Array<[string, string]> = [
      ['', ''],
      ['..\r\n', '.\r\n'],
      ['a\r\n..b\r\n...c\r\nd.\r\n', 'a\r\n.b\r\n..c\r\nd.\r\n'],
      ['.x', 'x'],
    ];
    for (const [input, out] of cases) expect(unstuff(Buffer.from(input)).toString()).toBe(out);
  });
});
