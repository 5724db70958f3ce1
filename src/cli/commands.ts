import type { CliCommand } from './io';

/**
 * The command table: name (one or more words) -> lazily loaded module. Other features add their rows
 * here (backup, restore, keys import...). `usage` and `summary` feed `pli aide` without loading modules.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  usage: string;
  load: () => Promise<{ default: CliCommand }>;
}

export const commands: CommandEntry[] = [
  {
    name: 'crypt',
    summary: 'chiffre un courrier (comme apicrypt)',
    usage: 'pli crypt -s source -o destination -u utilisateur -k dossier -d dest1,dest2 [--id identifiant] [--utf8] [--year AAAA] [-v]',
    load: () => import('./commands/crypt'),
  },
  {
    name: 'uncrypt',
    summary: 'déchiffre un courrier (comme apiuncrypt ; par défaut vers <source>.txt)',
    usage: 'pli uncrypt -s source [-o destination] -k dossier [--utf8] [-v]',
    load: () => import('./commands/uncrypt'),
  },
  {
    name: 'crypt-pj',
    summary: 'chiffre des pièces jointes en .apz (comme apicryptpj)',
    usage: 'pli crypt-pj -s "f1|f2|..." -o arrivee.apz -u utilisateur -k dossier -d destinataires [--year AAAA] [-v] [-z]',
    load: () => import('./commands/crypt-pj'),
  },
  {
    name: 'uncrypt-pj',
    summary: 'déchiffre un .apz dans un dossier (comme apiuncryptpj)',
    usage: 'pli uncrypt-pj -s source.apz -o dossier/ -k dossier [-v]',
    load: () => import('./commands/uncrypt-pj'),
  },
  {
    name: 'keys list',
    summary: 'liste les clefs d’un dossier et leur état',
    usage: 'pli keys list -k dossier',
    load: () => import('./commands/keys-list'),
  },
  {
    name: 'backup',
    summary: 'sauvegarde chiffrée de toute la messagerie dans un fichier',
    usage: 'pli backup -o sauvegarde.pli [--profile dossier]   (mot de passe : demandé, ou PLI_PASSWORD)',
    load: () => import('./commands/backup'),
  },
  {
    name: 'restore',
    summary: 'restaure une sauvegarde dans un profil vide',
    usage: 'pli restore -s sauvegarde.pli [--profile dossier]',
    load: () => import('./commands/restore'),
  },
  {
    name: 'migrate',
    summary: 'importe l’ancienne messagerie (clefs, mbox, Maildir, .eml, fichiers HPRIM) ; reprend où il s’est arrêté',
    usage: 'pli migrate <chemin...> [--dry-run] [--profile dossier] [--report fichier] [--json]',
    load: () => import('./commands/migrate'),
  },
];

/** The longest command name that starts argv, and the remaining arguments. */
export function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | undefined {
  let best: { entry: CommandEntry; rest: string[] } | undefined;
  for (const entry of commands) {
    const words = entry.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.entry.name.split(' ').length)) {
      best = { entry, rest: argv.slice(words.length) };
    }
  }
  return best;
}
