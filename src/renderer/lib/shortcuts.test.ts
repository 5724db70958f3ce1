import { describe, expect, it } from 'vitest';
import { keyLevel, presetAccount } from '../screens/Settings';
import { SHORTCUTS, shortcutFor } from './shortcuts';

const key = (k: string, tagName = 'LI', mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
  target: { tagName } as unknown as EventTarget,
});

describe('keyboard shortcuts', () => {
  it('maps single keys outside fields, whatever the case', () => {
    expect(shortcutFor(key('n'))).toBe('compose');
    expect(shortcutFor(key('N'))).toBe('compose');
    expect(shortcutFor(key('/'))).toBe('search');
    expect(shortcutFor(key('?'))).toBe('help');
    expect(shortcutFor(key('x'))).toBeUndefined();
  });
  it('never fires while typing or with modifiers (browser and system shortcuts stay theirs)', () => {
    for (const tag of ['INPUT', 'TEXTAREA', 'SELECT']) expect(shortcutFor(key('n', tag))).toBeUndefined();
    expect(shortcutFor(key('n', 'LI', { ctrlKey: true }))).toBeUndefined();
    expect(shortcutFor(key('r', 'LI', { altKey: true }))).toBeUndefined();
  });
  it('has one action per key', () => {
    const keys = SHORTCUTS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('settings helpers', () => {
  it('warns at 80 % and 95 % of a key pad', () => {
    expect(keyLevel(0.5)).toBe('ok');
    expect(keyLevel(0.8)).toBe('warn');
    expect(keyLevel(0.949)).toBe('warn');
    expect(keyLevel(0.95)).toBe('critical');
  });
  it('proposes APICRYPT servers from the address (POP3 110, SMTP 587, STARTTLS)', () => {
    const a = presetAccount('apicrypt', 'dr.test@medical09.apicrypt.org');
    expect(a.incoming).toEqual({ kind: 'pop3', host: 'pop.medical09.apicrypt.org', port: 110, security: 'starttls', user: 'dr.test@medical09.apicrypt.org' });
    expect(a.outgoing.port).toBe(587);
    const g = presetAccount('generic', 'a@b.fr', 'id1');
    expect(g.id).toBe('id1');
    expect(g.incoming.kind).toBe('imap');
    expect(g.incoming.security).toBe('tls');
  });
});
