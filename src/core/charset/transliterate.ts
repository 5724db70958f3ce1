/**
 * Fallbacks for characters a legacy charset cannot carry: a few common typographic signs by table,
 * then letters with diacritics reduced to their base letter. Returns undefined when nothing fits, so
 * that the caller raises a typed error instead of silently dropping the character.
 */
const TABLE: Record<string, string> = {
  '\u2009': ' ', '\u200a': ' ', '\u202f': ' ', '\u2007': ' ', '\u2002': ' ', '\u2003': ' ', '\u2005': ' ', '\u3000': ' ',
  '\u200b': '', '\u2060': '', '\ufeff': '', '\u00ad': '-',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2015': '-', '\u2212': '-', '\u2043': '-',
  '\u2032': "'", '\u2033': '"', '\u201b': "'", '\u201f': '"', '\u00b4': "'",
  '\u2264': '<=', '\u2265': '>=', '\u2260': '!=', '\u2248': '~', '\u221e': 'infini',
  '\u2192': '->', '\u2190': '<-', '\u2194': '<->', '\u21d2': '=>', '\u2191': '^', '\u2193': 'v',
  '\u2713': 'v', '\u2714': 'v', '\u2717': 'x', '\u2718': 'x', '\u25cf': '*', '\u25aa': '*', '\u25e6': 'o', '\u2023': '>',
  '\u00b5': 'u', '\u03bc': 'u', '\u2126': 'Ohm', '\u03a9': 'Ohm', '\u2030': '0/00', '\u2116': 'No',
  '\u0131': 'i', '\u0141': 'L', '\u0142': 'l', '\u0110': 'D', '\u0111': 'd', '\u0126': 'H', '\u0127': 'h',
  '\u0152': 'OE', '\u0153': 'oe', '\u00c6': 'AE', '\u00e6': 'ae', '\u00df': 'ss', '\ufb01': 'fi', '\ufb02': 'fl',
  '\u2026': '...', '\u2022': '*', '\u00ab': '"', '\u00bb': '"', '\u201c': '"', '\u201d': '"', '\u201e': '"',
  '\u2018': "'", '\u2019': "'", '\u201a': ',', '\u2039': '<', '\u203a': '>', '\u2013': '-', '\u2014': '-',
  '\u20ac': 'EUR', '\u2122': '(TM)', '\u00a9': '(c)', '\u00ae': '(R)', '\u00a0': ' ',
};

/**
 * Candidates for one character, best first; `fits` tells whether a candidate string is encodable.
 * Only the table and NFD decomposition are tried: never a guess.
 */
export function transliterate(ch: string, fits: (s: string) => boolean): string | undefined {
  const t = TABLE[ch];
  if (t !== undefined && fits(t)) return t;
  const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (base !== ch && base.length > 0 && fits(base)) return base;
  const compat = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  if (compat !== ch && compat.length > 0 && fits(compat)) return compat;
  return undefined;
}
