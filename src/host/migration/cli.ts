import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PliError } from '../../shared/errors';
import { defaultProfileDir } from '../profile-dir';
import { openProfileMailbox } from '../store/open-profile';
import type { Mailbox } from '../store/mailbox';
import { classifyPath } from './detect';
import { runMigration } from './importer';
import { renderReportFr } from './report';
import type { LegacySource, MigrationProgress } from './types';

/** What the command touches besides files: the CLI's CliIo plus the environment and a password prompt. */
export interface MigrateIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Asks for the profile password (no echo in a terminal); default: reads a line from stdin. */
  prompt?: (question: string) => Promise<string>;
  /** Cancels the import (Ctrl+C in the terminal); resumable. */
  signal?: AbortSignal;
}

export const MIGRATE_USAGE = 'pli migrate <chemin...> [--dry-run] [--profile DOSSIER] [--report FICHIER] [--json]';

/**
 * `pli migrate <path...> [--dry-run] [--profile DIR]`: imports what the paths hold (key folders, mbox
 * files, Maildir and .eml folders, HPRIM exports) into the profile and prints the report. The password
 * comes from PLI_PASSWORD or a prompt. Exit status: 0 done, 1 error, 2 usage, 3 nothing importable,
 * 130 interrupted (run again to resume).
 */
export async function runMigrateCommand(argv: string[], io: MigrateIo): Promise<number> {
  const paths: string[] = [];
  let dryRun = false;
  let json = false;
  let profile: string | undefined;
  let reportFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dry-run') dryRun = true;
    else if (a === '--json') json = true;
    else if (a === '--profile' || a === '--report') {
      const v = argv[++i];
      if (v === undefined) return usage(io, `L’option ${a} attend un dossier ou un fichier.`);
      if (a === '--profile') profile = v;
      else reportFile = v;
    } else if (a.startsWith('--profile=')) profile = a.slice(10);
    else if (a.startsWith('--report=')) reportFile = a.slice(9);
    else if (a.startsWith('-')) return usage(io, `Option inconnue : « ${a} ».`);
    else paths.push(a);
  }
  if (paths.length === 0) return usage(io, 'Indiquez au moins un dossier ou fichier à importer (clefs, mbox, Maildir, .eml, exports HPRIM).');

  const sources: LegacySource[] = [];
  for (const p of paths) {
    const abs = resolve(io.cwd, p);
    const found = await classifyPath(abs);
    if (found.length === 0) io.err(`pli migrate : rien d’importable dans ${abs} (ni clefs, ni mbox, ni Maildir, ni .eml, ni fichiers HPRIM).\n`);
    sources.push(...found);
  }
  if (sources.length === 0) return 3;

  let mailbox: Mailbox | undefined;
  const env = io.env ?? process.env;
  const dir = resolve(io.cwd, profile ?? env.PLI_PROFILE ?? defaultProfileDir());
  try {
    if (!dryRun || profile !== undefined) {
      const password = env.PLI_PASSWORD ?? (await (io.prompt ?? stdinPrompt)('Mot de passe de votre profil Pli : '));
      mailbox = await openProfileMailbox(dir, password);
    }
    let lastLine = 0;
    const report = await runMigration({
      ...(mailbox ? { mailbox } : {}),
      sources,
      dryRun,
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastLine < 2000) return;
        lastLine = now;
        io.err(progressLine(p));
      },
    });
    const text = renderReportFr(report);
    io.out(json ? JSON.stringify(report, null, 2) + '\n' : text);
    if (reportFile) await writeFile(resolve(io.cwd, reportFile), json ? JSON.stringify(report, null, 2) : text, 'utf8');
    return report.cancelled ? 130 : 0;
  } catch (e) {
    if (e instanceof PliError) {
      io.err(`pli migrate : ${e.message_fr}\n`);
      return 1;
    }
    throw e;
  } finally {
    await mailbox?.close();
  }
}

function usage(io: MigrateIo, msg: string): number {
  io.err(`pli migrate : ${msg}\nUtilisation : ${MIGRATE_USAGE}\n`);
  return 2;
}

function progressLine(p: MigrationProgress): string {
  const pct = p.bytesTotal > 0 ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 0;
  const eta = p.etaSeconds !== undefined ? `, reste environ ${Math.max(1, Math.round(p.etaSeconds / 60))} min` : '';
  return `… ${pct} % — ${p.letters.toLocaleString('fr-FR')} courriers lus (${p.imported.toLocaleString('fr-FR')} importés)${eta}\n`;
}

async function stdinPrompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    return await new Promise<string>((res) => rl.question(question, res));
  } finally {
    rl.close();
  }
}
