// InstallSnapshot throughput: a leader whose state machine holds SIZE MiB (generated, 1 MiB per
// source chunk) compacts its log; a follower that was cut off then needs the snapshot, streamed
// through MemoryNetwork in chunks (default 1 MiB, 4 in flight). Measured from reconnecting the
// follower until it has installed the snapshot; MB/s = state bytes / that time.
//
//   npm run bench:snapshot -w @reg/raft          (3 runs of 64 MiB, medians)
//   SIZE=256 RUNS=5 npm run bench:snapshot -w @reg/raft
import { cpus } from 'node:os';
import type { Entry } from '../src/core/types.js';
import { MemoryNetwork } from '../src/driver/memory-transport.js';
import { RaftNode } from '../src/driver/raft-node.js';
import { MemoryLogStorage } from '../src/storage/memory-log-storage.js';

const RUNS = Number(process.env.RUNS ?? 3);
const SIZE_MIB = Number(process.env.SIZE ?? 64);
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A state machine of SIZE_MIB MiB that persists itself (so it compacts without saving a copy). */
class BlobStateMachine {
  applied = 0;
  restoredBytes = 0;
  readonly #chunk = new Uint8Array(MiB).fill(7);
  apply(e: Entry): void {
    this.applied = e.index;
  }
  appliedIndex(): number {
    return this.applied;
  }
  *snapshot(): Iterable<Uint8Array> {
    for (let i = 0; i < SIZE_MIB; i++) yield this.#chunk;
  }
  async restore(chunks: AsyncIterable<Uint8Array>, meta: { index: number }): Promise<void> {
    let n = 0;
    for await (const c of chunks) n += c.byteLength;
    this.restoredBytes = n;
    this.applied = meta.index;
  }
}

async function runOnce(): Promise<number> {
  const net = new MemoryNetwork();
  const ids = [1, 2, 3];
  const sms = ids.map(() => new BlobStateMachine());
  const nodes = await Promise.all(
    ids.map((id, i) =>
      RaftNode.start({
        id,
        voters: ids,
        storage: new MemoryLogStorage(),
        transport: net.transport(id),
        stateMachine: sms[i]!,
        tickMs: 20,
        electionTick: 10,
        snapshots: { compactAfterEntries: 20 },
      }),
    ),
  );
  nodes[0]!.campaign();
  while (nodes[0]!.role !== 'leader') await sleep(5);
  net.isolate(3, true, ids);
  for (let i = 0; i < 50; i++) await nodes[0]!.propose(Uint8Array.of(i));
  while (nodes[0]!.status().lastIndex - (nodes[0]!.status().applied - 0) > 0) await sleep(5);
  await sleep(50);
  const t0 = performance.now();
  net.isolate(3, false, ids);
  while (sms[2]!.restoredBytes < SIZE_MIB * MiB) await sleep(1);
  const ms = performance.now() - t0;
  for (const n of nodes) await n.stop();
  net.close();
  return (SIZE_MIB * MiB) / 1e6 / (ms / 1000);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${RUNS} runs, medians`,
);
const rates: number[] = [];
for (let r = 0; r < RUNS; r++) rates.push(await runOnce());
console.log(`| state | chunk | MB/s (median) | min | max |`);
console.log('| ---: | ---: | ---: | ---: | ---: |');
console.log(
  `| ${SIZE_MIB} MiB | 1 MiB | ${median(rates).toFixed(0)} | ${Math.min(...rates).toFixed(0)} | ${Math.max(...rates).toFixed(0)} |`,
);
