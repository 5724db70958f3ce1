/**
 * Dates as they appear in HPRIM files and patient records, turned into ISO `YYYY-MM-DD`.
 * Accepted: JJ/MM/AAAA (also with '.' or '-'), JJ/MM/AA (two-digit years through a pivot),
 * AAAA-MM-JJ and HPRIM Santé YYYYMMDD[HHMM[SS]]. Impossible dates (31/02) are refused.
 */

export interface DateParseOptions {
  /**
   * Two-digit years up to this value (inclusive) are 20xx, above it 19xx. Defaults to the current
   * year's last two digits, which suits birth dates (nobody is born in the future).
   */
  pivot?: number;
}

function validYmd(y: number, m: number, d: number): boolean {
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

function iso(y: number, m: number, d: number): string | undefined {
  if (!validYmd(y, m, d)) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const FR = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:\d{2}(?:\d{2}(?:\d{2})?)?)?$/;

/** Parses any accepted date form; undefined when not a real date. */
export function parseDate(raw: string, options: DateParseOptions = {}): string | undefined {
  const s = raw.trim();
  let m = FR.exec(s);
  if (m) {
    let y = Number(m[3]);
    if (m[3]!.length === 2) {
      const pivot = options.pivot ?? new Date().getUTCFullYear() % 100;
      y += y <= pivot ? 2000 : 1900;
    }
    return iso(y, Number(m[2]), Number(m[1]));
  }
  m = ISO.exec(s);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = COMPACT.exec(s);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  return undefined;
}

/** HPRIM Santé timestamps: YYYYMMDD[HHMM[SS]] -> ISO date (the time, if any, is dropped). */
export function parseHprimSanteDate(raw: string): string | undefined {
  const m = COMPACT.exec(raw.trim());
  return m ? iso(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/** ISO `YYYY-MM-DD` -> `JJ/MM/AAAA` (the HPRIM Médecins header form); undefined when not ISO. */
export function formatFrDate(isoDate: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m || !validYmd(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/** True for the strict JJ/MM/AAAA form other software requires on header lines 7 and 10. */
export function isStrictFrDate(raw: string): boolean {
  return /^[0-3][0-9]\/(0[1-9]|1[0-2])\/[0-9]{4}$/.test(raw);
}
