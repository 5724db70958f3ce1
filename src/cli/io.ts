/** What a command may touch besides the file system: its output streams and working folder (tests swap them). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** Current date, for the key year (tests pin it). */
  now(): Date;
}

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

/** A command of the table in commands.ts. Returns the exit status. */
export interface CliCommand {
  run(args: string[], io: CliIo): Promise<number>;
}
