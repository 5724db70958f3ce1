import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyFile, parseKeyFileName } from '../src/core/apicrypt';
import { PliError } from '../src/shared/errors';
import { buildFixtures, FIXTURE_USERS, GENERATED_DIRS, type BrokenCase } from './generate';

const root = import.meta.dirname;
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [relative(root, p).split('\\').join('/')];
  });
}

describe('keys-fixtures', () => {
  it('re-running the generator reproduces the committed files exactly', () => {
    const built = buildFixtures();
    const committed = GENERATED_DIRS.flatMap((d) => walk(join(root, d))).sort();
    expect(committed).toEqual([...built.keys()].sort());
    for (const [rel, bytes] of built) expect(Buffer.compare(readFileSync(join(root, rel)), Buffer.from(bytes)), rel).toBe(0);
  });

  it('every medium holds valid keys for 2026 and 2025, with the network’s shared Master', () => {
    for (const user of FIXTURE_USERS) {
      const clefs = join(root, 'media', user, 'Clefs');
      for (const name of [`Master.126`, `Master.125`, `${user}.126`, `${user}.125`]) {
        const k = parseKeyFile(readFileSync(join(clefs, name)), name);
        expect(k.indexMax).toBe(256 * 1024);
        expect(readFileSync(join(root, 'server', 'Clefs', name)).equals(readFileSync(join(clefs, name)))).toBe(true);
      }
    }
    expect(parseKeyFileName('cabinet.LESTILLEULS.aes')).toEqual({ unsupported: 'aes' });
    expect(walk(join(root, 'media')).filter((f) => f.endsWith('.aes'))).toHaveLength(1);
  });

  it('each broken key fails with its own code and legacy code', () => {
    const cases = JSON.parse(readFileSync(join(root, 'broken', 'cases.json'), 'utf8')) as BrokenCase[];
    expect(cases.length).toBeGreaterThanOrEqual(8);
    for (const c of cases) {
      let err: unknown;
      try {
        parseKeyFile(readFileSync(join(root, 'broken', c.case, c.file)), c.file);
      } catch (e) {
        err = e;
      }
      expect(err, c.case).toBeInstanceOf(PliError);
      expect((err as PliError).code, c.case).toBe(c.code);
      expect((err as PliError).details?.['legacyCode'], c.case).toBe(c.legacyCode);
    }
  });
});
