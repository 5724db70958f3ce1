/**
 * CSV as practice software and spreadsheets write it: `;` (French Excel), `,`, tab or `|`; UTF-8 with or
 * without BOM, UTF-16 (Excel « texte Unicode ») or Windows-1252; quoted fields holding delimiters, quotes
 * and line breaks; CRLF, LF or CR line ends.
 */
import { cp1252 } from '../charset';

export type CsvCharset = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type CsvDelimiter = ';' | ',' | '\t' | '|';

const DELIMITERS: CsvDelimiter[] = [';', ',', '\t', '|'];

/**
 * Decodes bytes, detecting the charset: a BOM decides; otherwise strict UTF-8 when the bytes are valid
 * UTF-8, else Windows-1252 (decoded with Pli's own table: Node's TextDecoder treats windows-1252 as
 * Latin-1 and would turn « ’ » and « € » into control characters).
 */
export function decodeText(bytes: Uint8Array): { text: string; charset: CsvCharset } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), charset: 'utf-8-bom' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), charset: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), charset: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), charset: 'utf-8' };
  } catch {
    return { text: cp1252.decode(bytes), charset: 'windows-1252' };
  }
}

/** Splits CSV text into rows of fields (RFC 4180 quoting, any line end). */
export function parseCsv(text: string, delimiter: CsvDelimiter): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  // Length of a quoted field's value when its closing quote was met: stray spaces after it are dropped.
  let closedAt = 0;
  const n = text.length;
  const dc = delimiter.charCodeAt(0);
  const endField = () => {
    row.push(wasQuoted ? field.slice(0, closedAt) + field.slice(closedAt).trim() : field.trim());
    field = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endField();
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        closedAt = field.length;
        i++;
        continue;
      }
      // Copy the run up to the next quote in one slice.
      const q = text.indexOf('"', i);
      const end = q < 0 ? n : q;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === 34 && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
      i++;
    } else if (c === dc) {
      endField();
      i++;
    } else if (c === 10 || c === 13) {
      endRow();
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    } else {
      // Plain run up to the next special character.
      let j = i + 1;
      while (j < n) {
        const x = text.charCodeAt(j);
        if (x === dc || x === 10 || x === 13 || x === 34) break;
        j++;
      }
      field += text.slice(i, j);
      i = j;
    }
  }
  if (field !== '' || wasQuoted || row.length > 0) endRow();
  return rows;
}

/** Counts a delimiter per line over the first lines, outside quotes. */
function countsPerLine(sample: string, d: string): number[] {
  const counts: number[] = [];
  let quoted = false;
  let c = 0;
  for (let i = 0; i < sample.length; i++) {
    const ch = sample[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === d) c++;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (ch === '\r' && sample[i + 1] === '\n') i++;
      counts.push(c);
      c = 0;
    }
  }
  if (c > 0) counts.push(c);
  return counts;
}

/**
 * The delimiter that splits the first lines most consistently: the same non-zero count on most lines
 * wins; more columns break ties, then the order ; , tab |.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const sample = text.slice(0, 64 * 1024);
  let best: { d: CsvDelimiter; consistency: number; cols: number } | undefined;
  for (const d of DELIMITERS) {
    const counts = countsPerLine(sample, d).slice(0, 50);
    if (counts.length === 0) continue;
    const header = counts[0]!;
    if (header === 0) continue;
    const consistency = counts.filter((c) => c === header).length / counts.length;
    if (!best || consistency > best.consistency + 1e-9 || (Math.abs(consistency - best.consistency) < 1e-9 && header > best.cols)) {
      best = { d, consistency, cols: header };
    }
  }
  return best?.d ?? ';';
}

/** One field for writing: always quoted; a leading = + - @ is defused so spreadsheets do not run it. */
export function csvField(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v) && !/^[+-]?[\d\s.,]+$/.test(v)) v = `'${v}`;
  return `"${v.replace(/"/g, '""')}"`;
}

/** A CSV file for French spreadsheets: `;`, CRLF, every field quoted, UTF-8 with BOM. */
export function writeCsv(rows: readonly (readonly string[])[]): Uint8Array {
  const text = rows.map((r) => r.map(csvField).join(';')).join('\r\n') + '\r\n';
  const body = new TextEncoder().encode(text);
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}
