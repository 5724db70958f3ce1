/** Normalized patient identity, used to find the same patient across letters. */

/** Upper case, no accents, single spaces: 'Dupont-Lévêque ' -> 'DUPONT LEVEQUE'. */
export function foldName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}

/** The 13-character NIR (without its 2-digit key), or undefined when it does not look like one. */
export function normalizeNir(nir: string | undefined): string | undefined {
  if (!nir) return undefined;
  const s = nir.replace(/[\s.-]/g, '').toUpperCase();
  const m = /^([12378]\d{4}(?:\d{2}|2A|2B)\d{6})(\d{2})?$/.exec(s);
  return m ? m[1] : undefined;
}

export function nameKey(surname: string, firstName: string, birthDate: string | undefined): string {
  return `${foldName(surname)}|${foldName(firstName)}|${birthDate ?? ''}`;
}
