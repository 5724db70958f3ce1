// Child of keys-concurrency.test.ts: `node --import tsx tests/integration/keys-child.ts <profile> <n> <name>`
// (password in PLI_PASSWORD, or the test default). Seals letters 0..n-1 with jean.DUPONT's 2026 keys,
// skipping those a previous (killed) run completed, and prints one JSON line per letter with its ranges.
import { KeyService } from '../../src/host/keys';
import { openProfileMailbox } from '../../src/host/store';
import { PASSWORD } from './keys-support';

const [dir, nArg, name = 'A'] = process.argv.slice(2);
if (!dir || !nArg) throw new Error('usage: keys-child.ts <profile> <n> [name]');
const n = Number(nArg);
const mailbox = await openProfileMailbox(dir, process.env['PLI_PASSWORD'] ?? PASSWORD);
const keys = new KeyService(mailbox, { now: () => new Date('2026-06-15T10:00:00Z') });

// A letter is done when both its ranges (Master and user) are marked used under its reference.
const usedPerRef = new Map<string, number>();
for (const r of await mailbox.listReservations()) if (r.state === 'used') usedPerRef.set(r.letterRef, (usedPerRef.get(r.letterRef) ?? 0) + 1);
const done = new Set<number>();
for (const [ref, count] of usedPerRef) {
  const m = /^([A-Z]+)-(\d+)\.\d+$/.exec(ref);
  if (m && m[1] === name && count === 2) done.add(Number(m[2]));
}
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
out({ type: 'ready', done: done.size });

for (let i = 0; i < n; i++) {
  if (done.has(i)) continue;
  // One reference per attempt: a killed attempt's ranges stay apart from the retry's.
  const ref = `${name}-${i}.${process.pid}`;
  const r = await keys.sealLetterBody({
    text: `Courrier ${ref}\n`,
    recipients: { to: ['paul.MARTIN@medical69.apicrypt.org'] },
    mode: 'cp1252',
    userKeyOwner: 'jean.DUPONT',
    letterRef: ref,
  });
  out({ type: 'letter', ref, i, master: r.reservations.master, user: r.reservations.user, armored: r.armored });
}
await mailbox.close();
out({ type: 'done' });
