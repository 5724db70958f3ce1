/**
 * French formatting of dates, numbers and sizes. Dates without a time ("YYYY-MM-DD") are read as local
 * calendar days so that a birth date never shifts by a day across time zones.
 */
const dayFmt = new Intl.DateTimeFormat('fr-FR', { day: '2-digit', month: '2-digit', year: 'numeric' });
const dayTimeFmt = new Intl.DateTimeFormat('fr-FR', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const timeFmt = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' });
const longDayFmt = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric' });

const DAY_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const m = DAY_ONLY.exec(value);
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** "05/03/2024"; the raw text when it is not a date. */
export function formatDate(value: string | undefined): string {
  const d = parseDate(value);
  return d ? dayFmt.format(d) : (value ?? '');
}

/** "05/03/2024 14:07" */
export function formatDateTime(value: string | undefined): string {
  const d = parseDate(value);
  return d ? dayTimeFmt.format(d) : (value ?? '');
}

/** "5 mars 2024" */
export function formatLongDate(value: string | undefined): string {
  const d = parseDate(value);
  return d ? longDayFmt.format(d) : (value ?? '');
}

/** In lists: the time for today's letters, the date otherwise. */
export function formatListDate(value: string, now: Date = new Date()): string {
  const d = parseDate(value);
  if (!d) return value;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? timeFmt.format(d) : dayFmt.format(d);
}

const numberFmts = new Map<number, Intl.NumberFormat>();
export function formatNumber(n: number, maxFractionDigits = 2): string {
  let f = numberFmts.get(maxFractionDigits);
  if (!f) {
    f = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: maxFractionDigits });
    numberFmts.set(maxFractionDigits, f);
  }
  return f.format(n);
}

const percentFmt = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });
export function formatPercent(ratio: number): string {
  return percentFmt.format(ratio);
}

/** Sizes in French units (octets, Ko, Mo), 1 Ko = 1 024 octets as Apimail showed them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes, 0)} o`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, bytes < 10 * 1024 ? 1 : 0)} Ko`;
  return `${formatNumber(bytes / (1024 * 1024), 1)} Mo`;
}
