import { formatSize } from './legacy-store';
import type { MigrationReport, SourceReport } from './types';

const KIND_FR: Record<SourceReport['kind'], string> = {
  keys: 'Dossier de clefs',
  mbox: 'Boîte mbox',
  maildir: 'Dossier Maildir',
  eml: 'Dossier de messages .eml',
  hprim: 'Dossier de documents HPRIM déchiffrés',
  'legacy-store': 'Base de l’ancienne messagerie',
};

const n = (x: number) => x.toLocaleString('fr-FR');
const plural = (x: number, one: string, many: string) => `${n(x)} ${x > 1 ? many : one}`;

/** The report as French text, for the screen and for the file the user saves. No letter text, no patient. */
export function renderReportFr(r: MigrationReport): string {
  const out: string[] = [];
  out.push(r.dryRun ? 'Import de l’ancienne messagerie — essai à blanc (rien n’a été enregistré)' : 'Import de l’ancienne messagerie — rapport');
  out.push(`Début : ${r.startedAt}   Fin : ${r.finishedAt}`);
  if (r.cancelled) out.push('L’import a été interrompu : relancez-le, il reprendra là où il s’est arrêté, sans doublon.');
  out.push('');
  out.push(`${r.dryRun ? 'Seraient importés' : 'Importés'} : ${plural(r.imported, 'courrier', 'courriers')}`);
  out.push(`Déjà présents : ${plural(r.alreadyPresent, 'courrier', 'courriers')}`);
  out.push(`Non déchiffrables (placés dans « À vérifier ») : ${plural(r.notDecryptable, 'courrier', 'courriers')}`);
  out.push(`Illisibles (non importés) : ${plural(r.notReadable, 'élément', 'éléments')}`);
  if (r.recovered > 0) out.push(`Courriers « À vérifier » déchiffrés grâce aux clefs importées : ${n(r.recovered)}`);
  for (const s of r.sources) {
    out.push('');
    out.push(`${KIND_FR[s.kind]} : ${s.path}${s.resumed ? ' (reprise d’un import interrompu)' : ''}${s.complete ? '' : ' — inachevé'}`);
    if (s.keys) {
      const k = s.keys;
      if (k.imported.length) out.push(`  Clefs importées : ${k.imported.join(', ')}`);
      if (k.alreadyPresent.length) out.push(`  Clefs déjà présentes : ${k.alreadyPresent.join(', ')}`);
      if (k.unsupported.length) out.push(`  Clefs V2 (.aes) non prises en charge pour l’instant : ${k.unsupported.join(', ')}`);
      for (const x of k.rejected) out.push(`  Clef refusée ${x.file} : ${x.message_fr}`);
    } else if (s.kind !== 'legacy-store') {
      out.push(`  ${r.dryRun ? 'Seraient importés' : 'Importés'} : ${n(s.imported)} ; déjà présents : ${n(s.alreadyPresent)} ; non déchiffrables : ${n(s.notDecryptable)} ; illisibles : ${n(s.notReadable)}`);
    }
    if (s.found?.length) out.push(`  Fichiers trouvés : ${s.found.map((f) => `${f.name} (${formatSize(f.size)})`).join(', ')}`);
    for (const p of s.problems) out.push(`  - ${p.where} : ${p.message_fr}`);
  }
  out.push('');
  out.push('Les courriers importés ne sont pas déposés dans le logiciel métier ; vous pouvez le demander courrier par courrier.');
  return out.join('\n') + '\n';
}
