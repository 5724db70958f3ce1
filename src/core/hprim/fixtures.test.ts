import { describe, expect, it } from 'vitest';
import { buildFixtures, type Fixture } from '../../../tests/fixtures/hprim/generate';
import { parseHprim } from './parse';
import type { HprimDocument } from './types';

// The committed expected files (read by Vite at transform time: core tests may not touch node:fs).
// (import.meta.glob is typed by vite/client, referenced from src/renderer/env.d.ts.)
const committed = import.meta.glob<string>('../../../tests/fixtures/hprim/*.expected.json', { query: '?raw', import: 'default', eager: true });
const fixtures = buildFixtures();

function checkDocument(doc: HprimDocument | undefined, exp: Record<string, unknown>): void {
  expect(doc).toBeDefined();
  const d = doc!;
  const { textIncludes, reasonIncludes, lab, patient, ...rest } = exp as {
    textIncludes?: string[];
    reasonIncludes?: string;
    lab?: unknown[];
    patient?: Record<string, unknown>;
  } & Record<string, unknown>;
  if (patient) expect(d.patient).toMatchObject(patient);
  expect(d).toMatchObject(rest);
  if (lab) expect(d.lab).toEqual(lab);
  for (const t of textIncludes ?? []) expect(d.text).toContain(t);
  if (reasonIncludes !== undefined) expect(d.reason_fr).toContain(reasonIncludes);
  if (d.valid) expect(d.reason_fr).toBeUndefined();
}

describe('HPRIM fixtures (spec §5 matrix)', () => {
  it('the committed fixtures are those the generator produces', () => {
    const names = Object.keys(committed).map((k) => k.split('/').pop()!.replace('.expected.json', '')).sort();
    expect(names).toEqual(fixtures.map((f) => f.name).sort());
    for (const f of fixtures) {
      const key = Object.keys(committed).find((k) => k.endsWith(`/${f.name}.expected.json`))!;
      expect(JSON.parse(committed[key]!)).toEqual(JSON.parse(JSON.stringify(f.expected)));
    }
  });

  it('covers every charset, line end, 12/13 lines, multi-document, truncated RES, HTML, Santé delimiters', () => {
    const charsets = new Set(fixtures.map((f) => f.name.replace(/^medecins-|-(crlf|lf|cr)$/g, '')));
    for (const c of ['windows-1252', 'iso-8859-1', 'mac-roman', 'utf-8', 'utf-8-bom', 'utf-16le-bom']) expect(charsets).toContain(c);
    const med = fixtures.filter((f) => f.expected.kind === 'medecins');
    expect(new Set(med.map((f) => f.expected.lineEnd))).toEqual(new Set(['crlf', 'lf', 'cr']));
    const docs = med.flatMap((f) => f.expected.documents);
    expect(new Set(docs.map((d) => d.headerLines))).toEqual(new Set([12, 13]));
    expect(med.some((f) => f.expected.documents.length > 1)).toBe(true);
    expect(docs.some((d) => (d.lab as unknown[] | undefined)?.some((r) => (r as { code?: string }).code === 'TOXO'))).toBe(true);
    expect(med.some((f) => new TextDecoder().decode(f.bytes).includes('&eacute;'))).toBe(true);
    const sante = fixtures.filter((f) => f.expected.kind === 'sante').map((f) => new TextDecoder('latin1').decode(f.bytes));
    expect(sante.some((t) => t.startsWith('H|~^\\&'))).toBe(true);
    expect(sante.some((t) => t.startsWith('H!^~#$'))).toBe(true);
    expect(sante.some((t) => /[\r\n]A\|/.test(t) && /[\r\n]C\|/.test(t))).toBe(true);
  });

  it.each(fixtures.map((f) => [f.name, f] as [string, Fixture]))('%s parses to its expected values', (_name, f) => {
    const file = parseHprim(f.bytes);
    const e = f.expected;
    expect(file.kind).toBe(e.kind);
    expect(file.charset).toBe(e.charset);
    expect(file.lineEnd).toBe(e.lineEnd);
    if (e.version !== undefined) expect(file.version).toBe(e.version);
    if (e.problemsExactlyNone) expect(file.problems).toEqual([]);
    expect(file.problems.length).toBeGreaterThanOrEqual(e.problemsAtLeast);
    expect(file.documents).toHaveLength(e.documents.length);
    e.documents.forEach((exp, i) => checkDocument(file.documents[i], exp));
  });
});
