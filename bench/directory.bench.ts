/**
 * Directory search: `directory.search_ms` p50/p95 = one autocomplete search (tokenise, candidates from the
 * in-memory store, re-rank, merge) over a 100,000-entry synthetic flat-file directory imported through the
 * CSV importer, plus 500 own correspondents; goal p95 <= 30 ms. `directory.import_entries_s` = entries per
 * second through the importer (decode, detect, parse, map, normalise, index). `directory.mailbox_*`: the
 * same over the mailbox tables (encrypted SQLite, FTS5, through the store worker).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DirectoryService, InMemoryDirectoryStore, MailboxDirectoryStore, type DirectoryStore } from '../src/host/directory';
import { openMailbox } from '../src/host/store';
import { builtStoreWorker, percentile, type BenchFn } from './harness';

const SURNAMES = [
  'MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LAURENT', 'SIMON', 'MICHEL',
  'LEFEBVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL', 'FOURNIER', 'GIRARD', 'BONNET', 'DUPONT', 'LAMBERT', 'FONTAINE',
  'ROUSSEAU', 'VINCENT', 'MULLER', 'LEFÈVRE', 'FAURE', 'ANDRÉ', 'MERCIER', 'BLANC', 'GUÉRIN', 'BOYER', 'GARNIER', 'CHEVALIER',
  'FRANÇOIS', 'LEGRAND', 'GAUTHIER', 'GARCIA', 'PERRIN', 'ROBIN', 'CLÉMENT', 'MORIN', 'NICOLAS', 'HENRY', 'ROUSSEL', 'MATHIEU',
  "L'HERMITTE", 'LE GALL', 'BÉRANGER', 'CHÂTEAU', 'NOËL-MARTIN', 'DA SILVA',
];
const SYLLABLES = ['ba', 'ber', 'cha', 'do', 'fer', 'gau', 'lan', 'ma', 'mor', 'ni', 'pel', 'ri', 'sau', 'tel', 'vi', 'zan'];
const GIVEN = ['Jean', 'Marie', 'Pierre', 'Anne', 'Michel', 'Catherine', 'Philippe', 'Isabelle', 'Éric', 'Hélène', 'Zoé', 'Léa', 'François', 'Chloé'];
const PROF: Array<[string, string]> = [
  ['Médecin', 'Médecine générale'], ['Médecin', 'Cardiologie'], ['Médecin', 'Pédiatrie'], ['Médecin', 'Psychiatrie'], ['Médecin', 'Radiodiagnostic'],
  ['Infirmier', 'Soins infirmiers'], ['Pharmacien', "Pharmacie d'officine"], ['Masseur-kinésithérapeute', 'Kinésithérapie'], ['Sage-femme', 'Maïeutique'],
];
const CITIES: Array<[string, string]> = [
  ['Paris', '75011'], ['Lyon', '69003'], ['Marseille', '13005'], ['Toulouse', '31000'], ['Nice', '06000'], ['Nantes', '44000'], ['Strasbourg', '67000'],
  ['Montpellier', '34000'], ['Bordeaux', '33000'], ['Lille', '59000'], ['Rennes', '35000'], ['Saint-Étienne', '42000'], ['Le Havre', '76600'], ['Évreux', '27000'],
];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9-]/g, '');
}

/** A directory export: `;`, UTF-8 with BOM, some quoted fields, 40% common surnames and 60% rarer made-up ones. */
function makeCsv(n: number): { bytes: Uint8Array; surnames: string[] } {
  const rnd = prng(11);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const lines = ['Nom;Prénom;Profession;Spécialité;Adresse;Code postal;Ville;Téléphone;Adresse APICRYPT;RPPS;Adresse MSSanté'];
  const surnames: string[] = [];
  for (let i = 0; i < n; i++) {
    const sn = rnd() < 0.4 ? pick(SURNAMES) : (pick(SYLLABLES) + pick(SYLLABLES) + pick(SYLLABLES)).toUpperCase();
    surnames.push(sn);
    const gn = pick(GIVEN);
    const [prof, spec] = pick(PROF);
    const [city, pc] = pick(CITIES);
    const local = `${ascii(gn).toLowerCase()}.${ascii(sn).toUpperCase()}${i}`;
    const rpps = `1${String(i).padStart(10, '0')}`;
    const mss = rnd() < 0.3 ? `${local.toLowerCase()}@medecin.mssante.fr` : '';
    lines.push([sn, gn, prof, spec, `"${1 + (i % 120)}, rue de la République"`, pc, city, `01 ${String(i % 100).padStart(2, '0')} 00 00 00`, `${local}@medical${pc.slice(0, 2)}.apicrypt.org`, rpps, mss].join(';'));
  }
  const body = new TextEncoder().encode(lines.join('\r\n') + '\r\n');
  const bytes = new Uint8Array(body.length + 3);
  bytes.set([0xef, 0xbb, 0xbf]);
  bytes.set(body, 3);
  return { bytes, surnames };
}

/** Imports the directory and 500 correspondents into `store`, then times the same queries. */
async function measure(ctx: Parameters<BenchFn>[0], store: DirectoryStore, n: number, bytes: Uint8Array, surnames: string[]) {
  const service = new DirectoryService(store);
  await service.open();
  const t0 = performance.now();
  const summary = await service.importCsv('bench', 'Annuaire synthétique', bytes);
  const importS = (performance.now() - t0) / 1000;
  if (summary.entries !== n) throw new Error(`imported ${summary.entries} of ${n}`);
  ctx.log(`imported ${n} entries (${(bytes.length / 1e6).toFixed(1)} MB) in ${importS.toFixed(2)} s`);
  for (let i = 0; i < 500; i++) await service.recordCorrespondent(`corr.${ascii(surnames[i * 7]!)}${i}@medical75.apicrypt.org`, `Jean ${surnames[i * 7]!}`);

  const rnd = prng(7);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const queries: string[] = [];
  for (let i = 0; i < (ctx.quick ? 300 : 2000); i++) {
    const sn = pick(surnames).toLowerCase();
    const kind = i % 8;
    queries.push(
      kind === 0 ? sn.slice(0, 1)
      : kind === 1 ? sn.slice(0, 2)
      : kind === 2 ? sn.slice(0, 4)
      : kind === 3 ? sn
      : kind === 4 ? `${sn.slice(0, 3)} ${pick(CITIES)[0].toLowerCase()}`
      : kind === 5 ? `${pick(GIVEN)} ${sn.slice(0, 5)}`
      : kind === 6 ? `${sn.slice(0, 4)} ${pick(PROF)[1].slice(0, 6)}`
      : `${pick(['cardio', 'pedia', 'infirm', 'kine'])} ${pick(CITIES)[0]}`,
    );
  }
  for (const q of queries.slice(0, 50)) await service.search(q); // warm-up
  const times: number[] = [];
  let found = 0;
  for (const q of queries) {
    const t = performance.now();
    const r = await service.search(q, { limit: 20 });
    times.push(performance.now() - t);
    if (r.length > 0) found++;
  }
  ctx.log(`${queries.length} queries, ${found} with results; worst ${Math.max(...times).toFixed(1)} ms; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  return { p50: percentile(times, 50), p95: percentile(times, 95), importRate: Math.round(n / importS) };
}

const bench: BenchFn = async (ctx) => {
  const n = ctx.quick ? 10_000 : 100_000;
  const { bytes, surnames } = makeCsv(n);
  const mem = await measure(ctx, new InMemoryDirectoryStore(), n, bytes, surnames);
  // The same over the mailbox tables (encrypted database, FTS5, queries through the store worker).
  const mailbox = await openMailbox({ file: join(ctx.tmpDir, 'mailbox.db'), key: randomBytes(32), create: true, workerUrl: await builtStoreWorker() });
  try {
    const mbx = await measure(ctx, new MailboxDirectoryStore(mailbox), n, bytes, surnames);
    return {
      'directory.search_ms_p50': mem.p50,
      'directory.search_ms': mem.p95,
      'directory.import_entries_s': mem.importRate,
      'directory.mailbox_search_ms_p50': mbx.p50,
      'directory.mailbox_search_ms': mbx.p95,
      'directory.mailbox_import_entries_s': mbx.importRate,
    };
  } finally {
    await mailbox.close();
  }
};

export default bench;
