import { formatNumber, parseDate } from './format';

/**
 * Trend chart geometry, kept apart from the SVG so it can be tested: linear scales, "nice" value ticks
 * (1, 2, 5 × 10^k), calendar ticks (days, months or years) and the normal-range band.
 */
export type Scale = (v: number) => number;

export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A round step (1, 2, 2.5 or 5 × 10^k) giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || count < 1) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

/** Round ticks covering [min, max]; the domain to draw is [first, last]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  if (min > max) [min, max] = [max, min];
  const step = niceStep(max - min, count);
  const first = Math.floor(min / step + 1e-9);
  const last = Math.max(first + 1, Math.ceil(max / step - 1e-9));
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Fraction digits needed to write every tick exactly (0.5 → 1, 0.25 → 2), at most 4. */
export function tickDigits(ticks: number[]): number {
  let digits = 0;
  for (const v of ticks) {
    const frac = String(Number(v.toPrecision(12))).split('.')[1];
    if (frac) digits = Math.max(digits, frac.length);
  }
  return Math.min(4, digits);
}

const DAY = 86_400_000;
const monthFmt = new Intl.DateTimeFormat('fr-FR', { month: 'short', year: 'numeric' });
const dayMonthFmt = new Intl.DateTimeFormat('fr-FR', { day: '2-digit', month: '2-digit', year: '2-digit' });

export interface Tick {
  value: number;
  label: string;
}

/** Calendar ticks between two instants: days, months (1, 2, 3, 6) or years (1, 2, 5, 10). */
export function timeTicks(t0: number, t1: number, count = 5): Tick[] {
  if (t1 < t0) [t0, t1] = [t1, t0];
  const span = Math.max(t1 - t0, DAY);
  const days = span / DAY;
  const start = new Date(t0);
  if (days <= count * 20) {
    const step = Math.max(1, Math.ceil(days / count));
    const d = new Date(start.getFullYear(), start.getMonth(), start.getDate());
    if (d.getTime() < t0) d.setDate(d.getDate() + 1);
    const out: Tick[] = [];
    for (; d.getTime() <= t1; d.setDate(d.getDate() + step)) out.push({ value: d.getTime(), label: dayMonthFmt.format(d) });
    return out.length ? out : [{ value: t0, label: dayMonthFmt.format(new Date(t0)) }];
  }
  const months = days / 30.44;
  if (months <= count * 6) {
    const step = [1, 2, 3, 6].find((s) => months / s <= count) ?? 6;
    const d = new Date(start.getFullYear(), start.getMonth(), 1);
    if (d.getTime() < t0) d.setMonth(d.getMonth() + 1);
    // Align on multiples of the step so ticks fall on January, April… rather than arbitrary months.
    while (d.getMonth() % step !== 0) d.setMonth(d.getMonth() + 1);
    const out: Tick[] = [];
    for (; d.getTime() <= t1; d.setMonth(d.getMonth() + step)) out.push({ value: d.getTime(), label: monthFmt.format(d) });
    return out.length ? out : [{ value: t0, label: monthFmt.format(new Date(t0)) }];
  }
  const years = months / 12;
  const step = [1, 2, 5, 10, 20, 50].find((s) => years / s <= count) ?? 100;
  const out: Tick[] = [];
  let y = Math.ceil(start.getFullYear() / step) * step;
  if (new Date(y, 0, 1).getTime() < t0) y += step;
  for (; new Date(y, 0, 1).getTime() <= t1; y += step) out.push({ value: new Date(y, 0, 1).getTime(), label: String(y) });
  return out;
}

export interface SeriesPoint {
  date: string;
  value: number;
  abnormal: boolean;
  low?: number;
  high?: number;
}

export interface ChartBox {
  width: number;
  height: number;
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface ChartModel {
  points: { x: number; y: number; abnormal: boolean; value: number; date: number }[];
  path: string;
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  band?: { y: number; height: number; low?: number; high?: number };
  plot: { x0: number; x1: number; y0: number; y1: number };
}

/** The most recent normal range given with the points (laboratories may change it over time). */
export function normalRange(points: SeriesPoint[]): { low?: number; high?: number } {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    if (p.low !== undefined || p.high !== undefined) return { low: p.low, high: p.high };
  }
  return {};
}

export function buildChart(input: SeriesPoint[], box: ChartBox): ChartModel {
  const points = input
    .map((p) => ({ ...p, t: parseDate(p.date)?.getTime() }))
    .filter((p): p is SeriesPoint & { t: number } => p.t !== undefined && Number.isFinite(p.value))
    .sort((a, b) => a.t - b.t);
  const plot = { x0: box.left, x1: box.width - box.right, y0: box.height - box.bottom, y1: box.top };
  const range = normalRange(points);
  const values = points.map((p) => p.value);
  if (range.low !== undefined) values.push(range.low);
  if (range.high !== undefined) values.push(range.high);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const ticks = niceTicks(lo, hi, 5);
  const yDomain: [number, number] = [ticks[0]!, ticks[ticks.length - 1]!];
  const y = linearScale(yDomain[0], yDomain[1], plot.y0, plot.y1);
  const digits = tickDigits(ticks);

  const t0 = points[0]?.t ?? Date.now();
  const t1 = points[points.length - 1]?.t ?? t0;
  // A single measurement still gets a visible time axis: widen by a fortnight each side.
  const [d0, d1] = t0 === t1 ? [t0 - 14 * DAY, t1 + 14 * DAY] : [t0, t1];
  const x = linearScale(d0, d1, plot.x0, plot.x1);
  const xTicks = timeTicks(d0, d1, Math.max(2, Math.floor((plot.x1 - plot.x0) / 90))).map((tk) => ({ x: x(tk.value), label: tk.label }));

  const pts = points.map((p) => ({ x: x(p.t), y: y(p.value), abnormal: p.abnormal, value: p.value, date: p.t }));
  const path = pts.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  let band: ChartModel['band'];
  if (range.low !== undefined || range.high !== undefined) {
    const top = y(range.high ?? yDomain[1]);
    const bottom = y(range.low ?? yDomain[0]);
    band = { y: Math.min(top, bottom), height: Math.abs(bottom - top), low: range.low, high: range.high };
  }
  return {
    points: pts,
    path,
    xTicks,
    yTicks: ticks.map((v) => ({ y: y(v), label: formatNumber(v, digits) })),
    band,
    plot,
  };
}
