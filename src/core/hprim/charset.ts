/**
 * Reading HPRIM bytes whose charset nothing declares (spec §3): BOM sniff, then strict UTF-8, then a
 * choice between Windows-1252 and Mac OS Roman by plausibility, then a Mac Roman mojibake repair pass.
 *
 * Node's TextDecoder('windows-1252') decodes as Latin-1 (0x80-0x9F stay C1 controls), so the 0x80-0x9F
 * range is mapped here from our own table; Mac Roman is fully table-driven.
 */
import { isUtf8 } from 'node:buffer';
import { CP1252_C1, macRomanDecodeTable } from './charset-tables';
import type { HprimCharset, LineEnd } from './types';

export interface DecodedHprim {
  text: string;
  charset: HprimCharset;
  lineEnd: LineEnd;
}

const utf16le = new TextDecoder('utf-16le', { ignoreBOM: true });

// Buffer's native slices are several times faster than TextDecoder on small files (bench: hprim).
const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const latin1 = { decode: (b: Uint8Array): string => asBuffer(b).toString('latin1') };
/** Strict UTF-8: undefined when the bytes are not valid UTF-8 (no exception on the common path). */
function decodeUtf8Strict(b: Uint8Array): string | undefined {
  return isUtf8(b) ? asBuffer(b).toString('utf8') : undefined;
}

export function decodeWindows1252(bytes: Uint8Array): string {
  const s = latin1.decode(bytes);
  return /[\u0080-\u009f]/.test(s) ? s.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80] ?? c) : s;
}

export function decodeMacRoman(bytes: Uint8Array): string {
  const table = macRomanDecodeTable();
  const s = latin1.decode(bytes);
  return s.replace(/[\u0080-\u00ff]/g, (c) => table[c.charCodeAt(0) - 0x80] ?? c);
}

function decodeUtf16be(bytes: Uint8Array): string {
  const swapped = new Uint8Array(bytes.length - (bytes.length % 2));
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    swapped[i] = bytes[i + 1]!;
    swapped[i + 1] = bytes[i]!;
  }
  return utf16le.decode(swapped);
}

/** UTF-16LE without BOM: most odd bytes are zero (Latin text), few even ones are. */
function looksUtf16le(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return false;
  // Quick reject: UTF-16LE text starting with Latin letters has zero high bytes at the start.
  if (bytes[1] !== 0 && bytes[3] !== 0) return false;
  const n = Math.min(bytes.length, 4096);
  let oddZero = 0;
  let evenZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  return oddZero > pairs * 0.6 && evenZero < pairs * 0.1;
}

// Plausibility of a French text: lower-case French accented letters are good signs; characters that
// only appear when the wrong 8-bit table was used (C1 controls, Ž ˆ ™ ∂ ∞ ...) are bad signs, and so is
// an upper-case accented letter right after a lower-case one (`traitÈ`).
const GOOD = /[àâäçéèêëîïôöùûüÿœæ]/g;
const GOOD_CHARS = 'àâäçéèêëîïôöùûüÿœæ';
const BAD_CHARS = 'ŽˆŠšžŸ‰™ƒ†‡•¤¦¨¯´¸ª∂∑∏π∫Ω√≈∆◊ı˘˙˚˝˛ˇ∞≠≤≥\uf8ff';
const UPPER_CHARS = 'ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜÁÍÓÚ';

/** Per high byte: +1 good, -2 bad, 'U' upper-case accented (bad after a lower-case letter), 0 neutral. */
function scoreTable(decode: (b: number) => string): Array<number | 'U'> {
  const t: Array<number | 'U'> = [];
  for (let b = 0x80; b <= 0xff; b++) {
    const c = decode(b);
    const code = c.charCodeAt(0);
    t.push(GOOD_CHARS.includes(c) ? 1 : BAD_CHARS.includes(c) || (code >= 0x80 && code <= 0x9f) ? -2 : UPPER_CHARS.includes(c) ? 'U' : 0);
  }
  return t;
}
let tables: { cp: Array<number | 'U'>; mac: Array<number | 'U'> } | undefined;

/** Plausibility of the bytes read as Windows-1252 and as Mac Roman, in one pass without decoding. */
function plausibilities(bytes: Uint8Array): { cp: number; mac: number } {
  tables ??= {
    cp: scoreTable((b) => (b < 0xa0 ? CP1252_C1[b - 0x80]! : String.fromCharCode(b))),
    mac: scoreTable((b) => macRomanDecodeTable()[b - 0x80]!),
  };
  const { cp: tc, mac: tm } = tables;
  let cp = 0;
  let mac = 0;
  let lowerCp = false;
  let lowerMac = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) {
      lowerCp = lowerMac = b >= 0x61 && b <= 0x7a;
      continue;
    }
    const sc = tc[b - 0x80]!;
    const sm = tm[b - 0x80]!;
    cp += sc === 'U' ? (lowerCp ? -2 : 0) : sc;
    mac += sm === 'U' ? (lowerMac ? -2 : 0) : sm;
    lowerCp = sc === 1;
    lowerMac = sm === 1;
  }
  return { cp, mac };
}

/**
 * Mac Roman repair. Text once written in Windows-1252, read as Mac Roman and saved again shows fixed
 * look-alikes: é->È, è->Ë, ê->Í, ë->Î, à->‡, â->Â, î->Ó, ï->Ô, ô->Ù, ù->˘, û->˚, ü->¸, ç->Á, É->…, ’->í.
 * Heuristic (applied only when it clearly improves the text):
 * - a strong hit is a look-alike right after a lower-case letter (`traitÈ`), `‡` anywhere, or `…` between
 *   two letters (`R…SULTAT`);
 * - a weak hit is a look-alike starting a word followed by a lower-case letter (`Ècole`), since genuine
 *   capitals do that too (`Ève`, `Île`);
 * - we repair only when strong hits outnumber genuine lower-case accented letters, then fix strong and
 *   weak hits (never other upper-case letters, which stay as written).
 */
const REPAIR: Record<string, string> = {
  È: 'é', Ë: 'è', Í: 'ê', Î: 'ë', '‡': 'à', Â: 'â', Ó: 'î', Ô: 'ï', Ù: 'ô', '˘': 'ù', '˚': 'û', '¸': 'ü', Á: 'ç',
};
const LOOKALIKE = 'ÈËÍÎ‡ÂÓÔÙ˘˚¸Á';
const STRONG = new RegExp(`(?<=[a-zàâçéèêëîïôùûü])[${LOOKALIKE}]|‡|(?<=\\p{L})…(?=\\p{L})`, 'gu');
const WEAK = new RegExp(`(?<![\\p{L}])[${LOOKALIKE}](?=[a-z])`, 'gu');

const ANY_LOOKALIKE = /[ÈËÍÎ‡ÂÓÔÙ˘˚¸Á…]/;

export function repairMacRomanMojibake(text: string): string | undefined {
  if (!ANY_LOOKALIKE.test(text)) return undefined;
  const strong = text.match(STRONG)?.length ?? 0;
  if (strong === 0) return undefined;
  const genuine = text.match(GOOD)?.length ?? 0;
  if (strong <= genuine) return undefined;
  return text
    .replace(STRONG, (c) => (c === '…' ? 'É' : (REPAIR[c] ?? c)))
    .replace(WEAK, (c) => REPAIR[c] ?? c);
}

export function detectLineEnd(text: string): LineEnd {
  // Most texts have no CR at all (the APICRYPT wire filter turns CR into LF): two native scans.
  if (text.indexOf('\r') < 0) return text.indexOf('\n') < 0 ? 'none' : 'lf';
  let crlf = 0;
  let cr = 0;
  let lf = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        crlf++;
        i++;
      } else cr++;
    } else if (c === 10) lf++;
  }
  const kinds = (crlf > 0 ? 1 : 0) + (cr > 0 ? 1 : 0) + (lf > 0 ? 1 : 0);
  if (kinds === 0) return 'none';
  if (kinds > 1) return 'mixed';
  return crlf > 0 ? 'crlf' : cr > 0 ? 'cr' : 'lf';
}

/** Decodes HPRIM bytes (any charset of spec §3). Never throws. */
export function decodeHprimBytes(bytes: Uint8Array): DecodedHprim {
  let text: string;
  let charset: HprimCharset;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const body = bytes.subarray(3);
    const utf8 = decodeUtf8Strict(body);
    if (utf8 !== undefined) {
      text = utf8;
      charset = 'utf-8-bom';
    } else {
      // A BOM followed by invalid UTF-8: keep what can be read.
      text = decodeWindows1252(body);
      charset = 'windows-1252';
    }
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    text = utf16le.decode(bytes.subarray(2));
    charset = 'utf-16le-bom';
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    text = decodeUtf16be(bytes.subarray(2));
    charset = 'utf-16be-bom';
  } else if (looksUtf16le(bytes)) {
    text = utf16le.decode(bytes);
    charset = 'utf-16le';
  } else {
    const utf8 = decodeUtf8Strict(bytes);
    if (utf8 !== undefined) {
      text = utf8;
      charset = /[\u0080-\u{10ffff}]/u.test(utf8) ? 'utf-8' : 'ascii';
    } else {
      const p = plausibilities(bytes);
      if (p.mac > p.cp) {
        text = decodeMacRoman(bytes);
        charset = 'mac-roman';
      } else {
        text = decodeWindows1252(bytes);
        charset = 'windows-1252';
      }
    }
  }
  if (charset !== 'ascii' && charset !== 'mac-roman') {
    const repaired = repairMacRomanMojibake(text);
    if (repaired !== undefined) {
      text = repaired;
      charset = 'mac-roman-repaired';
    }
  }
  return { text, charset, lineEnd: detectLineEnd(text) };
}
