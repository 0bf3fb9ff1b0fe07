/**
 * The snapshot crash child: alternates log appends, a large `saveSnapshot` (10-20 MiB streamed in
 * 64 KiB pieces) at the last index, and `compact` to that index, as the Raft driver does. It
 * prints `S <index>` before a save, `A <index>` once it resolved, and `C <index>` once the
 * compaction is durable. The parent SIGKILLs it at a random moment.
 * Usage: node crash-snapshot-child.js <location> <seed> <roundSeed>
 */
import { confStateOf, type Entry, EntryType } from '@reg/raft';
import { LevelLogStorage } from '../src/level-log-storage.js';
import { prng } from './crash-model.js';
import { snapshotContent } from './crash-snapshot-model.js';

const [location, seedText, roundText] = process.argv.slice(2);
if (location === undefined || seedText === undefined || roundText === undefined)
  throw new Error('usage: crash-snapshot-child <location> <seed> <roundSeed>');
const seed = Number(seedText);
const rand = prng(Number(roundText));
const store = new LevelLogStorage({ location });
const state = await store.load();
let last = state.snapshot.index + state.entries.length;
const term = Math.max(1, state.hardState.term);
process.stdout.write('R\n');

const deadline = Date.now() + 15_000;
for (let step = 0; step < 1000 && Date.now() < deadline; step++) {
  const n = 1 + Math.floor(rand() * 40);
  const entries: Entry[] = Array.from({ length: n }, (_, i) => ({
    index: last + 1 + i,
    term,
    type: EntryType.Normal,
    data: Uint8Array.of(i & 0xff),
  }));
  last += n;
  await store.append({ entries, hardState: { term, vote: 1, commit: last } });
  const meta = { index: last, term, confState: confStateOf([1, 2, 3]) };
  process.stdout.write(`S ${last}\n`);
  await store.saveSnapshot(meta, snapshotContent(seed, last));
  process.stdout.write(`A ${last}\n`);
  await store.compact(meta);
  process.stdout.write(`C ${last}\n`);
}
await store.close();
process.stdout.write('D\n');
