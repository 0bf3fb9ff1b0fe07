// Linearizable reads/s of an in-process 3-node cluster (RaftNode x3 over MemoryNetwork with
// MemoryLogStorage): readIndex() with ReadIndex ('safe') and lease reads, on the leader and on a
// follower, with a fixed number of reads kept in flight. Concurrent reads are batched into one
// confirmation round, so throughput grows with the number in flight.
//
//   npm run bench:reads -w @reg/raft        (5 runs per setting, medians)
//   RUNS=3 npm run bench:reads -w @reg/raft
import { cpus } from 'node:os';
import type { ReadOnlyOption } from '../src/core/config.js';
import { MemoryNetwork } from '../src/driver/memory-transport.js';
import { RaftNode } from '../src/driver/raft-node.js';
import { MemoryLogStorage } from '../src/storage/memory-log-storage.js';

const RUNS = Number(process.env.RUNS ?? 5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runOnce(
  mode: ReadOnlyOption,
  on: 'leader' | 'follower',
  inflight: number,
  total: number,
): Promise<number> {
  const net = new MemoryNetwork();
  const ids = [1, 2, 3];
  const nodes = await Promise.all(
    ids.map((id) =>
      RaftNode.start({
        id,
        voters: ids,
        storage: new MemoryLogStorage(),
        transport: net.transport(id),
        stateMachine: { apply: () => undefined },
        tickMs: 20,
        electionTick: 10,
        readOnlyOption: mode,
      }),
    ),
  );
  nodes[0]!.campaign();
  while (nodes[0]!.role !== 'leader' || nodes[1]!.leader !== 1) await sleep(5);
  await nodes[0]!.propose(Uint8Array.of(1));
  if (mode === 'lease-based') while (!nodes[0]!.status().leaseValid) await sleep(5);
  const node = on === 'leader' ? nodes[0]! : nodes[1]!;
  let started = 0;
  let done = 0;
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (started >= total) return;
      started++;
      node.readIndex().then(() => {
        done++;
        if (done === total) resolve();
        else next();
      }, reject);
    };
    for (let i = 0; i < inflight; i++) next();
  });
  const wallNs = Number(process.hrtime.bigint() - t0);
  for (const n of nodes) await n.stop();
  net.close();
  return (total / wallNs) * 1e9;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${RUNS} runs, medians`,
);
console.log('| read mode | on | in flight | reads/s |');
console.log('| --- | --- | ---: | ---: |');
for (const mode of ['safe', 'lease-based'] as const) {
  for (const on of ['leader', 'follower'] as const) {
    for (const inflight of [1, 256]) {
      const total = inflight === 1 ? 5_000 : 200_000;
      await runOnce(mode, on, inflight, 1_000); // warm-up
      const rates: number[] = [];
      for (let r = 0; r < RUNS; r++) rates.push(await runOnce(mode, on, inflight, total));
      console.log(`| ${mode} | ${on} | ${inflight} | ${Math.round(median(rates)).toLocaleString('en-US')} |`);
    }
  }
}
