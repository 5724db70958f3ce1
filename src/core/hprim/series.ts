/** Lab results shaped for the UI: a table per letter, a time series per analyte (data only). */
import { normalizeName } from '../patient';
import type { HprimDocument, LabFlag, LabResult } from './types';

export interface LabPoint {
  /** ISO date of the document ('' when the document has none; such points sort last). */
  date: string;
  value: string;
  numericValue?: number;
  unit?: string;
  low?: number;
  high?: number;
  flag?: LabFlag;
  abnormal: boolean;
}

export interface LabSeries {
  /** Code (upper case) when the results carry one, else the normalised label. */
  key: string;
  label: string;
  code?: string;
  unit?: string;
  points: LabPoint[];
}

export function analyteKey(r: Pick<LabResult, 'code' | 'label'>): string {
  const code = r.code?.trim();
  return code ? `code:${code.toUpperCase()}` : `label:${normalizeName(r.label)}`;
}

/**
 * Groups every result of the given documents (one patient's, typically) by analyte and sorts each series
 * by date (stable: same-day results keep document order). Series are ordered by label.
 */
export function labSeries(docs: HprimDocument[]): LabSeries[] {
  const map = new Map<string, LabSeries>();
  for (const doc of docs) {
    const date = doc.documentDate ?? '';
    for (const r of doc.lab) {
      const key = analyteKey(r);
      let s = map.get(key);
      if (!s) {
        s = { key, label: r.label, points: [] };
        if (r.code) s.code = r.code;
        if (r.unit) s.unit = r.unit;
        map.set(key, s);
      }
      const p: LabPoint = { date, value: r.value, abnormal: r.abnormal };
      if (r.numericValue !== undefined) p.numericValue = r.numericValue;
      if (r.unit !== undefined) p.unit = r.unit;
      if (r.lowValue !== undefined) p.low = r.lowValue;
      if (r.highValue !== undefined) p.high = r.highValue;
      if (r.flag !== undefined) p.flag = r.flag;
      s.points.push(p);
    }
  }
  const out = [...map.values()];
  for (const s of out) {
    s.points = s.points
      .map((p, i) => ({ p, i }))
      .sort((a, b) => {
        if (a.p.date === b.p.date) return a.i - b.i;
        if (a.p.date === '') return 1;
        if (b.p.date === '') return -1;
        return a.p.date < b.p.date ? -1 : 1;
      })
      .map((x) => x.p);
  }
  return out.sort((a, b) => a.label.localeCompare(b.label, 'fr'));
}

/**
 * Identity key for grouping documents by patient: the NIR when it is valid, else normalised surname,
 * first name and birth date.
 */
export function patientKey(doc: HprimDocument): string {
  const p = doc.patient;
  if (p.nir && p.nirValid) return `nir:${p.nir.slice(0, 13)}`;
  return `id:${normalizeName(p.surname)}|${normalizeName(p.firstName)}|${p.birthDate}`;
}

/** labSeries for each patient found in the documents (key: patientKey). */
export function labSeriesByPatient(docs: HprimDocument[]): Map<string, LabSeries[]> {
  const groups = new Map<string, HprimDocument[]>();
  for (const d of docs) {
    const k = patientKey(d);
    const g = groups.get(k);
    if (g) g.push(d);
    else groups.set(k, [d]);
  }
  return new Map([...groups].map(([k, g]) => [k, labSeries(g)]));
}

export interface LabTableRow {
  label: string;
  code?: string;
  value: string;
  unit: string;
  /** `3.5 - 5.1`, `< 5`, `> 40` or ''. */
  range: string;
  flag?: LabFlag;
  abnormal: boolean;
  status?: string;
  /** Second unit, already formatted (`value unit (range)`), or ''. */
  second: string;
}

function range(low?: string, high?: string): string {
  if (low && high) return `${low} - ${high}`;
  if (high) return `< ${high}`;
  if (low) return `> ${low}`;
  return '';
}

/** The rows of a letter's result table, in file order. */
export function labTable(doc: HprimDocument): LabTableRow[] {
  return doc.lab.map((r) => {
    const row: LabTableRow = {
      label: r.label,
      value: r.value,
      unit: r.unit ?? '',
      range: range(r.low, r.high),
      abnormal: r.abnormal,
      second: '',
    };
    if (r.code) row.code = r.code;
    if (r.flag) row.flag = r.flag;
    if (r.status) row.status = r.status;
    if (r.value2) {
      const rg = range(r.low2, r.high2);
      row.second = `${r.value2}${r.unit2 ? ` ${r.unit2}` : ''}${rg ? ` (${rg})` : ''}`;
    }
    return row;
  });
}
