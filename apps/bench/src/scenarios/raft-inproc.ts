import { type Entry, MemoryLogStorage, MemoryNetwork, RaftNode } from '@reg/raft';
import { flagList } from '../args.js';
import { sleep } from '../net-util.js';
import type { Table } from '../report.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';

/** The least possible state machine: counts bytes, so the figures are Raft's own cost. */
class CountingStateMachine {
  bytes = 0;
  apply(e: Entry): number {
    this.bytes += e.data.byteLength;
    return e.index;
  }
}

interface InprocRun {
  readonly inFlight: number;
  readonly entries: number;
  readonly seconds: number;
  readonly entriesPerSec: number;
  readonly cpuNsPerEntry: number;
}

/** Three RaftNodes in this process over MemoryNetwork and MemoryLogStorage; `seconds` of proposals. */
async function runOnce(inFlight: number, seconds: number, valueSize: number): Promise<InprocRun> {
  const network = new MemoryNetwork();
  const ids = [1, 2, 3];
  const nodes = await Promise.all(
    ids.map((id) =>
      RaftNode.start<number>({
        id,
        voters: ids,
        storage: new MemoryLogStorage(),
        transport: network.transport(id),
        stateMachine: new CountingStateMachine(),
        tickMs: 20,
        electionTick: 10,
      }),
    ),
  );
  try {
    const leader = nodes[0]!;
    leader.campaign();
    for (let i = 0; i < 500 && leader.role !== 'leader'; i++) await sleep(5);
    if (leader.role !== 'leader') throw new Error('no leader within 2.5 s');
    const payload = new Uint8Array(valueSize).fill(7);
    const deadline = performance.now() + seconds * 1000;
    let done = 0;
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    await new Promise<void>((resolve, reject) => {
      let active = inFlight;
      const next = (): void => {
        if (performance.now() >= deadline) {
          if (--active === 0) resolve();
          return;
        }
        leader.propose(payload).then(() => {
          done++;
          next();
        }, reject);
      };
      for (let i = 0; i < inFlight; i++) next();
    });
    const wallNs = Number(process.hrtime.bigint() - t0);
    const cpu = process.cpuUsage(cpu0);
    return {
      inFlight,
      entries: done,
      seconds: wallNs / 1e9,
      entriesPerSec: (done / wallNs) * 1e9,
      cpuNsPerEntry: ((cpu.user + cpu.system) * 1000) / Math.max(1, done),
    };
  } finally {
    for (const n of nodes) await n.stop();
    network.close();
  }
}

export const raftInproc: Scenario = {
  name: 'raft-inproc',
  summary: 'three RaftNodes in one process (MemoryNetwork, MemoryLogStorage): committed entries/s',
  flags: {
    conc: { kind: 'list', help: 'proposals in flight per level (default 1,64,1024)' },
    'value-size': { kind: 'int', help: 'bytes per proposal (default 256)' },
  },
  defaults: { runs: 5, seconds: 3, warmup: 1 },
  peers: [],
  async run(flags, o, log) {
    const levels = flagList(flags, 'conc', o.smoke ? [1, 64] : [1, 64, 1024]);
    const valueSize = flagList(flags, 'value-size', [256])[0]!;
    const runs: InprocRun[] = [];
    for (const inFlight of levels) {
      if (o.warmup > 0) await runOnce(inFlight, o.warmup, valueSize);
      for (let r = 0; r < o.runs; r++) {
        const x = await runOnce(inFlight, o.seconds, valueSize);
        log(
          `raft-inproc in-flight=${inFlight} run ${r + 1}/${o.runs}: ${Math.round(x.entriesPerSec)} entries/s`,
        );
        runs.push(x);
      }
    }
    const table: Table = {
      title: `raft-inproc: committed entries/s, medians of ${o.runs} runs of ${o.seconds} s`,
      columns: ['in flight', 'entries/s', 'min', 'max', 'CPU ns/entry'],
      rows: levels.map((inFlight) => {
        const mine = runs.filter((x) => x.inFlight === inFlight);
        const rates = mine.map((x) => x.entriesPerSec);
        return {
          'in flight': inFlight,
          'entries/s': median(rates),
          min: Math.min(...rates),
          max: Math.max(...rates),
          'CPU ns/entry': median(mine.map((x) => x.cpuNsPerEntry)),
        };
      }),
    };
    return { settings: { levels, valueSize, runs: o.runs, seconds: o.seconds }, tables: [table], raw: runs };
  },
};
