import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../../src/host/host';

// The migration as the window runs it: through the host contract, with progress events and the report.
const FIXTURE = join('tests', 'fixtures', 'legacy');
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  totals: { imported: number; alreadyPresent: number; notDecryptable: number; notReadable: number };
};
let dir: string;
let host: Host;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pli-migration-host-'));
  // The fixture installation is copied: detection and import only read, but a copy proves nothing is needed in place.
  cpSync(join(FIXTURE, 'install'), join(dir, 'install'), { recursive: true });
  host = new Host({ profileDir: join(dir, 'profil'), version: '0', shell: 'test', resourcesDir: 'resources' });
  const r = await host.invoke('profile.create', { password: 'Ancienne-Messagerie-26', confirmation: 'Ancienne-Messagerie-26' });
  expect(r.ok).toBe(true);
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('migration through the host', () => {
  it('imports the fixture installation with the expected report and progress events', async () => {
    const progress: unknown[] = [];
    host.onEvent((e, p) => e === 'migration.progress' && progress.push(p));
    const install = join(dir, 'install');
    const r = await host.invoke('migration.start', { paths: [join(install, 'home'), join(install, 'mail')], dryRun: false });
    if (!r.ok) throw new Error(r.error.message_fr);
    const report = r.result as typeof expected.totals & { text: string; cancelled: boolean };
    expect({
      imported: report.imported,
      alreadyPresent: report.alreadyPresent,
      notDecryptable: report.notDecryptable,
      notReadable: report.notReadable,
    }).toEqual(expected.totals);
    expect(report.cancelled).toBe(false);
    expect(report.text).toContain('rapport');
    expect(progress.length).toBeGreaterThan(0);

    // Running it again adds nothing: finished sources are not read again, and no letter is duplicated.
    const count = async () => {
      const f = await host.invoke('folders.list', {});
      if (!f.ok) throw new Error(f.error.message_fr);
      return (f.result as { folders: { total: number }[] }).folders.reduce((n, x) => n + x.total, 0);
    };
    const before = await count();
    expect(before).toBe(expected.totals.imported + expected.totals.notDecryptable);
    const again = await host.invoke('migration.start', { paths: [join(install, 'home'), join(install, 'mail')], dryRun: false });
    if (!again.ok) throw new Error(again.error.message_fr);
    expect(await count()).toBe(before);
  });
});
