import { describe, expect, it } from 'vitest';
import { bytesToBase64, letterSize } from './base64';
import { formatBytes, formatDate, formatDateTime, formatListDate, formatLongDate, formatNumber, formatPercent, parseDate } from './format';

// Intl writes French thousands with a narrow no-break space.
const nb = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('French formatting', () => {
  it('reads calendar dates as local days (no shift across time zones)', () => {
    const d = parseDate('1961-04-12')!;
    expect([d.getFullYear(), d.getMonth(), d.getDate()]).toEqual([1961, 3, 12]);
    expect(formatDate('1961-04-12')).toBe('12/04/1961');
    expect(formatLongDate('2024-03-05')).toBe('5 mars 2024');
    expect(formatDate('pas une date')).toBe('pas une date');
    expect(formatDate(undefined)).toBe('');
  });
  it('shows the time for today and the date otherwise', () => {
    const now = new Date(2025, 5, 30, 18, 0);
    expect(formatListDate(new Date(2025, 5, 30, 9, 5).toISOString(), now)).toBe('09:05');
    expect(formatListDate(new Date(2025, 5, 29, 9, 5).toISOString(), now)).toBe('29/06/2025');
    expect(formatDateTime(new Date(2025, 0, 2, 14, 7).toISOString())).toMatch(/^02\/01\/2025,? 14:07$/);
  });
  it('writes numbers, percentages and sizes the French way', () => {
    expect(nb(formatNumber(1234.5))).toBe('1 234,5');
    expect(formatNumber(7.8)).toBe('7,8');
    expect(nb(formatPercent(0.85))).toBe('85 %');
    expect(formatBytes(512)).toBe('512 o');
    expect(formatBytes(1536)).toBe('1,5 Ko');
    expect(formatBytes(900 * 1024)).toBe('900 Ko');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3 Mo');
  });
});

describe('attachments', () => {
  it('encodes bytes to base64 in chunks, large ones included', () => {
    expect(bytesToBase64(new TextEncoder().encode('Pli'))).toBe('UGxp');
    const big = new Uint8Array(200_000).map((_, i) => i % 251);
    expect(bytesToBase64(big)).toBe(Buffer.from(big).toString('base64'));
  });
  it('measures a letter as it travels: UTF-8 text plus base64 attachments', () => {
    expect(letterSize('é', ['AAAA'])).toBe(2 + 4);
  });
});

describe('host errors', () => {
  it('keeps the French message and the wait the host asks for', async () => {
    const { HostError } = await import('../../shared/api');
    const { toProblem } = await import('./errors');
    expect(toProblem(new HostError({ code: 'password_delay', message_fr: 'Patientez.', details: { seconds: 4 } }), 'x')).toEqual({ code: 'password_delay', message: 'Patientez.', seconds: 4 });
    expect(toProblem(new HostError({ code: 'password_wrong', message_fr: 'Incorrect.', details: { nextDelaySeconds: 2 } }), 'x').seconds).toBe(2);
    expect(toProblem(new Error('boom'), 'Repli.')).toEqual({ code: 'internal', message: 'Repli.' });
  });
});
