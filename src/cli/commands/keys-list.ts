import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKeyFile, parseKeyFileName } from '../../core/apicrypt';
import { PliError } from '../../shared/errors';
import { parseFlags } from '../args';
import { COMMON_FLAGS, keyFolderOf } from '../common';
import type { CliCommand } from '../io';

/** `pli keys list -k dossier`: every file of Clefs/ with its state; bad or V2 keys are listed, never fatal. */
const keysList: CliCommand = {
  async run(args, io) {
    const f = parseFlags(args, { values: ['k'], booleans: ['v'], ...COMMON_FLAGS });
    const folder = keyFolderOf(f, io);
    const rows: string[][] = [['Fichier', 'Titulaire', 'Année', 'Taille', 'Utilisé', 'MID', 'État']];
    for (const file of folder.list()) {
      const named = parseKeyFileName(file);
      if (named === undefined) continue;
      if ('unsupported' in named) {
        rows.push([file, '', '', '', '', '', 'clef V2 (.aes) non prise en charge']);
        continue;
      }
      try {
        const k = parseKeyFile(readFileSync(join(folder.dir, file)), file);
        const pct = k.indexMax === 0 ? 100 : Math.floor((100 * k.indexCourant) / k.indexMax);
        rows.push([file, k.owner, String(k.year), `${String(k.indexMax).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} o`, `${pct} %`, String(k.nbCrypt), pct >= 95 ? 'presque épuisée' : pct >= 80 ? 'à renouveler bientôt' : 'valide']);
      } catch (e) {
        rows.push([file, named.owner, String(named.year), '', '', '', e instanceof PliError ? `invalide : ${e.message_fr}` : 'illisible']);
      }
    }
    if (rows.length === 1) {
      io.out(`Aucune clef dans ${folder.dir}.\n`);
      return 0;
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    for (const r of rows) io.out(r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ') + '\n');
    return 0;
  },
};
export default keysList;
