import { describe, expect, it } from 'vitest';
import { decide, type Actor, type PolicyContext } from './policy';

const ctx: PolicyContext = {
  delegations: { a: ['b'], b: [] },
  cards: { a: { fingerprint: 'AA' }, b: { rpps: '10100000002' } },
  doctorNames: { a: 'Dr A', b: 'Dr B' },
};
const docA: Actor = { id: 'pa', name: 'A', role: 'doctor', doctorId: 'a' };
const docB: Actor = { id: 'pb', name: 'B', role: 'doctor', doctorId: 'b' };
const sec: Actor = { id: 's', name: 'S', role: 'secretary' };
const adm: Actor = { id: 'x', name: 'X', role: 'administrator' };
const folderOf = (doctorId: string) => ({ folder: { kind: 'doctor' as const, doctorId } });

describe('decide', () => {
  it('folders: own, delegated, secretariat; not the administrator', () => {
    expect(decide(docA, 'letter.read', folderOf('a'), ctx).allowed).toBe(true);
    expect(decide(docA, 'letter.read', folderOf('b'), ctx).allowed).toBe(false);
    expect(decide(docB, 'letter.read', folderOf('a'), ctx).allowed).toBe(true);
    expect(decide(sec, 'letter.move', folderOf('b'), ctx).allowed).toBe(true);
    expect(decide(sec, 'folder.read', { folder: { kind: 'a_trier' } }, ctx).allowed).toBe(true);
    expect(decide(adm, 'letter.read', folderOf('a'), ctx).allowed).toBe(false);
  });

  it('signing needs the doctor, in their own session, with their own card', () => {
    expect(decide(docA, 'letter.sign', { card: { fingerprint: 'aa' } }, ctx).allowed).toBe(true);
    expect(decide(docA, 'letter.sign', { card: { fingerprint: 'BB' } }, ctx).allowed).toBe(false);
    expect(decide(docA, 'letter.sign', { doctorId: 'b', card: { rpps: '10100000002' } }, ctx).allowed).toBe(false);
    expect(decide(docB, 'letter.sign', { card: { rpps: '10100000002' } }, ctx).allowed).toBe(true);
    const r = decide(sec, 'letter.sign', { doctorId: 'a', card: { fingerprint: 'AA' } }, ctx);
    expect(r.allowed).toBe(false);
    expect(!r.allowed && r.message_fr).toContain('Dr A');
  });

  it('people, settings and audit belong to the administrator', () => {
    for (const a of ['people.manage', 'practice.configure', 'audit.read'] as const) {
      expect(decide(adm, a, {}, ctx).allowed).toBe(true);
      expect(decide(sec, a, {}, ctx).allowed).toBe(false);
      expect(decide(docA, a, {}, ctx).allowed).toBe(false);
    }
    expect(decide(sec, 'letter.send', { doctorId: 'a' }, ctx).allowed).toBe(true);
    expect(decide(docB, 'letter.send', { doctorId: 'a' }, ctx).allowed).toBe(false);
  });
});
