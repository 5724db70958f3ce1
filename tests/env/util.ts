// Small process and socket helpers shared by the test-server starters.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  cwd?: string;
}

/** Runs a command; rejects with its stderr when it fails. Resolves with stdout. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: opts.env ?? process.env, cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
        } else {
          resolve(stdout);
        }
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** A port the OS says is free right now (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Distinct free ports (the OS may hand the same one out twice once closed). */
export async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

/** Connects once; resolves with the first data chunk (a server greeting) or '' for silent protocols. */
function probe(port: number, wantGreeting: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('no greeting'));
    }, 2000);
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.once('connect', () => {
      if (wantGreeting) return;
      clearTimeout(timer);
      sock.destroy();
      resolve('');
    });
    sock.once('data', (d) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(d.toString('latin1'));
    });
  });
}

/**
 * Waits until 127.0.0.1:port accepts (and, with `greeting`, sends a line matching it).
 * `alive` lets the caller stop early when the server process has already died.
 */
export async function waitForPort(
  port: number,
  opts: { timeoutMs: number; greeting?: RegExp; alive?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  for (;;) {
    const dead = opts.alive?.();
    if (dead) throw new Error(dead);
    try {
      const text = await probe(port, opts.greeting !== undefined);
      if (!opts.greeting || opts.greeting.test(text)) return;
      last = `unexpected greeting ${JSON.stringify(text.slice(0, 80))}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`port ${port} not ready after ${opts.timeoutMs} ms (${last})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Last lines of a log file, for loud failures. */
export function tail(path: string, lines = 30): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  const all = readFileSync(path, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}
