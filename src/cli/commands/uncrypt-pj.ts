import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { keyFileName, openApz } from '../../core/apicrypt';
import { optional, parseFlags, required } from '../args';
import { COMMON_FLAGS, keyFolderOf } from '../common';
import { readInput, writeAtomic } from '../files';
import type { CliCommand } from '../io';

/** A name from the container may be hostile: keep its last part only, never a path or a dot folder. */
export function safeFileName(name: string, index: number): string {
  const last = [...(name.split(/[\\/]/).pop() ?? '')].map((c) => (c.charCodeAt(0) < 0x20 || c === '\x7f' || '<>:"|?*'.includes(c) ? '_' : c)).join('').trim();
  return last === '' || /^\.+$/.test(last) ? `piece-jointe-${index + 1}` : last;
}

/** `pli uncrypt-pj -s source.apz -o dossier/ [-k dossier] [-v]` (legacy apiuncryptpj). */
const uncryptPj: CliCommand = {
  async run(args, io) {
    const f = parseFlags(args, { values: ['s', 'o', 'k'], booleans: ['v'], ...COMMON_FLAGS });
    const src = resolve(io.cwd, required(f, 's', 'le fichier .apz à déchiffrer'));
    const outDir = resolve(io.cwd, optional(f, 'o') ?? dirname(src));
    const folder = keyFolderOf(f, io);
    const { content, outer, inner } = openApz(readInput(src), folder.lookup());
    mkdirSync(outDir, { recursive: true });
    const used = new Set<string>();
    content.files.forEach((file, i) => {
      let name = safeFileName(file.name, i);
      while (used.has(name)) name = `${i + 1}-${name}`;
      used.add(name);
      writeAtomic(join(outDir, name), file.data);
      if (f.has('v')) io.err(`Écrit : ${join(outDir, name)} (${file.data.length} octets)\n`);
    });
    if (f.has('v')) {
      io.err(`Expéditeur : ${content.sender} ; destinataires : ${content.recipients.join(', ') || '(aucun)'} ; clefs ${keyFileName(outer.owner, outer.year)}, ${keyFileName(inner.owner, inner.year)}.\n`);
    }
    return 0;
  },
};
export default uncryptPj;
