/** Entry point of the HPRIM readers: bytes or text in, an HprimFile out, never an exception. */
import { decodeHprimBytes, detectLineEnd } from './charset';
import { markerOf, parseMedecinsLines } from './medecins';
import { isSanteHeader, parseSanteLines } from './sante';
import type { HprimCharset, HprimFile, LineEnd } from './types';

export interface ParseOptions {
  /** Two-digit birth years up to this value are 20xx (default: the current year). */
  pivot?: number;
  /**
   * Only the patient, dates, references and results are wanted (the receive pipeline, which keeps the
   * letter's text itself): HPRIM Médecins documents' `raw` and `text` are left empty, not rebuilt from
   * the lines (two copies of a long letter).
   */
  fieldsOnly?: boolean;
}

const LINE_SPLIT = /\r\n|\r|\n/;

function parseText(text: string, charset: HprimCharset, lineEnd: LineEnd, options: ParseOptions): HprimFile {
  // A stray BOM left in decoded text (e.g. a string handed over as-is) is not content.
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Splitting on one known character is much faster than on the alternation (long letters).
  const lines = lineEnd === 'lf' ? t.split('\n') : lineEnd === 'crlf' ? t.split('\r\n') : t.split(LINE_SPLIT);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const firstIdx = lines.findIndex((l) => l.trim() !== '');
  if (firstIdx < 0) {
    return { kind: 'unknown', documents: [], charset, lineEnd, problems: ['Fichier vide.'] };
  }
  if (isSanteHeader(lines[firstIdx]!)) {
    const r = parseSanteLines(lines);
    const file: HprimFile = { kind: 'sante', documents: r.documents, charset, lineEnd, problems: r.problems };
    if (r.version !== undefined) file.version = r.version;
    return file;
  }
  const r = parseMedecinsLines(lines, options.pivot, options.fieldsOnly);
  const hasMarker = lines.some((l) => markerOf(l) !== undefined);
  const kind = hasMarker || r.documents.some((d) => d.patient.birthDate !== '' || d.documentDate !== undefined) ? 'medecins' : 'unknown';
  if (kind === 'unknown') {
    // No header to trust: show every line as text so nothing the sender wrote is hidden.
    for (const d of r.documents) d.text = d.raw;
    return { kind, documents: r.documents, charset, lineEnd, problems: ['Format non reconnu : ni en-tête HPRIM ni marqueur ****FIN****.', ...r.problems] };
  }
  return { kind, documents: r.documents, charset, lineEnd, problems: r.problems };
}

/** Parses an HPRIM Médecins or HPRIM Santé file. Never throws: anomalies go to `problems`/`reason_fr`. */
export function parseHprim(input: Uint8Array | string, options: ParseOptions = {}): HprimFile {
  try {
    if (typeof input === 'string') return parseText(input, 'utf-8', detectLineEnd(input), options);
    const dec = decodeHprimBytes(input);
    return parseText(dec.text, dec.charset, dec.lineEnd, options);
  } catch {
    // Defensive: the readers are written not to throw; if one ever does, the caller still gets a result.
    const text = typeof input === 'string' ? input : new TextDecoder('latin1').decode(input);
    return {
      kind: 'unknown',
      documents: [],
      charset: typeof input === 'string' ? 'utf-8' : 'windows-1252',
      lineEnd: 'none',
      problems: [`Lecture impossible (erreur interne) ; ${text.length} caractères conservés dans l’archive.`],
    };
  }
}
