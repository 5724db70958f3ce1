import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ServedPli {
  url: string;
  origin: string;
  port: number;
  token: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the built web shell (`dist/web/server.js`, as `npm run serve` does) on a profile folder and
 * waits for the URL it prints. The end-to-end tests drive exactly what a user on Linux runs.
 */
export async function startServedPli(profileDir: string, extraEnv: Record<string, string> = {}): Promise<ServedPli> {
  const server = join(process.cwd(), 'dist', 'web', 'server.js');
  if (!existsSync(server)) throw new Error('dist/web/server.js manque : lancez « node scripts/build.mjs --only=web,renderer » avant les tests e2e.');
  const child = spawn(process.execPath, [server, '--profile', profileDir], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`web shell did not start: ${stderr}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`web shell exited (${code}): ${stderr}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    port: Number(u.port),
    token: u.searchParams.get('token')!,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
