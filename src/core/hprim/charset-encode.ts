/**
 * Encoding for the writer: characters the target charset cannot hold are transliterated (œ->oe,
 * ’->', €->EUR...), accents stripped as a last resort, and '?' only when nothing else fits; every such
 * replacement is reported, never silent.
 */
import { cp1252EncodeTable, macRomanEncodeTable } from './charset-tables';
import type { WriterCharset } from './types';

const TRANSLIT: Record<string, string> = {
  œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss',
  '’': "'", '‘': "'", '‚': ',', '‛': "'", '′': "'", '“': '"', '”': '"', '„': '"', '″': '"', '«': '"', '»': '"',
  '‹': '<', '›': '>',
  '€': 'EUR', '–': '-', '—': '-', '‐': '-', '‑': '-', '−': '-', '…': '...', '•': '*', '·': '.', '™': '(TM)',
  '©': '(c)', '®': '(R)', '°': 'o', '±': '+/-', '×': 'x', '÷': '/', '≤': '<=', '≥': '>=', '≠': '!=',
  '½': '1/2', '¼': '1/4', '¾': '3/4', '\u00a0': ' ', '\u202f': ' ', '\u2009': ' ', '\u2007': ' ',
  '‰': 'o/oo', 'µ': 'u', 'ﬁ': 'fi', 'ﬂ': 'fl', Ÿ: 'Y', ÿ: 'y', '†': '+', '‡': '++', ƒ: 'f', ˆ: '^', '˜': '~',
  Š: 'S', š: 's', Ž: 'Z', ž: 'z', '\t': '    ',
};

type Encoder = (ch: string) => number | undefined;

const encoders: Record<Exclude<WriterCharset, 'utf-8' | 'utf-8-bom'>, Encoder> = {
  'windows-1252': (ch) => {
    const c = ch.charCodeAt(0);
    if (c < 0x80) return c;
    return ch.length === 1 ? cp1252EncodeTable().get(ch) : undefined;
  },
  'iso-8859-1': (ch) => {
    const c = ch.charCodeAt(0);
    return ch.length === 1 && (c < 0x80 || (c >= 0xa0 && c <= 0xff)) ? c : undefined;
  },
  'mac-roman': (ch) => {
    const c = ch.charCodeAt(0);
    if (c < 0x80) return c;
    return macRomanEncodeTable().get(ch);
  },
};

export interface EncodeResult {
  bytes: Uint8Array;
  /** Characters that were transliterated or replaced, once each, in order of appearance. */
  replaced: string[];
}

export function encodeText(text: string, charset: WriterCharset): EncodeResult {
  if (charset === 'utf-8' || charset === 'utf-8-bom') {
    const body = new TextEncoder().encode(text);
    if (charset === 'utf-8') return { bytes: body, replaced: [] };
    const out = new Uint8Array(body.length + 3);
    out.set([0xef, 0xbb, 0xbf]);
    out.set(body, 3);
    return { bytes: out, replaced: [] };
  }
  const enc = encoders[charset];
  const out: number[] = [];
  const replaced = new Set<string>();
  const put = (s: string): boolean => {
    const codes: number[] = [];
    for (const ch of s) {
      const b = enc(ch);
      if (b === undefined) return false;
      codes.push(b);
    }
    out.push(...codes);
    return true;
  };
  for (const ch of text) {
    const b = enc(ch);
    if (b !== undefined) {
      out.push(b);
      continue;
    }
    replaced.add(ch);
    const t = TRANSLIT[ch];
    if (t !== undefined && put(t)) continue;
    const stripped = ch.normalize('NFKD').replace(/\p{M}+/gu, '');
    if (stripped !== ch && stripped.length > 0 && put(stripped)) continue;
    out.push(0x3f); // '?': visible, and reported in `replaced`
  }
  return { bytes: Uint8Array.from(out), replaced: [...replaced] };
}
