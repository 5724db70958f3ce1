/**
 * Some labs put HTML line breaks and entities in HPRIM text. Only `<br>` forms and well-formed entities
 * (named ones we know, &#NNN; and &#xHH;) are decoded, so a plain `&` or `<` in a letter stays as written.
 */
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', eacute: 'é', egrave: 'è', ecirc: 'ê',
  euml: 'ë', agrave: 'à', acirc: 'â', auml: 'ä', ccedil: 'ç', icirc: 'î', iuml: 'ï', ocirc: 'ô', ouml: 'ö',
  ugrave: 'ù', ucirc: 'û', uuml: 'ü', Eacute: 'É', Egrave: 'È', Ecirc: 'Ê', Agrave: 'À', Acirc: 'Â',
  Ccedil: 'Ç', Icirc: 'Î', Ocirc: 'Ô', Ucirc: 'Û', oelig: 'œ', OElig: 'Œ', aelig: 'æ', deg: '°', micro: 'µ',
  plusmn: '±', laquo: '«', raquo: '»', rsquo: '’', lsquo: '‘', ldquo: '“', rdquo: '”', euro: '€',
  ndash: '–', mdash: '—', hellip: '…', middot: '·', times: '×', le: '≤', ge: '≥', sup2: '²', sup3: '³',
};

const HTMLISH = /<br\s*\/?>|&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});/i;
const ENTITY = /&(?:([a-zA-Z]{2,8})|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g;

/** `<br>` and entities need a `<` or a `&`: two native scans spare most texts the regular expression. */
export function looksHtmlish(s: string): boolean {
  return (s.indexOf('<') >= 0 || s.indexOf('&') >= 0) && HTMLISH.test(s);
}

export function decodeHtmlText(s: string): string {
  if (!looksHtmlish(s)) return s;
  return s.replace(/<br\s*\/?>/gi, '\n').replace(ENTITY, (m, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return NAMED[name] ?? m;
    const cp = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}
