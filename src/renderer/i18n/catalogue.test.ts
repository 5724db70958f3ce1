import { describe, expect, it } from 'vitest';
import { FolderKind, SignatureStatus, LetterSummary } from '../../shared/domain';
import { fr } from './fr';
import { t, tn } from './index';

const entries = Object.entries(fr) as [string, string | Record<string, string>][];
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('French catalogue', () => {
  it('has no empty message', () => {
    for (const [k, v] of entries) {
      const forms = typeof v === 'string' ? [v] : Object.values(v);
      for (const f of forms) expect(f.trim(), k).not.toBe('');
    }
  });

  it('gives every plural entry the "one" and "other" forms with the same placeholders, {n} included', () => {
    for (const [k, v] of entries) {
      if (typeof v === 'string') continue;
      expect(Object.keys(v).sort(), k).toEqual(['one', 'other']);
      expect(placeholders(v.one!), k).toEqual(placeholders(v.other!));
      expect(v.other, k).toContain('{n}');
    }
  });

  it('uses the typographic apostrophe and no straight quotes in French text', () => {
    for (const [k, v] of entries) {
      const forms = typeof v === 'string' ? [v] : Object.values(v);
      for (const f of forms) {
        expect(f, k).not.toMatch(/[A-Za-zÀ-ÿ]'[A-Za-zÀ-ÿ]/);
        expect(f, k).not.toMatch(/"/);
      }
    }
  });

  it('covers every value the contract can send for folders, signatures and export states', () => {
    const keys = new Set(Object.keys(fr));
    for (const kind of FolderKind.options) expect(keys.has(`folder.${kind}`), kind).toBe(true);
    for (const s of SignatureStatus.options) expect(keys.has(`signature.${s}`), s).toBe(true);
    for (const e of LetterSummary.shape.export.options) expect(keys.has(`export.${e}`), e).toBe(true);
    for (const s of ['weak', 'fair', 'good', 'strong']) expect(keys.has(`password.strength.${s}`), s).toBe(true);
    for (const s of ['new', 'locked', 'open']) expect(keys.has(`profile.status.${s}`), s).toBe(true);
    for (const s of ['receive', 'send']) expect(keys.has(`sync.phase.${s}`), s).toBe(true);
    for (const s of ['date', 'nir', 'name']) expect(keys.has(`compose.subjectWarning.${s}`), s).toBe(true);
    for (const s of ['user', 'master', 'group']) expect(keys.has(`keys.kind.${s}`), s).toBe(true);
  });
});

describe('t and tn', () => {
  it('fills placeholders and formats numbers in French', () => {
    expect(t('firstLaunch.version', { version: '1.2.3' })).toBe('Version 1.2.3');
    expect(t('common.ofTotal', { done: 3, total: 1500 }).replace(/\u202f/g, ' ')).toBe('3 sur 1 500');
  });
  it('follows French plural rules: 0 and 1 are singular', () => {
    expect(tn('letters.new', 0)).toBe('0 nouveau courrier');
    expect(tn('letters.new', 1)).toBe('1 nouveau courrier');
    expect(tn('letters.new', 3)).toBe('3 nouveaux courriers');
    expect(tn('unlock.wait', 2)).toBe('Nouvel essai possible dans 2 secondes.');
  });
});
