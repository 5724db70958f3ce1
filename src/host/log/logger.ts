import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { redact, scrubString } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(module: string): Logger;
}

/**
 * One sink per run: a log file in the profile (`logs/pli-<date>-<pid>.log`) that a user can open and
 * send. Writes are synchronous appends so that the last lines survive a crash.
 */
export class LogSink {
  readonly file: string | undefined;
  private readonly min: number;

  constructor(opts: { dir?: string; level?: LogLevel; echo?: boolean }) {
    this.min = LEVELS[opts.level ?? 'info'];
    this.echo = opts.echo ?? false;
    if (opts.dir) {
      mkdirSync(opts.dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      this.file = join(opts.dir, `pli-${stamp}-${process.pid}.log`);
    }
  }

  private readonly echo: boolean;

  write(level: LogLevel, module: string, msg: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < this.min) return;
    const line = JSON.stringify({
      t: new Date().toISOString(),
      level,
      module,
      msg: scrubString(msg),
      ...(fields ? { fields: redact(fields) } : {}),
    });
    if (this.file) {
      try {
        appendFileSync(this.file, line + '\n');
      } catch {
        // A log that cannot be written must never take the application down.
      }
    }
    if (this.echo) process.stderr.write(line + '\n');
  }

  logger(module: string): Logger {
    return {
      debug: (m, f) => this.write('debug', module, m, f),
      info: (m, f) => this.write('info', module, m, f),
      warn: (m, f) => this.write('warn', module, m, f),
      error: (m, f) => this.write('error', module, m, f),
      child: (sub) => this.logger(`${module}.${sub}`),
    };
  }
}

/** A logger that writes nowhere, for pure tests and tools that have no profile. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
