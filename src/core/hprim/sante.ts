/**
 * HPRIM Santé reader (spec §2), read-only. Delimiters come from the H record: the five characters after
 * `H` are field, component, repetition, escape, sub-component (`H|~^\&` means `~` separates COMPONENTS,
 * the reverse of HL7 v2). A records continue the previous record verbatim. One document per P record.
 */
import { parseHprimSanteDate, parseNir } from '../patient';
import { finishResult } from './lab';
import type { HprimDocument, HprimParty, LabResult } from './types';

export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

/** True when the first meaningful line is an HPRIM Santé H record. */
export function isSanteHeader(line: string): boolean {
  // `H` + field delimiter + 1 to 4 more delimiters + field delimiter: a surname such as `H-` on line 2
  // of an HPRIM Médecins file (line 1 empty) must not pass.
  return /^H([^A-Za-z0-9\s])[^A-Za-z0-9\s]{1,4}\1/.test(line);
}

export function delimitersOf(hLine: string): Delimiters {
  const field = hLine[1] ?? '|';
  const pick = (i: number, dflt: string): string => {
    const c = hLine[i];
    return c === undefined || c === field || /[A-Za-z0-9\s]/.test(c) ? dflt : c;
  };
  // Stop at the first field delimiter: `H|~^|...` declares only two.
  const decl = hLine.slice(2).split(field)[0] ?? '';
  return {
    field,
    component: decl.length > 0 ? pick(2, '~') : '~',
    repetition: decl.length > 1 ? pick(3, '^') : '^',
    escape: decl.length > 2 ? pick(4, '\\') : '\\',
    subcomponent: decl.length > 3 ? pick(5, '&') : '&',
  };
}

interface Rec {
  type: string;
  fields: string[];
  raw: string;
}

export interface SanteResult {
  version?: string;
  documents: HprimDocument[];
  problems: string[];
}

function unescape(s: string, d: Delimiters): string {
  if (!s.includes(d.escape)) return s;
  const e = d.escape;
  const map: Record<string, string> = { F: d.field, S: d.component, R: d.repetition, E: d.escape, T: d.subcomponent };
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === e && s[i + 2] === e && map[s[i + 1]!] !== undefined) {
      out += map[s[i + 1]!];
      i += 2;
    } else out += c;
  }
  return out;
}

function opt(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return t === '' ? undefined : t;
}

const NUM = '[+-]?\\d+(?:[.,]\\d+)?';
const RANGE = new RegExp(`^(${NUM})\\s*(?:-|–|à|a)\\s*(${NUM})$`);

function parseNormals(raw: string | undefined, d: Delimiters): { low?: string; high?: string } {
  const s = opt(raw);
  if (s === undefined) return {};
  if (s.includes(d.component)) {
    const [lo, hi] = s.split(d.component);
    const out: { low?: string; high?: string } = {};
    const l = opt(lo);
    const h = opt(hi);
    if (l !== undefined) out.low = l;
    if (h !== undefined) out.high = h;
    return out;
  }
  const m = RANGE.exec(s);
  if (m) return { low: m[1]!, high: m[2]! };
  const lt = /^<=?\s*(.+)$/.exec(s);
  if (lt) return { high: lt[1]!.trim() };
  const gt = /^>=?\s*(.+)$/.exec(s);
  if (gt) return { low: gt[1]!.trim() };
  return { low: s };
}

/** Parses already-split lines whose first meaningful line is an H record. Never throws. */
export function parseSanteLines(lines: string[]): SanteResult {
  const problems: string[] = [];
  const first = lines.findIndex((l) => l.trim() !== '');
  const hLine = first >= 0 ? lines[first]! : 'H|~^\\&';
  const d = delimitersOf(hLine);
  const F = d.field;

  // Records, with A continuations appended verbatim to the previous one.
  const raws: string[] = [];
  for (let k = Math.max(first, 0); k < lines.length; k++) {
    const l = lines[k]!;
    if (l.trim() === '') continue;
    if (l.startsWith(`A${F}`)) {
      if (raws.length === 0) problems.push('Enregistrement A sans enregistrement précédent, ignoré.');
      else raws[raws.length - 1] += l.slice(2);
      continue;
    }
    raws.push(l);
  }
  const recs: Rec[] = raws.map((raw) => {
    const fields = raw.split(F);
    return { type: (fields[0] ?? '').trim().toUpperCase(), fields, raw };
  });
  const comp = (s: string | undefined): string[] => (s ?? '').split(d.component).map((x) => unescape(x, d));
  const field = (r: Rec, i: number): string | undefined => {
    const v = r.fields[i];
    return v === undefined ? undefined : unescape(v, d);
  };

  let version: string | undefined;
  let sender: HprimParty = { name: '' };
  let recipient: HprimParty = { name: '' };
  let messageDate: string | undefined;
  const party = (s: string | undefined): HprimParty => {
    const c = comp(s);
    const code = opt(c[0]);
    const name = opt(c[1]) ?? '';
    return code !== undefined ? { code, name } : { name };
  };

  const documents: HprimDocument[] = [];
  let doc: HprimDocument | undefined;
  let textLines: string[] = [];
  let rawLines: string[] = [];
  let orderStatus: string | undefined;
  let lastResult: LabResult | undefined;
  let pendingComments: string[] = [];
  const close = (): void => {
    if (!doc) return;
    doc.text = textLines.join('\n');
    doc.raw = rawLines.join('\n');
    documents.push(doc);
    doc = undefined;
  };
  const open = (): HprimDocument => {
    close();
    textLines = [...pendingComments];
    pendingComments = [];
    rawLines = [];
    lastResult = undefined;
    orderStatus = undefined;
    doc = {
      patient: { surname: '', firstName: '', birthDate: '', birthDateRaw: '' },
      sender,
      recipient,
      text: '',
      lab: [],
      headerLines: 12,
      valid: false,
      raw: '',
    };
    if (messageDate) doc.documentDate = messageDate;
    // Replaced by the P record's own verdict; stays when results come without any patient record.
    doc.reason_fr = 'Document lu partiellement : aucune identité patient (enregistrement P absent).';
    return doc;
  };

  let unknown = 0;
  for (const r of recs) {
    switch (r.type) {
      case 'H': {
        const v = comp(r.fields[12])[0];
        if (opt(v) !== undefined) version = v!.trim();
        sender = party(r.fields[4]);
        recipient = party(r.fields[9]);
        messageDate = parseHprimSanteDate(field(r, 13) ?? '');
        break;
      }
      case 'P': {
        const dd = open();
        rawLines.push(r.raw);
        const p = dd.patient;
        const code = opt(comp(r.fields[2])[0]) ?? opt(comp(r.fields[3])[0]);
        if (code !== undefined) p.code = code;
        const name = comp(r.fields[5]);
        p.surname = (name[0] ?? '').trim();
        p.firstName = (name[1] ?? '').trim();
        p.birthDateRaw = (field(r, 7) ?? '').trim();
        p.birthDate = parseHprimSanteDate(p.birthDateRaw) ?? '';
        const sex = (field(r, 8) ?? '').trim().toUpperCase();
        if (sex === 'M' || sex === 'F') p.sex = sex;
        const addr = comp(r.fields[10]);
        const a1 = opt(addr[0]);
        const a2 = opt(addr[1]);
        if (a1 !== undefined) p.address1 = a1;
        if (a2 !== undefined) p.address2 = a2;
        const pcCity = [opt(addr[4]), opt(addr[2])].filter((x) => x !== undefined).join(' ');
        if (pcCity !== '') p.postcodeCity = pcCity;
        const ins = opt(comp(r.fields[11])[0]);
        const nir = ins !== undefined ? parseNir(ins) : undefined;
        if (nir) {
          p.nir = nir.body + (nir.key ?? '');
          if (nir.valid !== undefined) p.nirValid = nir.valid;
          if (!p.sex && nir.sex) p.sex = nir.sex;
        }
        const missing: string[] = [];
        if (p.surname === '') missing.push('nom du patient absent');
        if (p.firstName === '') missing.push('prénom absent');
        if (p.birthDate === '') missing.push(p.birthDateRaw === '' ? 'date de naissance absente' : 'date de naissance illisible');
        dd.valid = missing.length === 0;
        delete dd.reason_fr;
        if (!dd.valid) dd.reason_fr = `Document lu partiellement : ${missing.join(', ')}.`;
        break;
      }
      case 'OBR': {
        const dd = doc ?? open();
        rawLines.push(r.raw);
        const test = comp(r.fields[4]);
        const label = opt(test[1]) ?? opt(test[0]);
        if (label !== undefined) textLines.push(label);
        const date = parseHprimSanteDate(field(r, 7) ?? '');
        if (date && !dd.documentDate) dd.documentDate = date;
        const ref = opt(comp(r.fields[2])[0]) ?? opt(comp(r.fields[3])[0]);
        if (ref !== undefined && dd.reference === undefined) dd.reference = ref;
        orderStatus = opt(field(r, 25))?.toUpperCase();
        lastResult = undefined;
        break;
      }
      case 'OBX': {
        const dd = doc ?? open();
        rawLines.push(r.raw);
        const id = comp(r.fields[3]);
        const label = opt(id[1]) ?? opt(id[0]) ?? '';
        const base: LabResult = {
          label,
          type: (opt(field(r, 2)) ?? '').toUpperCase(),
          value: opt(field(r, 5)) ?? '',
          abnormal: false,
        };
        const code = opt(id[0]);
        if (code !== undefined) base.code = code;
        const unit = opt(comp(r.fields[6])[0]);
        if (unit !== undefined) base.unit = unit;
        Object.assign(base, parseNormals(r.fields[7] === undefined ? undefined : unescape(r.fields[7], d), d));
        const status = opt(field(r, 11))?.toUpperCase() ?? orderStatus;
        if (status !== undefined) base.status = status;
        const res = finishResult(base, field(r, 8));
        if (/^(FIC|TIF|PDF)$/.test(res.type)) delete res.numericValue;
        dd.lab.push(res);
        lastResult = res;
        const range = res.low !== undefined || res.high !== undefined ? ` (${res.low ?? ''} - ${res.high ?? ''})` : '';
        textLines.push(`${label} : ${res.value}${res.unit ? ` ${res.unit}` : ''}${range}${res.abnormal ? ' *' : ''}`);
        break;
      }
      case 'C': {
        const txt = field(r, 3) ?? '';
        if (doc) {
          rawLines.push(r.raw);
          textLines.push(txt);
          if (lastResult) (lastResult.comments ??= []).push(txt);
        } else pendingComments.push(txt);
        break;
      }
      case 'L':
        close();
        break;
      default:
        if (doc) rawLines.push(r.raw);
        unknown++;
    }
  }
  close();
  // Counted, not quoted: an unknown line may hold personal data and problems end up in logs.
  if (unknown > 0) problems.push(`${unknown} enregistrement(s) HPRIM Santé de type inconnu ignoré(s).`);
  if (!recs.some((r) => r.type === 'L')) problems.push('Enregistrement L (fin de message) absent.');
  return version !== undefined ? { version, documents, problems } : { documents, problems };
}
