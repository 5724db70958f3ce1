import { PliError } from '../shared/errors';

/**
 * Legacy-style flags (`-s fichier`, `-sfichier`, `-v`) plus long ones (`--year 2026`, `--year=2026`).
 * Aliases map long names to the short letter the command reads.
 */
export interface FlagSpec {
  values: string[];
  booleans: string[];
  aliases?: Record<string, string>;
}

export type ParsedFlags = Map<string, string | true>;

export function usageError(message: string): PliError {
  return new PliError('cli_usage', message, { exitCode: 2 });
}

export function parseFlags(args: string[], spec: FlagSpec): ParsedFlags {
  const out: ParsedFlags = new Map();
  const canon = (name: string) => spec.aliases?.[name] ?? name;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let name: string;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = canon(eq < 0 ? a.slice(2) : a.slice(2, eq));
      inline = eq < 0 ? undefined : a.slice(eq + 1);
    } else if (a.startsWith('-') && a.length > 1) {
      name = canon(a[1]!);
      inline = a.length > 2 ? a.slice(2) : undefined;
    } else {
      throw usageError(`Argument inattendu : « ${a} ». Tapez « pli aide » pour l’aide.`);
    }
    if (spec.booleans.includes(name)) {
      if (inline !== undefined && !a.startsWith('--')) throw usageError(`L’option -${name} ne prend pas de valeur.`);
      out.set(name, true);
    } else if (spec.values.includes(name)) {
      const v = inline ?? args[++i];
      if (v === undefined) throw usageError(`L’option ${a} attend une valeur.`);
      out.set(name, v);
    } else {
      throw usageError(`Option inconnue : « ${a} ». Tapez « pli aide » pour l’aide.`);
    }
  }
  return out;
}

export function required(flags: ParsedFlags, name: string, what: string): string {
  const v = flags.get(name);
  if (typeof v !== 'string' || v === '') throw usageError(`Il manque ${what} (option -${name}).`);
  return v;
}

export function optional(flags: ParsedFlags, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}
