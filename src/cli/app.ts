import { legacyCodeOf } from '../core/apicrypt';
import { PliError } from '../shared/errors';
import { commands, findCommand } from './commands';
import type { CliIo } from './io';

export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'pli — outils en ligne de commande de Pli (format APICRYPT V1, compatibles avec les outils historiques)',
    '',
    'Commandes :',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Utilisation :',
    ...commands.map((c) => `  ${c.usage}`),
    '',
    'Options communes :',
    '  -k dossier   dossier qui contient Clefs/ : les clefs y sont utilisées directement et leur pointeur',
    '               avance dans le fichier (jamais de retour à zéro : Pli refuse quand la clef est épuisée)',
    '  -v           affiche le détail (clefs, destinataires) sur la sortie d’erreur',
    '  --year AAAA  année des clefs pour chiffrer (par défaut : l’année en cours)',
    '  -h, --help   cette aide',
    '',
    'Code de sortie : 0 si tout va bien, sinon le code d’erreur historique modulo 256',
    '(-3 somme de contrôle : 253, -4 trame trop courte : 252, -5 clef introuvable : 251, -6 en-tête de clef : 250,',
    '-8 position hors clef : 248, -43 fichier introuvable : 213, -2000 taille de clef : 48, -3000 CRC : 72),',
    '2 pour une commande mal formée, 1 pour les autres erreurs.',
    '',
  ].join('\n');
}

/** Exit status of an error: the legacy code mod 256, 2 for usage errors, 1 otherwise. */
export function exitCodeOf(e: unknown): number {
  const legacy = legacyCodeOf(e);
  if (legacy !== undefined) return ((legacy % 256) + 256) % 256;
  if (e instanceof PliError && typeof e.details?.['exitCode'] === 'number') return e.details['exitCode'];
  return 1;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '-h' || first === '--help' || first === 'aide' || first === 'help') {
    (first === undefined ? io.err : io.out)(helpText());
    return first === undefined ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.err(`pli : commande inconnue « ${argv.join(' ')} ». Tapez « pli --help » pour la liste des commandes.\n`);
    return 2;
  }
  if (found.rest.includes('-h') || found.rest.includes('--help')) {
    io.out(`${found.entry.summary}\n\n  ${found.entry.usage}\n\nTapez « pli --help » pour les options communes.\n`);
    return 0;
  }
  const verbose = found.rest.includes('-v') || found.rest.includes('--verbose');
  try {
    const mod = await found.entry.load();
    return await mod.default.run(found.rest, io);
  } catch (e) {
    if (e instanceof PliError) {
      io.err(`pli ${found.entry.name} : ${e.message_fr}\n`);
      if (verbose) io.err(`(code ${e.code}${legacyCodeOf(e) !== undefined ? `, code historique ${legacyCodeOf(e)}` : ''})\n`);
    } else {
      io.err(`pli ${found.entry.name} : erreur interne inattendue.${verbose ? '' : ' Relancez avec -v pour le détail.'}\n`);
      if (verbose) io.err(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
    return exitCodeOf(e);
  }
}
