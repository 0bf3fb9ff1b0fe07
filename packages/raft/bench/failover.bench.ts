// Time from a leader's shutdown to a new leader, with and without leadership transfer: a 3-node
// in-process cluster (tickMs 20, electionTick 10: election timeouts of 200-400 ms). Without
// transfer the followers wait out their election timeout; with stop({ transfer: true }) the leader
// hands over first. Measured from the stop() call until a remaining node leads.
//
//   npm run bench:failover -w @reg/raft      (15 runs each, medians)
import { cpus } from 'node:os';
import { MemoryNetwork } from '../src/driver/memory-transport.js';
import { RaftNode } from '../src/driver/raft-node.js';
import { MemoryLogStorage } from '../src/storage/memory-log-storage.js';

const RUNS = Number(process.env.RUNS ?? 15);
const TICK_MS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runOnce(transfer: boolean): Promise<number> {
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
        tickMs: TICK_MS,
        electionTick: 10,
      }),
    ),
  );
  nodes[0]!.campaign();
  while (nodes[0]!.role !== 'leader' || nodes.some((n) => n.leader !== 1)) await sleep(2);
  await nodes[0]!.propose(Uint8Array.of(1));
  await sleep(100);
  const t0 = performance.now();
  await nodes[0]!.stop({ transfer });
  while (!nodes.slice(1).some((n) => n.role === 'leader')) await sleep(1);
  const ms = performance.now() - t0;
  for (const n of nodes) await n.stop();
  net.close();
  return ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${RUNS} runs, medians`,
);
console.log(`| shutdown | new leader after (ms, median) | min | max |`);
console.log('| --- | ---: | ---: | ---: |');
for (const transfer of [false, true]) {
  const xs: number[] = [];
  for (let r = 0; r < RUNS; r++) xs.push(await runOnce(transfer));
  const f = (x: number) => x.toFixed(1);
  console.log(
    `| ${transfer ? 'stop({ transfer: true })' : 'stop()'} | ${f(median(xs))} | ${f(Math.min(...xs))} | ${f(Math.max(...xs))} |`,
  );
}
