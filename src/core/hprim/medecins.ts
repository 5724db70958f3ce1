/**
 * HPRIM Médecins reader (spec §1): 12 or 13 header lines, free text, optional ****LAB**** block with
 * TEX/RES lines, ****FIN**** per document, ****FINFICHIER**** at the end (each optional on read).
 */
import { parseDate, parseNir } from '../patient';
import { decodeHtmlText } from './html-text';
import { parseResLine } from './lab';
import type { HprimDocument, HprimParty, HprimPatient, LabResult } from './types';

type Marker = 'LAB' | 'FIN' | 'FINFICHIER';

/** `****FIN****`, `**** FIN ****`, `****fin fichier****`, trailing spaces...: markers with stray spaces. */
export function markerOf(line: string): Marker | undefined {
  if (line.length < 7 || line.length > 40) return undefined;
  const c0 = line.charCodeAt(0);
  if (c0 !== 42 && c0 !== 32 && c0 !== 9) return undefined; // fast path: must start with '*' or blank
  const s = line.replace(/\s+/g, '').toUpperCase();
  const m = /^\*{2,}(LAB|FIN|FINFICHIER)\*{2,}$/.exec(s);
  return m ? (m[1] as Marker) : undefined;
}

const looksDate = (s: string | undefined): boolean => s !== undefined && s.length <= 12 && parseDate(s, { pivot: 99 }) !== undefined;

function opt(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return t === '' ? undefined : t;
}

/** Lines 11/12: a 10-character code field, a space, then the name (or APICRYPT identifier). */
export function parseParty(line: string | undefined): HprimParty {
  const l = line ?? '';
  // Judged on the line as written: trailing padding matters when the name is empty (`CODE      ` + ' ').
  if (l.length >= 11 && l[10] === ' ') {
    const codePart = l.slice(0, 10).trim();
    if (!/\s/.test(codePart)) {
      const name = l.slice(11).trim();
      return codePart === '' ? { name } : { code: codePart, name };
    }
  }
  return { name: l.trim() };
}

function parsePatient(h: Array<string | undefined>, pivot: number | undefined): HprimPatient {
  const birthDateRaw = (h[6] ?? '').trim();
  const p: HprimPatient = {
    surname: (h[1] ?? '').trim(),
    firstName: (h[2] ?? '').trim(),
    birthDate: parseDate(birthDateRaw, pivot === undefined ? {} : { pivot }) ?? '',
    birthDateRaw,
  };
  const code = opt(h[0]);
  if (code !== undefined) p.code = code;
  const a1 = opt(h[3]);
  if (a1 !== undefined) p.address1 = a1;
  const a2 = opt(h[4]);
  if (a2 !== undefined) p.address2 = a2;
  const pc = opt(h[5]);
  if (pc !== undefined) p.postcodeCity = pc.replace(/\s+/g, ' ');
  const nirRaw = opt(h[7]);
  if (nirRaw !== undefined) {
    const nir = parseNir(nirRaw);
    if (nir) {
      p.nir = nir.body + (nir.key ?? '');
      if (nir.valid !== undefined) p.nirValid = nir.valid;
      if (nir.sex) p.sex = nir.sex;
    } else {
      p.nir = nirRaw;
      p.nirValid = false;
    }
  }
  return p;
}

export interface MedecinsResult {
  documents: HprimDocument[];
  problems: string[];
}

/** Parses already-split lines. Never throws. */
/** `fieldsOnly`: documents' `raw` and `text` are left empty (see ParseOptions.fieldsOnly). */
export function parseMedecinsLines(lines: string[], pivot?: number, fieldsOnly = false): MedecinsResult {
  const documents: HprimDocument[] = [];
  const problems: string[] = [];
  let i = 0;
  const n = lines.length;
  let sawFinFichier = false;
  while (i < n) {
    // Between documents: skip blank lines only if the header then lines up (line 7 a date).
    let start = i;
    while (start < n && lines[start]!.trim() === '') start++;
    if (start >= n) break;
    if (markerOf(lines[start]!) === 'FINFICHIER') {
      sawFinFichier = true;
      if (lines.slice(start + 1).some((l) => l.trim() !== '')) problems.push('Texte après ****FINFICHIER**** ignoré.');
      break;
    }
    // Line 1 (patient code) may legitimately be empty: keep the blank line when that aligns the dates.
    const aligned = (x: number): boolean => looksDate(lines[x + 6]) || looksDate(lines[x + 9]);
    if (start !== i && !aligned(start)) {
      for (let x = start - 1; x >= i; x--) {
        if (aligned(x)) {
          start = x;
          break;
        }
      }
    }
    i = start;

    const header: Array<string | undefined> = [];
    let j = i;
    let cut: Marker | undefined;
    for (; j < n && header.length < 12; j++) {
      const mk = markerOf(lines[j]!);
      if (mk) {
        cut = mk;
        break;
      }
      header.push(lines[j]);
    }
    let headerLines: 12 | 13 = 12;
    if (header.length === 12 && j < n && !markerOf(lines[j]!) && lines[j]!.trim() === '') {
      headerLines = 13;
      j++;
    }
    const textLines: string[] = [];
    const labText: string[] = [];
    const lab: LabResult[] = [];
    let inLab = false;
    let sawLab = false;
    // A LAB marker inside the header only shortens the header; FIN/FINFICHIER end the document there.
    let end: Marker | undefined = cut === 'LAB' ? undefined : cut;
    if (end === undefined) {
      for (; j < n; j++) {
        const line = lines[j]!;
        const mk = markerOf(line);
        if (mk === 'LAB') {
          inLab = true;
          sawLab = true;
          continue;
        }
        if (mk === 'FIN' || mk === 'FINFICHIER') {
          end = mk;
          break;
        }
        if (!inLab) {
          textLines.push(line);
          continue;
        }
        const tag = line.slice(0, 4).toUpperCase();
        if (tag === 'RES|') {
          const r = parseResLine(line);
          if (r) lab.push(r);
          else problems.push(`Ligne RES sans libellé ignorée (document ${documents.length + 1}).`);
        } else if (tag === 'TEX|') labText.push(line.slice(4));
        else if (line.trim().toUpperCase() === 'TEX') labText.push('');
        else labText.push(line);
      }
    }
    const rawEnd = j;
    const raw = fieldsOnly ? '' : lines.slice(i, rawEnd).join('\n');
    if (end === 'FIN') j++;
    else if (end === 'FINFICHIER') {
      problems.push(`Document ${documents.length + 1} : ****FIN**** manquant avant ****FINFICHIER****.`);
    } else if (end === undefined) {
      problems.push(`Document ${documents.length + 1} : ****FIN**** manquant (fin de fichier).`);
    }

    const patient = parsePatient(header, pivot);
    const documentDateRaw = (header[9] ?? '').trim();
    const doc: HprimDocument = {
      patient,
      sender: parseParty(header[10]),
      recipient: parseParty(header[11]),
      text: '',
      lab,
      headerLines,
      valid: false,
      raw,
    };
    const ref = opt(header[8]);
    if (ref !== undefined) doc.reference = ref;
    if (documentDateRaw !== '') {
      doc.documentDateRaw = documentDateRaw;
      const d = parseDate(documentDateRaw, { pivot: 99 });
      if (d) doc.documentDate = d;
    }
    if (!fieldsOnly) {
      let text = textLines.join('\n');
      if (text.trim() === '' && labText.length > 0) text = labText.join('\n');
      // A header cut short leaves no body: show what was there rather than an empty letter.
      else if (header.length < 12 && text === '') text = header.join('\n');
      doc.text = decodeHtmlText(text);
    }
    if (sawLab || labText.length > 0) doc.labText = labText;

    const missing: string[] = [];
    if (header.length < 12) missing.push(`en-tête incomplet (${header.length} lignes sur 12)`);
    if (patient.surname === '') missing.push('nom du patient absent');
    if (patient.firstName === '') missing.push('prénom absent');
    if (patient.birthDateRaw === '') missing.push('date de naissance absente');
    else if (patient.birthDate === '') missing.push(`date de naissance illisible (ligne 7)`);
    doc.valid = header.length === 12 && patient.surname !== '' && patient.firstName !== '' && patient.birthDate !== '';
    if (missing.length > 0) {
      doc.reason_fr = `Document lu partiellement : ${missing.join(', ')}. Le texte est conservé tel quel.`;
    }
    documents.push(doc);
    if (end === 'FINFICHIER') {
      sawFinFichier = true;
      if (lines.slice(j + 1).some((l) => l.trim() !== '')) problems.push('Texte après ****FINFICHIER**** ignoré.');
      break;
    }
    if (j <= i) j = i + 1; // always advance
    i = j;
  }
  if (!sawFinFichier && documents.length > 0) problems.push('****FINFICHIER**** absent.');
  return { documents, problems };
}
