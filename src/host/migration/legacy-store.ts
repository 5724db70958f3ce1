import type { LegacySource, MigrationProblem } from './types';

/**
 * The legacy client's own store: its format is not public, so Pli does not guess at it. It says what it
 * found and how to get the letters out in a format it reads.
 */
export function legacyStoreProblem(s: LegacySource): MigrationProblem {
  const list = (s.found ?? []).map((f) => `${f.name} (${formatSize(f.size)})`).join(', ');
  return {
    where: s.path,
    code: 'legacy_store_unreadable',
    message_fr:
      `Ce dossier contient la base de l’ancienne messagerie, dans un format privé que Pli ne sait pas lire ` +
      `(fichiers trouvés : ${list || 'aucun'}). Rien n’en a été importé. Pour récupérer ces courriers : ` +
      `dans l’ancien logiciel, exportez les dossiers au format mbox ou .eml (ou enregistrez les courriers ` +
      `déchiffrés en fichiers texte), ou faites-les relever une dernière fois par Thunderbird ; puis ` +
      `importez le dossier obtenu dans Pli. Vos clefs (dossier Clefs) suffisent à relire les courriers chiffrés.`,
  };
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} o`;
  if (n < 1024 * 1024) return `${(n / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Ko`;
  return `${(n / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}
