import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { navigate, scrollToReveal, shouldLoadMore, visibleRange } from './windowing';

describe('visible range', () => {
  it('renders only the rows in view plus the overscan', () => {
    const r = visibleRange({ scrollTop: 680, viewportHeight: 340, rowHeight: 68, count: 100_000, overscan: 2 });
    expect(r).toEqual({ start: 8, end: 17, offset: 8 * 68, totalHeight: 6_800_000 });
  });
  it('handles an empty list and the very end', () => {
    expect(visibleRange({ scrollTop: 0, viewportHeight: 500, rowHeight: 68, count: 0 })).toEqual({ start: 0, end: 0, offset: 0, totalHeight: 0 });
    const r = visibleRange({ scrollTop: 1e9, viewportHeight: 500, rowHeight: 50, count: 30, overscan: 0 });
    expect(r.end).toBe(30);
    expect(r.start).toBe(20);
  });
  it('always covers the viewport and stays small (property)', () => {
    fc.assert(
      fc.property(fc.nat(200_000), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 10, max: 120 }), fc.nat(100_000), (count, vh, rh, rawTop) => {
        const maxTop = Math.max(0, count * rh - vh);
        const scrollTop = Math.min(rawTop * 7, maxTop);
        const r = visibleRange({ scrollTop, viewportHeight: vh, rowHeight: rh, count, overscan: 3 });
        expect(r.start).toBeGreaterThanOrEqual(0);
        expect(r.end).toBeLessThanOrEqual(count);
        if (count === 0) return;
        const firstVisible = Math.floor(scrollTop / rh);
        const lastVisible = Math.min(count - 1, Math.floor((scrollTop + vh - 1) / rh));
        expect(r.start).toBeLessThanOrEqual(firstVisible);
        expect(r.end).toBeGreaterThan(lastVisible);
        expect(r.end - r.start).toBeLessThanOrEqual(Math.ceil(vh / rh) + 1 + 6 + 1);
        expect(r.offset).toBe(r.start * rh);
      }),
      { numRuns: 300 },
    );
  });
});

describe('loading more', () => {
  it('asks for the next page when the window nears the loaded end', () => {
    expect(shouldLoadMore({ start: 80, end: 95, offset: 0, totalHeight: 0 }, 100, true)).toBe(true);
    expect(shouldLoadMore({ start: 0, end: 20, offset: 0, totalHeight: 0 }, 100, true)).toBe(false);
    expect(shouldLoadMore({ start: 80, end: 100, offset: 0, totalHeight: 0 }, 100, false)).toBe(false);
  });
});

describe('keyboard', () => {
  it('moves by one, by a page and to the ends, clamped', () => {
    expect(navigate('ArrowDown', 0, 10, 5)).toBe(1);
    expect(navigate('ArrowDown', 9, 10, 5)).toBe(9);
    expect(navigate('ArrowUp', 0, 10, 5)).toBe(0);
    expect(navigate('PageDown', 3, 10, 5)).toBe(8);
    expect(navigate('PageUp', 3, 10, 5)).toBe(0);
    expect(navigate('Home', 7, 10, 5)).toBe(0);
    expect(navigate('End', 2, 10, 5)).toBe(9);
    expect(navigate('a', 2, 10, 5)).toBeUndefined();
    expect(navigate('ArrowDown', 0, 0, 5)).toBeUndefined();
  });
  it('scrolls just enough to reveal the active row', () => {
    expect(scrollToReveal(4, 0, 340, 68)).toBe(0);
    expect(scrollToReveal(5, 0, 340, 68)).toBe(68);
    expect(scrollToReveal(5, 0, 300, 68)).toBe(6 * 68 - 300);
    expect(scrollToReveal(2, 500, 300, 68)).toBe(136);
  });
});
