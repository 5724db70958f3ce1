// Long-running server processes of the test environment: spawn with logs to a file, stop on demand,
// and report unexpected deaths with the log tail.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { tail } from './util';

let reportDeaths = false;
/** After start-up, a dying server is reported at once (during start-up the starter reports it). */
export function reportUnexpectedDeaths(): void {
  reportDeaths = true;
}

export interface Server {
  name: string;
  child: ChildProcess;
  logPath: string;
  /** Where the server writes its own log, if not to stdout/stderr. */
  ownLog?: string;
  /** Set once the process has exited: a description for error messages. */
  exited?: string;
  stopping: boolean;
}

export function spawnServer(name: string, cmd: string, args: string[], logPath: string, ownLog?: string): Server {
  const fd = openSync(logPath, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const server: Server = { name, child, logPath, ownLog, stopping: false };
  child.once('error', (e) => {
    server.exited = `${name} could not start: ${e.message}`;
  });
  child.once('exit', (code, signal) => {
    server.exited = `${name} exited (${signal ?? `code ${code}`})`;
    if (!server.stopping && reportDeaths) {
      process.stderr.write(`pli test env: ${server.exited}\n${logTails(server)}\n`);
    }
  });
  return server;
}

/** `alive` callback for waitForPort: a message once the process has died. */
export const deathOf = (s: Server) => () => (s.exited ? `${s.exited}\n${logTails(s)}` : undefined);

/** The last lines of the server's logs, for loud failures. */
export function logTails(s: Server): string {
  return [s.logPath, ...(s.ownLog ? [s.ownLog] : [])].map((p) => `--- ${p}:\n${tail(p)}`).join('\n');
}

export function stopServer(s: Server, graceMs = 5000): Promise<void> {
  s.stopping = true;
  if (s.child.exitCode !== null || s.child.signalCode !== null || s.exited) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
    s.child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    s.child.kill('SIGTERM');
  });
}
