// Child process for the drop-folder integration tests (run with `node --import tsx`), so that the
// exporter can be killed with SIGKILL and a reader can poll the folder from another process.
//   export <folder> <journal> <count> [<faultPoint>:<n>]  queue <count> letters (once) and deliver them
//   reader <folder> <count> <timeoutMs>                    read every file as it appears, check it whole
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DropFolderExporter, FileExportJournal, type FaultPoint, type PracticeProfile } from '../../src/host/practice/index';

/** Deterministic synthetic document number i (fictitious patient), 1 KB to ~30 KB. */
export function expectedDoc(i: number): Buffer {
  const head = [
    `P${String(i).padStart(6, '0')}`, `PATIENT${i}`, 'Camille', '12 rue des Essais', '', '75011 PARIS', '01/02/1970',
    '', `REF${i}`, '21/11/2026', 'LABO01     Laboratoire Fictif', 'DOC0000001 Dr Exemple',
  ].join('\r\n');
  const lines: string[] = [];
  const target = 1000 + ((i * 7919) % 30) * 1000;
  let size = head.length;
  for (let n = 0; size < target; n++) {
    const l = `Ligne ${n} du document ${i} : résultat synthétique ${((i + 1) * (n + 3)) % 997}`;
    lines.push(l);
    size += l.length + 2;
  }
  return Buffer.from(`${head}\r\n\r\n${lines.join('\r\n')}\r\n****FIN****\r\n****FINFICHIER****\r\n`, 'latin1');
}

export const expectedAttachment = (i: number): Buffer => Buffer.from(`%PDF-1.4 pièce jointe fictive ${i}\n`.repeat(50));

/** Which document a file holds (from its header), or -1. */
export function docNumber(b: Buffer): number {
  const m = /^P(\d{6})\r\n/.exec(b.subarray(0, 16).toString('latin1'));
  return m ? Number(m[1]) : -1;
}

export function childProfile(folder: string): PracticeProfile {
  return {
    id: 'resutext', name_fr: 'resutext', folder, fileNamePattern: 'resutext{compteur}', extension: 'txt',
    charset: 'windows-1252', lineEnd: 'crlf', line13: 'empty', line1: 'patient_code', okFile: true,
  };
}

async function exportMain(folder: string, journalPath: string, count: number, crash?: string): Promise<void> {
  const journal = await FileExportJournal.open(journalPath);
  const [point, at] = (crash ?? '').split(':');
  let hits = 0;
  const exporter = new DropFolderExporter({
    profile: childProfile(folder),
    journal,
    batchSize: 16,
    faultHook: (p: FaultPoint) => {
      if (p === point && ++hits >= Number(at)) process.kill(process.pid, 'SIGKILL');
    },
  });
  await exporter.start();
  for (let i = 0; i < count; i++) {
    await exporter.enqueue(`L${i}`, [{ index: 0, bytes: expectedDoc(i), tokens: {} }], i % 10 === 0 ? [{ name: 'cr.pdf', bytes: expectedAttachment(i) }] : []);
  }
  await exporter.whenIdle();
  await exporter.stop();
  await journal.close();
  process.stdout.write('DONE\n');
}

async function readerMain(folder: string, count: number, timeoutMs: number): Promise<void> {
  const seen = new Set<string>();
  const bad: string[] = [];
  const t0 = Date.now();
  let reads = 0;
  process.stdout.write('READY\n');
  while (seen.size < count && Date.now() - t0 < timeoutMs) {
    let names: string[] = [];
    try {
      names = readdirSync(folder);
    } catch {}
    for (const n of names) {
      if (n.startsWith('.') || !n.endsWith('.txt') || seen.has(n)) continue;
      seen.add(n);
      const b = readFileSync(join(folder, n));
      reads++;
      const i = docNumber(b);
      if (i < 0 || !b.equals(expectedDoc(i))) bad.push(`${n} (${b.length} octets)`);
    }
    await new Promise((r) => setImmediate(r));
  }
  process.stdout.write(JSON.stringify({ seen: seen.size, reads, bad }) + '\n');
}

if (process.env.PLI_PRACTICE_CHILD === '1') {
  const [mode, a, b, c, d] = process.argv.slice(2);
  if (mode === 'export') await exportMain(a!, b!, Number(c), d);
  else if (mode === 'reader') await readerMain(a!, Number(b), Number(c));
  else throw new Error(`unknown mode ${mode}`);
}
