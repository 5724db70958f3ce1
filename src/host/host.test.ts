import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Host } from './host';

let dir: string;
let host: Host;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pli-host-'));
  host = new Host({ profileDir: dir, version: '1.2.3', shell: 'test', resourcesDir: 'resources' });
});
afterEach(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Host', () => {
  it('answers app.info and a new profile status', async () => {
    expect(await host.invoke('app.info', {})).toEqual({ ok: true, result: { name: 'Pli', version: '1.2.3', shell: 'test' } });
    expect(await host.invoke('profile.status', {})).toEqual({ ok: true, result: { status: 'new' } });
  });

  it('refuses unknown commands and invalid payloads with typed French errors', async () => {
    const unknown = await host.invoke('mailbox.dropAll', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    const bad = await host.invoke('settings.update', { patch: { lockAfterMinutes: -5 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request', message_fr: 'Requête invalide.' } });
    const extra = await host.invoke('settings.update', { patch: { evil: true } });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('keeps settings across restarts and emits settings.changed', async () => {
    const seen: unknown[] = [];
    host.onEvent((name, payload) => seen.push([name, payload]));
    const r = await host.invoke('settings.update', { patch: { lockAfterMinutes: 5 } });
    expect(r).toMatchObject({ ok: true, result: { lockAfterMinutes: 5, language: 'fr' } });
    expect(seen).toEqual([['settings.changed', expect.objectContaining({ lockAfterMinutes: 5 })]]);
    const again = new Host({ profileDir: dir, version: '1.2.3', shell: 'test', resourcesDir: 'resources' });
    expect(await again.invoke('settings.get', {})).toMatchObject({ ok: true, result: { lockAfterMinutes: 5 } });
  });

  it('writes a per-run log file that holds no personal data', async () => {
    const log = host.logSink.logger('test');
    log.info('letter stored for jean.DUPONT@medical75.apicrypt.org born 01/02/1960', {
      patient: 'DUPONT Jean',
      nir: '1600275123456 42',
      pin: '1234',
      note: 'NIR 1 60 02 75 123 456 42',
      count: 3,
    });
    const files = readdirSync(join(dir, 'logs'));
    expect(files.length).toBe(1);
    const text = readFileSync(join(dir, 'logs', files[0]!), 'utf8');
    expect(text).toContain('"count":3');
    for (const secret of ['jean.DUPONT', 'DUPONT Jean', '1600275123456', '01/02/1960', '"1234"', '123 456']) {
      expect(text).not.toContain(secret);
    }
  });
});
