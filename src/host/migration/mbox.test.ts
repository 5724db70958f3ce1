import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteFrom, readMbox } from './mbox';

const dir = mkdtempSync(join(tmpdir(), 'pli-mbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function all(file: string, start = 0, chunk?: number) {
  const out = [];
  for await (const m of readMbox(file, start, undefined, chunk)) out.push(m);
  return out;
}

describe('readMbox', () => {
  it('splits on From_ lines, unquotes >From, keeps offsets for resuming', async () => {
    const file = join(dir, 'a');
    const m1 = 'Subject: un\n\nbonjour\nFrom the lab\n>From quoted before\n';
    const m2 = 'Subject: deux\r\n\r\ntexte\r\n';
    writeFileSync(file, `From a@b Mon Jan  5 10:00:00 2026\n${quoteFrom(m1)}\nFrom c@d Tue Jan  6 11:00:00 2026\n${quoteFrom(m2)}\n`, 'latin1');
    const got = await all(file, 0, 7);
    expect(got.map((m) => m.bytes.toString('latin1'))).toEqual([m1, m2]);
    expect(got[0]!.envelope).toBe('a@b Mon Jan  5 10:00:00 2026');
    const resumed = await all(file, got[0]!.end, 3);
    expect(resumed.map((m) => m.bytes.toString('latin1'))).toEqual([m2]);
  });

  it('any chunk size and any resume point give the same messages (property)', async () => {
    const line = fc.oneof(fc.constantFrom('From x', '>From y', 'From', 'Fro', ''), fc.string({ unit: fc.constantFrom('a', 'F', 'r', 'o', 'm', ' ', '>'), maxLength: 12 }));
    const msg = fc.array(line, { maxLength: 6 }).map((ls) => `Subject: s\n\n${ls.join('\n')}\n`);
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(msg, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 40 }), async (msgs, chunk) => {
        const file = join(dir, `p${k++}`);
        writeFileSync(file, msgs.map((m) => `From z Mon Jan  5 10:00:00 2026\n${quoteFrom(m)}\n`).join(''), 'latin1');
        const got = await all(file, 0, chunk);
        expect(got.map((m) => m.bytes.toString('latin1'))).toEqual(msgs);
        const cut = got[Math.floor(got.length / 2)]!;
        const rest = await all(file, cut.start, chunk);
        expect(rest.map((m) => m.bytes.toString('latin1'))).toEqual(msgs.slice(Math.floor(got.length / 2)));
      }),
      { numRuns: 150 },
    );
  });
});
