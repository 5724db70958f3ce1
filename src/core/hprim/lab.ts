/** RES lines of the HPRIM Médecins LAB block, and the value helpers shared with HPRIM Santé. */
import type { LabFlag, LabResult } from './types';

const NUMERIC = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

/** `1,5` / `1.5` / ` 1.5 *` -> 1.5; undefined for anything that is not a plain number. */
export function toNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const s = /[*\s]/.test(raw) ? raw.replace(/[*\s]+/g, '') : raw;
  if (!NUMERIC.test(s)) return undefined;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

const FLAGS: Record<string, LabFlag> = { L: 'L', H: 'H', LL: 'LL', HH: 'HH', N: 'N', B: 'L', BB: 'LL', '<': 'L', '>': 'H', '-': 'L', '+': 'H' };

export function toFlag(raw: string | undefined): { flag?: LabFlag; flagRaw?: string } {
  if (raw === undefined) return {};
  const s = (raw.length <= 2 ? raw : raw.replace(/\s+/g, '')).trim().toUpperCase();
  if (s === '') return {};
  const f = FLAGS[s];
  return f ? { flag: f } : { flagRaw: raw.trim() };
}

function opt(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return t === '' ? undefined : t;
}

/** Fills numericValue, lowValue, highValue, flag and abnormal from the textual fields (in place). */
export function finishResult(r: LabResult, flagField: string | undefined): LabResult {
  const n = toNumber(r.value);
  if (n !== undefined) r.numericValue = n;
  const lo = toNumber(r.low);
  const hi = toNumber(r.high);
  if (lo !== undefined) r.lowValue = lo;
  if (hi !== undefined) r.highValue = hi;
  const f = toFlag(flagField);
  if (f.flag !== undefined) r.flag = f.flag;
  if (f.flagRaw !== undefined) r.flagRaw = f.flagRaw;
  if (r.flag !== undefined) r.abnormal = r.flag !== 'N';
  else if (r.value.includes('*')) r.abnormal = true;
  else r.abnormal = n !== undefined && ((lo !== undefined && n < lo) || (hi !== undefined && n > hi));
  return r;
}

/**
 * `RES|label|code|type|value|unit|low|high|flag|status|value2|unit2|low2|high2`, 4 to 14 fields;
 * missing trailing fields are simply absent. Returns undefined when not even a label is there.
 */
export function parseResLine(line: string): LabResult | undefined {
  const f = line.split('|');
  const label = opt(f[1]);
  if (label === undefined) return undefined;
  const r: LabResult = { label, type: (opt(f[3]) ?? '').toUpperCase(), value: opt(f[4]) ?? '', abnormal: false };
  let v: string | undefined;
  if ((v = opt(f[2])) !== undefined) r.code = v;
  if ((v = opt(f[5])) !== undefined) r.unit = v;
  if ((v = opt(f[6])) !== undefined) r.low = v;
  if ((v = opt(f[7])) !== undefined) r.high = v;
  if ((v = opt(f[9])) !== undefined) r.status = v.toUpperCase();
  if (f.length > 10) {
    if ((v = opt(f[10])) !== undefined) r.value2 = v;
    if ((v = opt(f[11])) !== undefined) r.unit2 = v;
    if ((v = opt(f[12])) !== undefined) r.low2 = v;
    if ((v = opt(f[13])) !== undefined) r.high2 = v;
  }
  return finishResult(r, f[8]);
}

/** Number of fields a RES line carries (for problem reports on truncated lines). */
export function resFieldCount(line: string): number {
  return line.split('|').length;
}
