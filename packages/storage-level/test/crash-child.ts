/**
 * The crash-test child: appends heavily to a LevelLogStorage and reports on stdout, one line each,
 * `I <seq> <op>` before issuing an operation and `A <seq>` once it is durable. Stdout to a pipe is
 * synchronous on Linux, so a line the parent reads was written before the matching step happened.
 * The parent SIGKILLs it at a random moment. Usage: node crash-child.js <location> <seed>
 */
import { type Entry, EntryType, type HardState } from '@reg/raft';
import { LevelLogStorage } from '../src/level-log-storage.js';
import { type CrashOp, payload, prng } from './crash-model.js';

const [location, seedText] = process.argv.slice(2);
if (location === undefined || seedText === undefined) throw new Error('usage: crash-child <location> <seed>');
const rand = prng(Number(seedText));
const store = new LevelLogStorage({ location });
const state = await store.load();
let snapIndex = state.snapshot.index;
let last = snapIndex + state.entries.length;
let hs: HardState = state.hardState;
let term = Math.max(1, hs.term, state.entries.at(-1)?.term ?? 0);
const termOf = new Map<number, number>(state.entries.map((e) => [e.index, e.term]));
termOf.set(snapIndex, state.snapshot.term);
process.stdout.write('R\n');

let seq = 0;
const inflight = new Set<Promise<void>>();
const deadline = Date.now() + 10_000;

function issue(op: CrashOp, run: () => Promise<void>): void {
  const n = ++seq;
  process.stdout.write(`I ${n} ${JSON.stringify(op)}\n`);
  const p = run().then(() => {
    process.stdout.write(`A ${n}\n`);
  });
  inflight.add(p);
  void p.finally(() => inflight.delete(p));
}

function entries(first: number, n: number, t: number): Entry[] {
  return Array.from({ length: n }, (_, i) => ({
    index: first + i,
    term: t,
    type: EntryType.Normal,
    data: payload(first + i, t),
  }));
}

for (let step = 0; step < 50_000 && Date.now() < deadline; step++) {
  const r = rand();
  if (r < 0.04 && last > hs.commit + 1) {
    // A new leader overwrites an uncommitted suffix: alone, after everything before it settled.
    await Promise.all(inflight);
    const first = hs.commit + 1 + Math.floor(rand() * Math.min(8, last - hs.commit));
    term++;
    const n = 1 + Math.floor(rand() * 8);
    hs = { term, vote: 1 + Math.floor(rand() * 3), commit: hs.commit };
    const op: CrashOp = { t: 'a', first, n, term, hs };
    const ents = entries(first, n, term);
    issue(op, () => store.append({ entries: ents, hardState: op.hs as HardState }));
    for (let i = first; i < first + n; i++) termOf.set(i, term);
    last = first + n - 1;
    await Promise.all(inflight);
  } else if (r < 0.07 && hs.commit > snapIndex + 1) {
    await Promise.all(inflight);
    const index = snapIndex + 1 + Math.floor(rand() * (hs.commit - snapIndex));
    const op: CrashOp = { t: 'c', index, term: termOf.get(index) as number };
    issue(op, () =>
      store.compact({
        index,
        term: op.term,
        confState: {
          voters: [1, 2, 3],
          learners: [],
          votersOutgoing: [],
          learnersNext: [],
          autoLeave: false,
        },
      }),
    );
    for (let i = snapIndex; i < index; i++) termOf.delete(i);
    snapIndex = index;
    await Promise.all(inflight);
  } else {
    const n = 1 + Math.floor(rand() * (rand() < 0.3 ? 256 : 16));
    const first = last + 1;
    last += n;
    for (let i = first; i <= last; i++) termOf.set(i, term);
    const withHs = rand() < 0.5;
    if (withHs) hs = { ...hs, commit: Math.max(hs.commit, last - Math.floor(rand() * n)) };
    const op: CrashOp = withHs ? { t: 'a', first, n, term, hs } : { t: 'a', first, n, term };
    const ents = entries(first, n, term);
    issue(op, () =>
      op.hs === undefined
        ? store.append({ entries: ents })
        : store.append({ entries: ents, hardState: op.hs }),
    );
    // Up to 4 appends overlap, so group commit merges them.
    if (inflight.size >= 4) await Promise.race(inflight);
  }
}
await Promise.all(inflight);
await store.close();
process.stdout.write('D\n');
