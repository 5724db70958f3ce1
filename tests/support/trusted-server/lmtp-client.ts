import net from 'node:net';

/** One recipient's outcome, as LMTP reports it after DATA (RFC 2033: one reply per accepted RCPT). */
export interface LmtpRecipientResult {
  recipient: string;
  ok: boolean;
  code: number;
  reply: string;
}

/**
 * A small LMTP client for the trusted-server simulator: LHLO, MAIL FROM, RCPT TO, DATA (dot-stuffed),
 * one reply per accepted recipient, QUIT. One connection per delivery keeps it simple and isolated.
 */
export async function lmtpDeliver(opts: {
  host: string;
  port: number;
  from: string;
  recipients: string[];
  message: Buffer;
  timeoutMs?: number;
}): Promise<LmtpRecipientResult[]> {
  const conn = new LineConn(net.connect({ host: opts.host, port: opts.port }), opts.timeoutMs ?? 15_000);
  try {
    expect(await conn.reply(), 220, 'greeting');
    conn.send('LHLO trusted-server-simulator.localhost');
    expect(await conn.reply(), 250, 'LHLO');
    conn.send(`MAIL FROM:<${opts.from}>`);
    expect(await conn.reply(), 250, 'MAIL FROM');
    const results: LmtpRecipientResult[] = [];
    const accepted: string[] = [];
    for (const r of opts.recipients) {
      conn.send(`RCPT TO:<${r}>`);
      const rep = await conn.reply();
      if (rep.code === 250) accepted.push(r);
      else results.push({ recipient: r, ok: false, code: rep.code, reply: rep.text });
    }
    if (accepted.length > 0) {
      conn.send('DATA');
      expect(await conn.reply(), 354, 'DATA');
      conn.sendRaw(dotStuff(opts.message));
      for (const r of accepted) {
        const rep = await conn.reply();
        results.push({ recipient: r, ok: rep.code === 250, code: rep.code, reply: rep.text });
      }
    }
    conn.send('QUIT');
    await conn.reply().catch(() => undefined);
    return results;
  } finally {
    conn.close();
  }
}

function expect(rep: { code: number; text: string }, code: number, step: string): void {
  if (rep.code !== code) throw new Error(`LMTP ${step}: ${rep.text}`);
}

/** Normalises line ends to CRLF, stuffs leading dots and appends the end-of-data marker. */
export function dotStuff(message: Buffer): Buffer {
  const text = message.toString('latin1').replace(/\r?\n/g, '\r\n');
  const body = text.replace(/^\./gm, '..');
  return Buffer.from(body + (body.endsWith('\r\n') ? '' : '\r\n') + '.\r\n', 'latin1');
}

class LineConn {
  private buf = '';
  private lines: string[] = [];
  private waiting: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private error: Error | undefined;

  constructor(
    private readonly socket: net.Socket,
    timeoutMs: number,
  ) {
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('LMTP timeout')));
    socket.on('data', (c: Buffer) => {
      this.buf += c.toString('latin1');
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        this.lines.push(this.buf.slice(0, i).replace(/\r$/, ''));
        this.buf = this.buf.slice(i + 1);
      }
      this.wake();
    });
    socket.on('error', (e) => {
      this.error = e;
      this.wake();
    });
    socket.on('close', () => {
      this.error ??= new Error('LMTP connection closed');
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve();
  }

  send(line: string): void {
    this.socket.write(line + '\r\n');
  }

  sendRaw(b: Buffer): void {
    this.socket.write(b);
  }

  /** Reads one (possibly multi-line) reply. */
  async reply(): Promise<{ code: number; text: string }> {
    const got: string[] = [];
    for (;;) {
      while (this.lines.length > 0) {
        const l = this.lines.shift() as string;
        got.push(l);
        if (l[3] !== '-') return { code: Number(l.slice(0, 3)), text: got.join('\n') };
      }
      if (this.error) throw this.error;
      await new Promise<void>((resolve, reject) => (this.waiting = { resolve, reject }));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
