/**
 * Mailbox benchmark (issue 3 item 7): a synthetic mailbox of 100,000 letters (5,000 with --quick), 30% with
 * lab results, 5,000 patients, inserted in batches through the worker-backed Mailbox; then open, first page,
 * 100 varied searches and patient histories. The same insert and search run on an unencrypted database as
 * the baseline (`mailbox.baseline_*`).
 */
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createProfile, unlock } from '../src/host/profile';
import { openMailbox, type Mailbox, type SearchFilters } from '../src/host/store';
import { searchIndexFile } from '../src/host/store/search-index';
import { patientFor, rng, syntheticLetter } from '../tests/fixtures/mailbox/synthetic';
import { builtStoreWorker, percentile, rssMb, type BenchFn } from './harness';

const PASSWORD = 'Banc-Essai-2026!';
const BATCH = 500;
const PATIENTS = 5000;

async function fill(mb: Mailbox, n: number, peak: { rss: number }): Promise<number> {
  let ms = 0;
  for (let start = 0; start < n; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) batch.push(syntheticLetter(i, { seed: 7, patients: PATIENTS }));
    const t0 = performance.now();
    await mb.insertLetters(batch);
    ms += performance.now() - t0;
    peak.rss = Math.max(peak.rss, rssMb());
  }
  return ms;
}

function queries(n: number): { q: string; f: SearchFilters }[] {
  const r = rng(99);
  const words = ['hémo', 'hemoglobine', 'cardi', 'écho', 'echographie', 'bilan biologique', 'cafe', 'potass', 'créat', 'thyro', 'fracture poignet', 'hypertension artérielle', 'ordonnance', 'scanner', 'irm cérébrale', 'glyc', 'douleur thoracique', 'vaccination grippe', 'sevrage tabac', 'nodule'];
  const since = Date.UTC(2023, 0, 1);
  const span = n * 900_000;
  const out: { q: string; f: SearchFilters }[] = [];
  for (let i = 0; i < 100; i++) {
    const kind = i % 5;
    const p = patientFor(Math.floor(r() * PATIENTS));
    if (kind === 0) out.push({ q: words[i % words.length]!, f: {} });
    else if (kind === 1) out.push({ q: `${p.surname.split('-')[0]!.toLowerCase().slice(0, 5)} ${p.firstName.slice(0, 3)}`, f: {} });
    else if (kind === 2) out.push({ q: words[(i * 7) % words.length]!, f: { abnormal: true } });
    else if (kind === 3) {
      const from = since + Math.floor(r() * span * 0.8);
      out.push({ q: words[(i * 3) % words.length]!, f: { from, to: from + span * 0.1 } });
    } else out.push({ q: '', f: { sender: 'labo.biopole@medical.apicrypt.org', abnormal: i % 2 === 0 } });
  }
  return out;
}

async function searchTimes(mb: Mailbox, n: number): Promise<number[]> {
  const times: number[] = [];
  for (const { q, f } of queries(n)) {
    const t0 = performance.now();
    await mb.search(q, f, { limit: 50 });
    times.push(performance.now() - t0);
  }
  return times;
}

function sizeMb(file: string): number {
  let s = 0;
  const index = searchIndexFile(file);
  for (const f of [file, `${file}-journal`, index, `${index}-journal`]) if (existsSync(f)) s += statSync(f).size;
  return s / (1024 * 1024);
}

const bench: BenchFn = async (ctx) => {
  const n = ctx.quick ? 5000 : 100_000;
  const peak = { rss: rssMb() };
  const out: Record<string, number> = {};

  // Encrypted, through the real profile path.
  const dir = join(ctx.tmpDir, 'profile');
  const file = join(dir, 'mailbox.db');
  const { dbKey } = await createProfile(dir, PASSWORD);
  let mb = await openMailbox({ file, key: dbKey, workerUrl: await builtStoreWorker() });
  ctx.log(`inserting ${n} letters (encrypted)`);
  const insertMs = await fill(mb, n, peak);
  // Closing waits for the search index (written in parallel by its own worker) to hold every letter:
  // part of the insert work, so it is timed with it.
  const c0 = performance.now();
  await mb.close();
  ctx.log(`close ${Math.round(performance.now() - c0)} ms, fill ${Math.round(insertMs)} ms`);
  out['mailbox.insert_letters_s'] = Math.round((n / (insertMs + performance.now() - c0)) * 1000);

  const t0 = performance.now();
  const key = await unlock(dir, PASSWORD);
  mb = await openMailbox({ file, key, workerUrl: await builtStoreWorker() });
  const t1 = performance.now();
  const first = await mb.listFolder('reception', { limit: 50 });
  const t2 = performance.now();
  if (first.items.length !== 50) throw new Error('first page incomplete');
  out['mailbox.open_ms'] = t2 - t0;
  out['mailbox.first_page_ms'] = t2 - t1;

  const st = await searchTimes(mb, n);
  out['mailbox.search_p50_ms'] = percentile(st, 50);
  out['mailbox.search_p95_ms'] = percentile(st, 95);

  const r = rng(5);
  const hist: number[] = [];
  for (let i = 0; i < 30; i++) {
    const p = patientFor(Math.floor(r() * PATIENTS));
    const found = (await mb.findPatients(p.surname, 50)).find((x) => x.firstName === p.firstName && x.birthDate === p.birthDate);
    if (!found) continue;
    const h0 = performance.now();
    await mb.patientHistory(found.id);
    hist.push(performance.now() - h0);
  }
  if (hist.length === 0) throw new Error('no patient found for the history measure');
  out['mailbox.patient_history_ms'] = percentile(hist, 50);
  peak.rss = Math.max(peak.rss, rssMb());
  await mb.close();
  out['mailbox.db_mb'] = sizeMb(file);
  out['mailbox.rss_mb'] = peak.rss;

  // Baseline: the same work on an unencrypted database.
  const plain = join(ctx.tmpDir, 'plain.db');
  const pb = await openMailbox({ file: plain, key: null, create: true, workerUrl: await builtStoreWorker() });
  ctx.log(`inserting ${n} letters (baseline, unencrypted)`);
  const plainMs = await fill(pb, n, { rss: 0 });
  const p0 = performance.now();
  await pb.close();
  out['mailbox.baseline_insert_letters_s'] = Math.round((n / (plainMs + performance.now() - p0)) * 1000);
  const pr = await openMailbox({ file: plain, key: null, workerUrl: await builtStoreWorker() });
  const pst = await searchTimes(pr, n);
  out['mailbox.baseline_search_p95_ms'] = percentile(pst, 95);
  await pr.close();
  return out;
};

export default bench;
