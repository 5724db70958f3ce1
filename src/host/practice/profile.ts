import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, win32 } from 'node:path';
import { PliError } from '../../shared/errors';

/**
 * How one practice software (logiciel métier) wants its files. Only folder, fileNamePattern, extension and
 * okFile matter to the drop folder; charset, lineEnd, line13 and line1 are read by the HPRIM writer.
 */
export interface PracticeProfile {
  id: string;
  name_fr: string;
  /** Absolute folder the practice software scans; '' while the user has not chosen it. */
  folder: string;
  /** Base name without extension; tokens {compteur} (or {compteur:N}, zero-padded) {NOM} {PRENOM} {DDN} {DATE} {EXPEDITEUR}. */
  fileNamePattern: string;
  /** Without the dot: txt, hpr, hpm, hprim... */
  extension: string;
  charset: 'windows-1252' | 'iso-8859-1' | 'utf-8';
  lineEnd: 'crlf' | 'lf' | 'cr';
  /** Line 13 after the 12 header lines: an empty line, a single space, or none. */
  line13: 'empty' | 'space' | 'none';
  /** What line 1 carries: the sender's patient code (standard) or a result title (one vendor's habit). */
  line1: 'patient_code' | 'result_title';
  /** Write an empty `<base>.ok` companion after the data file. */
  okFile: boolean;
}

export const PATTERN_TOKENS = ['compteur', 'NOM', 'PRENOM', 'DDN', 'DATE', 'EXPEDITEUR'] as const;
export type PatternToken = (typeof PATTERN_TOKENS)[number];

const KEYS = ['id', 'name_fr', 'folder', 'fileNamePattern', 'extension', 'charset', 'lineEnd', 'line13', 'line1', 'okFile'];
const CHARSETS = ['windows-1252', 'iso-8859-1', 'utf-8'];
const LINE_ENDS = ['crlf', 'lf', 'cr'];
const LINE13 = ['empty', 'space', 'none'];
const LINE1 = ['patient_code', 'result_title'];
/** Literal text allowed in a pattern: what every file system and practice software accepts. */
const LITERAL_OK = /^[A-Za-z0-9_\-. ]*$/;
const TOKEN_RX = /\{([^{}]*)\}/g;

/** Splits a pattern into literals and tokens; returns the problems found (in French), none when valid. */
export function patternProblems(pattern: string): string[] {
  const out: string[] = [];
  if (pattern.trim() === '') return ['Le modèle de nom de fichier est vide.'];
  if (pattern.length > 80) out.push('Le modèle de nom de fichier dépasse 80 caractères.');
  if (pattern.startsWith('.')) out.push('Le modèle de nom de fichier ne peut pas commencer par un point (fichier caché).');
  let counters = 0;
  const literal = pattern.replace(TOKEN_RX, (_m, name: string) => {
    const [tok, width, ...rest] = name.split(':');
    if (tok === 'compteur') {
      counters++;
      if (rest.length > 0 || (width !== undefined && !/^[1-9]$/.test(width)))
        out.push('Le jeton {compteur} accepte une largeur de 1 à 9 chiffres, par exemple {compteur:3}.');
    } else if (!(PATTERN_TOKENS as readonly string[]).includes(tok ?? '') || width !== undefined) {
      out.push(`Jeton inconnu « {${name}} » : utilisez {compteur}, {NOM}, {PRENOM}, {DDN}, {DATE} ou {EXPEDITEUR}.`);
    }
    return '';
  });
  if (/[{}]/.test(literal)) out.push('Accolade non fermée dans le modèle de nom de fichier.');
  else if (!LITERAL_OK.test(literal))
    out.push('Le modèle de nom de fichier ne peut contenir, hors jetons, que des lettres sans accent, chiffres, espaces, « - », « _ » et « . ».');
  if (counters > 1) out.push('Le jeton {compteur} ne peut apparaître qu’une fois.');
  return out;
}

/** Checks a profile read from JSON or from the settings screen; throws practice_profile_invalid in French. */
export function validateProfile(input: unknown, source = 'profil'): PracticeProfile {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PliError('practice_profile_invalid', `Le ${source} n’est pas un objet JSON : vérifiez le fichier.`, { source });
  }
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) problems.push(`Champ inconnu « ${k} ».`);
  const str = (k: string): string => {
    const v = o[k];
    if (typeof v !== 'string') {
      problems.push(`Le champ « ${k} » doit être un texte.`);
      return '';
    }
    return v;
  };
  const oneOf = <T extends string>(k: string, allowed: string[]): T => {
    const v = str(k);
    if (v !== '' && !allowed.includes(v)) problems.push(`Le champ « ${k} » doit valoir ${allowed.map((a) => `« ${a} »`).join(', ')}.`);
    return v as T;
  };
  const id = str('id');
  if (id !== '' && !/^[a-z0-9][a-z0-9-]{0,39}$/.test(id))
    problems.push('L’identifiant doit compter 1 à 40 caractères : lettres minuscules, chiffres ou tirets.');
  const name_fr = str('name_fr').trim();
  if (name_fr === '' || name_fr.length > 80) problems.push('Le nom du profil doit compter 1 à 80 caractères.');
  const folder = str('folder');
  if (folder !== '' && !isAbsolute(folder) && !win32.isAbsolute(folder))
    problems.push('Le dossier de dépôt doit être un chemin absolu (par exemple C:\\Medical\\Import ou /srv/import).');
  const fileNamePattern = str('fileNamePattern');
  if (typeof o.fileNamePattern === 'string') problems.push(...patternProblems(fileNamePattern));
  const extension = str('extension').replace(/^\./, '');
  if (typeof o.extension === 'string' && !/^[A-Za-z0-9]{1,10}$/.test(extension))
    problems.push('L’extension doit compter 1 à 10 lettres ou chiffres, sans point (par exemple « txt » ou « hpr »).');
  else if (extension.toLowerCase() === 'ok') problems.push('L’extension « ok » est réservée aux fichiers témoins.');
  const charset = oneOf<PracticeProfile['charset']>('charset', CHARSETS);
  const lineEnd = oneOf<PracticeProfile['lineEnd']>('lineEnd', LINE_ENDS);
  const line13 = oneOf<PracticeProfile['line13']>('line13', LINE13);
  const line1 = oneOf<PracticeProfile['line1']>('line1', LINE1);
  if (typeof o.okFile !== 'boolean') problems.push('Le champ « okFile » doit valoir true ou false.');
  if (problems.length > 0) {
    throw new PliError('practice_profile_invalid', `Le ${source} est invalide : ${problems.join(' ')}`, { source, problems });
  }
  return { id, name_fr, folder, fileNamePattern, extension, charset, lineEnd, line13, line1, okFile: o.okFile === true };
}

/** Loads every `*.json` profile of a folder (the shipped ones live in resources/practice-profiles). */
export function loadProfiles(dir: string): PracticeProfile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.json')).sort();
  } catch (e) {
    throw new PliError('practice_profiles_unreadable', 'Le dossier des profils de logiciels métier est illisible : réinstallez Pli.', { dir }, { cause: e });
  }
  const seen = new Set<string>();
  return names.map((n) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, n), 'utf8'));
    } catch (e) {
      throw new PliError('practice_profile_invalid', `Le profil « ${n} » n’est pas un JSON lisible : corrigez ou supprimez ce fichier.`, { file: n }, { cause: e });
    }
    const p = validateProfile(raw, `profil « ${n} »`);
    if (seen.has(p.id)) throw new PliError('practice_profile_invalid', `Deux profils portent l’identifiant « ${p.id} » : renommez l’un d’eux.`, { file: n });
    seen.add(p.id);
    return p;
  });
}

/** A profile ready for export: its folder must be chosen. */
export function assertExportable(p: PracticeProfile): void {
  if (p.folder === '')
    throw new PliError('practice_folder_unset', `Choisissez le dossier d’import du logiciel métier dans le profil « ${p.name_fr} ».`, { profileId: p.id });
}
