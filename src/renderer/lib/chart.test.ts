import { describe, expect, it } from 'vitest';
import { buildChart, linearScale, niceStep, niceTicks, normalRange, tickDigits, timeTicks } from './chart';

const BOX = { width: 500, height: 200, top: 10, right: 10, bottom: 30, left: 50 };

describe('value scale and ticks', () => {
  it('maps the domain linearly onto the range, inverted for SVG y', () => {
    const y = linearScale(0, 10, 190, 10);
    expect(y(0)).toBe(190);
    expect(y(10)).toBe(10);
    expect(y(5)).toBe(100);
    expect(linearScale(3, 3, 0, 100)(3)).toBe(50);
  });

  it('picks round steps', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(3.7, 5)).toBe(1);
    expect(niceStep(0.37, 5)).toBeCloseTo(0.1);
    expect(niceStep(240, 5)).toBe(50);
    expect(niceStep(11, 5)).toBe(2.5);
  });

  it('covers the whole data range with round ticks', () => {
    expect(niceTicks(4.1, 7.8, 5)).toEqual([4, 5, 6, 7, 8]);
    expect(niceTicks(45, 90, 5)).toEqual([40, 50, 60, 70, 80, 90]);
    const t = niceTicks(0.12, 0.57, 5);
    expect(t[0]).toBeLessThanOrEqual(0.12);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(0.57);
  });

  it('still draws an axis for a single value', () => {
    const t = niceTicks(5, 5);
    expect(t.length).toBeGreaterThanOrEqual(2);
    expect(t[0]).toBeLessThan(5);
    expect(t[t.length - 1]).toBeGreaterThan(5);
  });

  it('writes ticks with just enough decimals', () => {
    expect(tickDigits([4, 5, 6])).toBe(0);
    expect(tickDigits([0.5, 1, 1.5])).toBe(1);
    expect(tickDigits([0.25, 0.5, 0.75])).toBe(2);
  });
});

describe('calendar ticks', () => {
  const d = (s: string) => new Date(s).getTime();
  it('uses years for long spans', () => {
    const ticks = timeTicks(d('2019-03-01T00:00:00'), d('2025-06-01T00:00:00'), 5);
    expect(ticks.map((t) => t.label)).toEqual(['2020', '2022', '2024']);
  });
  it('uses French month names for spans of months', () => {
    const ticks = timeTicks(d('2024-01-10T00:00:00'), d('2024-12-20T00:00:00'), 5);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(6);
    expect(ticks[0]!.label).toMatch(/avr\.|mars|juil\.|févr\./);
    for (const t of ticks) expect(new Date(t.value).getDate()).toBe(1);
  });
  it('uses days for short spans', () => {
    const ticks = timeTicks(d('2024-03-01T00:00:00'), d('2024-03-10T00:00:00'), 5);
    expect(ticks[0]!.label).toBe('01/03/24');
    expect(ticks.every((t, i) => i === 0 || t.value > ticks[i - 1]!.value)).toBe(true);
  });
});

describe('chart model', () => {
  const points = [
    { date: '2024-01-15', value: 5.2, abnormal: false, low: 4.1, high: 5.9 },
    { date: '2024-07-15', value: 7.8, abnormal: true, low: 4.1, high: 5.9 },
    { date: '2024-04-15', value: 6.1, abnormal: true, low: 4.1, high: 5.9 },
  ];
  it('orders points in time inside the plot and keeps the abnormal marks', () => {
    const m = buildChart(points, BOX);
    expect(m.points.map((p) => p.value)).toEqual([5.2, 6.1, 7.8]);
    expect(m.points.map((p) => p.abnormal)).toEqual([false, true, true]);
    for (const p of m.points) {
      expect(p.x).toBeGreaterThanOrEqual(m.plot.x0);
      expect(p.x).toBeLessThanOrEqual(m.plot.x1);
      expect(p.y).toBeLessThanOrEqual(m.plot.y0);
      expect(p.y).toBeGreaterThanOrEqual(m.plot.y1);
    }
    expect(m.path.startsWith('M')).toBe(true);
    expect(m.path.split('L')).toHaveLength(3);
  });
  it('draws the normal range as a band between its bounds', () => {
    const m = buildChart(points, BOX);
    const y = (v: number) => m.yTicks.find((t) => t.label === String(v))!.y;
    // Ticks 4..8: the band lies between 4,1 and 5,9, so strictly inside 4 and 6.
    expect(m.band).toBeDefined();
    expect(m.band!.y).toBeGreaterThan(y(6));
    expect(m.band!.y + m.band!.height).toBeLessThan(y(4));
    expect(m.yTicks.map((t) => t.label)).toEqual(['4', '5', '6', '7', '8']);
  });
  it('formats value ticks the French way', () => {
    const m = buildChart([{ date: '2024-01-01', value: 0.5, abnormal: false }, { date: '2024-02-01', value: 1.5, abnormal: false }], BOX);
    expect(m.yTicks.some((t) => t.label.includes(','))).toBe(true);
    expect(m.band).toBeUndefined();
  });
  it('uses the latest range given', () => {
    expect(normalRange([{ date: 'a', value: 1, abnormal: false, low: 1, high: 2 }, { date: 'b', value: 1, abnormal: false, low: 3, high: 4 }])).toEqual({ low: 3, high: 4 });
    expect(normalRange([{ date: 'a', value: 1, abnormal: false }])).toEqual({});
  });
  it('survives a single point and bad dates', () => {
    const m = buildChart([{ date: '2024-01-01', value: 3, abnormal: false }, { date: 'pas une date', value: 4, abnormal: false }], BOX);
    expect(m.points).toHaveLength(1);
    expect(m.points[0]!.x).toBeCloseTo((BOX.left + BOX.width - BOX.right) / 2, 0);
    expect(m.xTicks.length).toBeGreaterThan(0);
  });
});
