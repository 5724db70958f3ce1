import type { PracticeProfile } from './profile';

/** Values for the pattern tokens; dates may be JJ/MM/AAAA or AAAA-MM-JJ and are written AAAAMMJJ. */
export interface FileNameTokens {
  NOM?: string;
  PRENOM?: string;
  DDN?: string;
  DATE?: string;
  EXPEDITEUR?: string;
}

const SPECIAL: Record<string, string> = {
  œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L', þ: 'th', Þ: 'TH',
  '’': "'", '‘': "'", '€': 'EUR',
};
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const TOKEN_VALUE_MAX = 32;
const BASE_MAX = 120;

/** Accents and ligatures to plain ASCII (é -> e, œ -> oe); what is left outside ASCII becomes "_". */
export function transliterate(s: string): string {
  return s
    .replace(/[œŒæÆßøØđĐłŁþÞ’‘€]/g, (c) => SPECIAL[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '_');
}

/** A token value safe inside a file name: ASCII letters, digits, "-" and "_" only. */
export function safeTokenValue(s: string): string {
  return transliterate(s)
    .replace(/[^A-Za-z0-9-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, TOKEN_VALUE_MAX);
}

/** JJ/MM/AAAA, JJ/MM/AA or AAAA-MM-JJ -> AAAAMMJJ; anything else is sanitised as text. */
export function dateToken(s: string): string {
  const fr = /^\s*(\d{2})\/(\d{2})\/(\d{4})\s*$/.exec(s);
  if (fr) return `${fr[3]}${fr[2]}${fr[1]}`;
  const iso = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (iso) return `${iso[1]}${iso[2]}${iso[3]}`;
  return safeTokenValue(s);
}

function today(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}`;
}

/**
 * The last safety net on a whole base name: no separators or reserved characters, no leading dot
 * (readers skip hidden files, and so would we), no trailing dot or space (Windows drops them), no
 * reserved device name (CON, NUL, COM1...), at most BASE_MAX characters.
 */
export function sanitizeBaseName(base: string): string {
  let s = transliterate(base)
    .replace(/[<>:"/\\|?*]+/g, '_') // controls are already "_" (transliterate)
    .replace(/_{2,}/g, '_')
    .replace(/^[.\s_]+|[.\s]+$/g, '');
  if (s.length > BASE_MAX) s = s.slice(0, BASE_MAX).replace(/[.\s]+$/g, '');
  if (s === '') s = 'document';
  if (WINDOWS_RESERVED.test(s.split('.')[0] ?? '')) s = `_${s}`;
  return s;
}

/** Renders the pattern; `counter` fills {compteur}. Long token values are shortened, never the counter. */
export function renderBaseName(pattern: string, tokens: FileNameTokens, counter: number, now = new Date()): string {
  const values: Record<string, string> = {
    NOM: safeTokenValue(tokens.NOM ?? ''),
    PRENOM: safeTokenValue(tokens.PRENOM ?? ''),
    DDN: tokens.DDN ? dateToken(tokens.DDN) : '',
    DATE: tokens.DATE ? dateToken(tokens.DATE) : today(now),
    EXPEDITEUR: safeTokenValue(tokens.EXPEDITEUR ?? ''),
  };
  const render = () =>
    pattern.replace(/\{([^{}]*)\}/g, (_m, name: string) => {
      const [tok, width] = name.split(':');
      if (tok === 'compteur') return String(counter).padStart(Number(width ?? '1'), '0');
      return values[tok ?? ''] ?? '';
    });
  let out = render();
  // Shorten the longest token value until the name fits: literals and counter always survive.
  while (out.length > BASE_MAX) {
    const longest = Object.keys(values).sort((a, b) => values[b]!.length - values[a]!.length)[0]!;
    if (values[longest]!.length === 0) break;
    values[longest] = values[longest]!.slice(0, -1);
    out = render();
  }
  // Empty tokens leave doubled or dangling separators: "__" or "_-" become one.
  out = out.replace(/([_\- ])[_\- ]+/g, '$1').replace(/^[_\- ]+|[_\- ]+$/g, '');
  return sanitizeBaseName(out);
}

export function hasCounter(pattern: string): boolean {
  return /\{compteur(:\d)?\}/.test(pattern);
}

/** Highest {compteur} value among names that match the profile's pattern and extension (0 when none). */
export function highestCounter(profile: Pick<PracticeProfile, 'fileNamePattern' | 'extension'>, names: Iterable<string>): number {
  if (!hasCounter(profile.fileNamePattern)) return 0;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let src = '';
  let last = 0;
  for (const m of profile.fileNamePattern.matchAll(/\{([^{}]*)\}/g)) {
    src += esc(profile.fileNamePattern.slice(last, m.index)).replace(/ /g, '[ _]?');
    src += (m[1] ?? '').startsWith('compteur') ? '(\\d+)' : '.*?';
    last = m.index + m[0].length;
  }
  src += esc(profile.fileNamePattern.slice(last));
  const rx = new RegExp(`^${src}(?:-\\d+)?\\.${esc(profile.extension)}$`, 'i');
  let max = 0;
  for (const n of names) {
    const m = rx.exec(n);
    if (m?.[1]) {
      const v = Number(m[1]);
      if (Number.isSafeInteger(v) && v > max) max = v;
    }
  }
  return max;
}
