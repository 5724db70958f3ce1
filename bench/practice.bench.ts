// Drop-folder export throughput: N letters of one ~2 KB HPRIM document each, queued durably and
// delivered to a local folder with every fsync of the real protocol (staged file, staging dir, journal
// 'staged', folder, journal 'done'). Goal (issue 5): >= 500 files/s.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DropFolderExporter, FileExportJournal } from '../src/host/practice/index';
import type { BenchFn } from './harness';

function doc(i: number): Uint8Array {
  const head = [`P${i}`, `PATIENT${i}`, 'Camille', '12 rue des Essais'.padEnd(30), ''.padEnd(30), '75011 PARIS', '01/02/1970',
    '170027511012345', `REF${i}`, '21/11/2026', 'LABO01     Laboratoire Fictif', 'DOC0000001 Dr Exemple', ''];
  const body = Array.from({ length: 40 }, (_, n) => `Ligne ${n} du compte rendu synthétique numéro ${i}.`);
  return Buffer.from([...head, ...body, '****FIN****', '****FINFICHIER****', ''].join('\r\n'), 'latin1');
}

const bench: BenchFn = async (ctx) => {
  const count = ctx.quick ? 1000 : 10_000;
  const folder = join(ctx.tmpDir, 'import');
  mkdirSync(folder);
  const journal = await FileExportJournal.open(join(ctx.tmpDir, 'export.jsonl'));
  const exporter = new DropFolderExporter({
    profile: {
      id: 'resutext', name_fr: 'resutext', folder, fileNamePattern: 'resutext{compteur}', extension: 'txt',
      charset: 'windows-1252', lineEnd: 'crlf', line13: 'empty', line1: 'patient_code', okFile: false,
    },
    journal,
  });
  await exporter.start();
  const docs = Array.from({ length: count }, (_, i) => doc(i));
  const t0 = performance.now();
  // Letters arrive concurrently (as a sync delivers them); each enqueue resolves once durable.
  await Promise.all(docs.map((bytes, i) => exporter.enqueue(`L${i}`, [{ index: 0, bytes, tokens: {} }])));
  await exporter.whenIdle();
  const ms = performance.now() - t0;
  await exporter.stop();
  await journal.close();
  const files = readdirSync(folder).filter((f) => f.endsWith('.txt')).length;
  if (files !== count) throw new Error(`expected ${count} files, found ${files}`);
  ctx.log(`${count} files in ${ms.toFixed(0)} ms`);
  return { 'hprim.export_files_s': Math.round((count / ms) * 1000) };
};
export default bench;
