// Throughput of an in-process 3-node cluster: RaftNode x3 over MemoryNetwork with MemoryLogStorage,
// 256-byte proposals, a fixed number kept in flight. Reports committed entries/s and CPU ns per
// entry (all three nodes share this one process, so CPU covers leader and followers).
//
//   npm run bench -w @reg/raft            (5 runs per setting, medians)
//   RUNS=3 npm run bench -w @reg/raft
import { cpus } from 'node:os';
import type { Entry } from '../src/core/types.js';
import { MemoryNetwork } from '../src/driver/memory-transport.js';
import { RaftNode } from '../src/driver/raft-node.js';
import { MemoryLogStorage } from '../src/storage/memory-log-storage.js';

const RUNS = Number(process.env.RUNS ?? 5);
const SETTINGS: { inflight: number; entries: number }[] = [
  { inflight: 1, entries: 5_000 },
  { inflight: 64, entries: 100_000 },
  { inflight: 1024, entries: 400_000 },
];

/** A state machine that does the least possible work: counts bytes. */
class CountingStateMachine {
  bytes = 0;
  apply(e: Entry): number {
    this.bytes += e.data.byteLength;
    return e.index;
  }
}

async function runOnce(inflight: number, total: number): Promise<{ perSec: number; cpuNs: number }> {
  const net = new MemoryNetwork();
  const ids = [1, 2, 3];
  const nodes = await Promise.all(
    ids.map((id) =>
      RaftNode.start<number>({
        id,
        voters: ids,
        storage: new MemoryLogStorage(),
        transport: net.transport(id),
        stateMachine: new CountingStateMachine(),
        tickMs: 20,
        electionTick: 10,
        maxInflightMsgs: 256,
      }),
    ),
  );
  nodes[0]!.campaign();
  while (nodes[0]!.role !== 'leader') await new Promise((r) => setTimeout(r, 5));
  const leader = nodes[0]!;
  const payload = new Uint8Array(256).fill(7);
  let started = 0;
  let done = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (started >= total) return;
      started++;
      leader.propose(payload).then(() => {
        done++;
        if (done === total) resolve();
        else next();
      }, reject);
    };
    for (let i = 0; i < inflight; i++) next();
  });
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(c0);
  for (const n of nodes) await n.stop();
  net.close();
  return { perSec: (total / wallNs) * 1e9, cpuNs: ((cpu.user + cpu.system) * 1000) / total };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

console.log(
  `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${RUNS} runs, medians`,
);
console.log('| in flight | committed entries/s | CPU ns/entry |');
console.log('| ---: | ---: | ---: |');
for (const { inflight, entries } of SETTINGS) {
  const rates: number[] = [];
  const cpu: number[] = [];
  await runOnce(inflight, Math.min(entries, 2000)); // warm-up
  for (let r = 0; r < RUNS; r++) {
    const x = await runOnce(inflight, entries);
    rates.push(x.perSec);
    cpu.push(x.cpuNs);
  }
  console.log(
    `| ${inflight} | ${Math.round(median(rates)).toLocaleString('en-US')} | ${Math.round(median(cpu)).toLocaleString('en-US')} |`,
  );
}
