import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHprim, splitDocuments } from '../../src/core/hprim';
import { A_TRIER_NAME, GroupRouter, RULES_SETTING, type RoutedLetter } from '../../src/host/group';
import { DropFolderExporter, FileExportJournal, type PracticeProfile } from '../../src/host/practice';
import { encodeText } from '../../src/core/hprim/charset-encode';
import { EXPECTED_FILE, expectedTable, generateGroupLetters, type GroupLetter } from '../fixtures/group/generate';
import { PRACTICE, RULES } from '../fixtures/group/practice';
import { groupEnv, storeLetters, type GroupEnv } from './group-support';

let env: GroupEnv;
let letters: GroupLetter[];
let ids: Map<string, number>;
let router: GroupRouter;
const routed = new Map<string, RoutedLetter>();

beforeAll(async () => {
  env = await groupEnv();
  await env.mailbox.setSetting(RULES_SETTING, RULES);
  letters = generateGroupLetters();
  ids = await storeLetters(env.mailbox, letters);
  router = new GroupRouter(env.mailbox, PRACTICE);
  for (const l of letters) {
    const file = parseHprim(l.bytes);
    routed.set(l.id, await router.route(ids.get(l.id)!, { documents: file.documents, sender: l.sender, addresses: l.addresses }));
  }
});
afterAll(() => env?.close());

describe('routing of 500 letters in a five-doctor practice', () => {
  it('the fixture is the committed expected table', () => {
    const committed = JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Record<string, { expected: string; form: string }>;
    expect(expectedTable(letters)).toEqual(committed);
    expect(Object.keys(committed)).toHaveLength(500);
    // Every family of forms is present, and both outcomes are well represented.
    const forms = new Set(Object.values(committed).map((v) => v.form));
    for (const f of ['identifier', 'padded-code', 'padded-code+name', 'name-last-first', 'rpps', 'unknown-name', 'homonym-surname-only', 'unpadded-name']) {
      expect(forms).toContain(f);
    }
    const aTrier = Object.values(committed).filter((v) => v.expected === 'a_trier').length;
    expect(aTrier).toBeGreaterThan(50);
    expect(aTrier).toBeLessThan(300);
  });

  it('routes every letter exactly as the expected table says', () => {
    const committed = JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Record<string, { expected: string; form: string }>;
    const got = Object.fromEntries([...routed].map(([id, r]) => [id, r.target]));
    const want = Object.fromEntries(Object.entries(committed).map(([id, v]) => [id, v.expected]));
    expect(got).toEqual(want);
  });

  it('leaves each letter in the folder of its doctor, or in "À trier" with the reason', async () => {
    const folders = await env.mailbox.listFolders();
    const aTrier = folders.find((f) => f.name === A_TRIER_NAME && f.kind === 'user')!;
    expect(aTrier).toBeDefined();
    for (const d of PRACTICE.doctors) {
      const f = folders.find((x) => x.kind === 'doctor' && x.owner === d.id)!;
      expect(f, d.id).toBeDefined();
      expect(f.total).toBe(letters.filter((l) => l.expected === d.id).length);
    }
    expect(aTrier.total).toBe(letters.filter((l) => l.expected === 'a_trier').length);
    expect(await env.mailbox.countLetters('reception')).toBe(0);
    for (const [id, r] of routed) {
      const letter = await env.mailbox.getLetter(ids.get(id)!);
      expect(letter!.folderId).toBe(r.folderId);
      expect(r.reason_fr.length).toBeGreaterThan(10);
      if (r.target === 'a_trier') expect(['unknown', 'ambiguous', 'conflict']).toContain(r.reason);
      else expect(r.dropProfileId).toBe(PRACTICE.doctors.find((d) => d.id === r.target)!.dropProfileId);
    }
    // Homonyms are never guessed: "MARTIN" alone names both MARTIN doctors.
    const homonym = letters.find((l) => l.form === 'homonym-surname-only')!;
    const r = routed.get(homonym.id)!;
    expect(r.reason).toBe('ambiguous');
    expect('candidates' in r && [...r.candidates].sort()).toEqual(['claire-martin', 'paul-martin']);
  });

  it('each doctor’s drop folder receives exactly their letters', async () => {
    const drop = join(env.root, 'depots');
    const exporters = new Map<string, DropFolderExporter>();
    for (const d of PRACTICE.doctors) {
      const folder = join(drop, d.id);
      mkdirSync(folder, { recursive: true });
      const profile: PracticeProfile = {
        id: d.dropProfileId!, name_fr: `Logiciel du ${d.surname}`, folder, fileNamePattern: 'resutext{compteur:3}', extension: 'txt',
        charset: 'windows-1252', lineEnd: 'crlf', line13: 'empty', line1: 'patient_code', okFile: false,
      };
      const journal = await FileExportJournal.open(join(env.root, `journal-${d.id}.jsonl`));
      const ex = new DropFolderExporter({ profile, journal, retryMinMs: 20, retryMaxMs: 50 });
      await ex.start();
      exporters.set(profile.id, ex);
    }
    for (const l of letters) {
      const r = routed.get(l.id)!;
      if (!r.dropProfileId) continue;
      const docs = splitDocuments(parseHprim(l.bytes)).map((s, index) => ({ index, bytes: s.bytes, tokens: {} }));
      await exporters.get(r.dropProfileId)!.enqueue(String(r.letterId), docs);
    }
    await Promise.all([...exporters.values()].map((e) => e.whenIdle()));
    await Promise.all([...exporters.values()].map((e) => e.stop()));
    for (const d of PRACTICE.doctors) {
      const folder = join(drop, d.id);
      const files = readdirSync(folder).filter((f) => f.endsWith('.txt'));
      const refs = files.map((f) => parseHprim(readFileSync(join(folder, f))).documents[0]!.reference!).sort();
      const want = letters
        .filter((l) => l.expected === d.id)
        .flatMap((l) => Array.from({ length: l.documents }, (_, n) => `${l.id}-D${n}`))
        .sort();
      expect(refs, d.id).toEqual(want);
    }
  });

  it('a manual routing choice becomes a rule for the next letters of that sender', async () => {
    const nadia = { id: 'nadia', name: 'Nadia (secrétariat)', role: 'secretary' as const };
    const sender = 'labo.NOUVEAU@medical35.apicrypt.org';
    const make = (ref: string) =>
      encodeText(
        ['P1', 'FAURE', 'Zoé', '', '', '35000 RENNES', '02/03/1980', '', ref, '20/11/2026', `${'NOUV'.padEnd(10)} Laboratoire Nouveau`, `${''.padEnd(10)} `, '', 'Texte.', '****FIN****', '****FINFICHIER****'].join('\r\n'),
        'windows-1252',
      ).bytes;
    const [first, second] = await Promise.all(
      ['NOUV-1', 'NOUV-2'].map(async (ref) => {
        const r = await env.mailbox.insertLetters([{ kind: 'apicrypt', folder: 'reception', payload: make(ref), text: ref, sender, receivedAt: Date.now() }]);
        return { id: r.ids[0]!, doc: parseHprim(make(ref)).documents };
      }),
    );
    const r1 = await router.route(first!.id, { documents: first!.doc, sender });
    expect(r1.target).toBe('a_trier');
    const hand = await router.routeByHand(nadia, first!.id, 'sophie-bernard', { rememberSender: sender });
    expect(hand.dropProfileId).toBe('drop-sophie');
    expect((await env.mailbox.getLetter(first!.id))!.folderId).toBe(hand.folderId);
    const r2 = await router.route(second!.id, { documents: second!.doc, sender });
    expect(r2.target).toBe('sophie-bernard');
    expect(r2.reason).toBe('rule');
    // The rule survives a new router (it lives in the mailbox).
    const again = new GroupRouter(env.mailbox, PRACTICE);
    expect((await again.decide({ documents: second!.doc, sender })).target).toBe('sophie-bernard');
  });
});
