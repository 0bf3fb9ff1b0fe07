import { flagInt, flagList } from '../args.js';
import type { LevelResult } from '../loadgen/closed-loop.js';
import { runLoadgen } from '../loadgen/run-loadgen.js';
import { startEtcdCluster } from '../peers/etcd-cluster.js';
import { startKvCluster } from '../peers/kv-cluster.js';
import type { PutCluster } from '../peers/put-cluster.js';
import { startZkCluster } from '../peers/zk-cluster.js';
import type { Cell, Table } from '../report.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';

type System = PutCluster['kind'];

interface ClusterRun {
  readonly run: number;
  readonly system: System;
  readonly levels: readonly LevelResult[];
}

const NAMES: Record<System, string> = { kv: 'reg kv-example', etcd: 'etcd', zookeeper: 'zookeeper' };

function start(system: System, tickMs: number): Promise<PutCluster> {
  if (system === 'etcd') return startEtcdCluster();
  if (system === 'zookeeper') return startZkCluster();
  return startKvCluster(3, tickMs);
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);

export const raftCluster: Scenario = {
  name: 'raft-cluster',
  summary: 'three kv-example processes (WsTransport, fsync LevelDB log, HTTP): puts/s, p50/p99',
  flags: {
    conc: { kind: 'list', help: 'puts in flight per level (default 1,16,128)' },
    'value-size': { kind: 'int', help: 'bytes per value (default 256)' },
    keyspace: { kind: 'int', help: 'distinct keys (default 10000)' },
    'tick-ms': { kind: 'int', help: 'Raft tick of the kv-example (default 100)' },
  },
  defaults: { runs: 3, seconds: 10, warmup: 2 },
  peers: ['etcd', 'zookeeper'],
  async run(flags, o, log) {
    const inFlight = flagList(flags, 'conc', o.smoke ? [1, 4] : [1, 16, 128]);
    const valueSize = flagInt(flags, 'value-size', 256);
    const keySpace = flagInt(flags, 'keyspace', o.smoke ? 100 : 10_000);
    const tickMs = flagInt(flags, 'tick-ms', 100);
    const systems: System[] = o.vs ? ['kv', o.vs] : ['kv'];
    const runs: ClusterRun[] = [];
    for (let run = 1; run <= o.runs; run++) {
      // Alternate who goes first, so a drift in the machine's load does not favour one side.
      const order = run % 2 === 1 ? systems : [...systems].reverse();
      for (const system of order) {
        const cluster = await start(system, tickMs);
        try {
          const endpoint = await cluster.leaderEndpoint();
          const levels = await runLoadgen({
            target: system,
            endpoint,
            inFlight,
            seconds: o.seconds,
            warmup: o.warmup,
            valueSize,
            keySpace,
            serverPids: cluster.pids,
            maxOps: 5_000_000,
          });
          for (const l of levels)
            log(
              `run ${run}/${o.runs} ${NAMES[system]} in-flight=${l.inFlight}: ${Math.round(l.putsPerSec)} puts/s ` +
                `p50=${l.p50.toFixed(2)}ms p99=${l.p99.toFixed(2)}ms errors=${l.errors}`,
            );
          runs.push({ run, system, levels });
        } finally {
          await cluster.stop();
        }
      }
    }
    const pick = (system: System, n: number) =>
      runs.filter((r) => r.system === system).map((r) => r.levels.find((l) => l.inFlight === n)!);
    const rows: Record<string, Cell>[] = [];
    for (const system of systems)
      for (const n of inFlight) {
        const ls = pick(system, n);
        const rates = ls.map((l) => l.putsPerSec);
        rows.push({
          system: NAMES[system],
          'in flight': n,
          'puts/s': median(rates),
          'min-max': `${Math.round(Math.min(...rates))}-${Math.round(Math.max(...rates))}`,
          'p50 ms': median(ls.map((l) => l.p50)),
          'p99 ms': median(ls.map((l) => l.p99)),
          'server CPU %': median(ls.map((l) => l.serverCpuPct ?? Number.NaN)),
          'client CPU %': median(ls.map((l) => l.clientCpuPct)),
          errors: ls.reduce((s, l) => s + l.errors, 0),
        });
      }
    const tables: Table[] = [
      {
        title: `raft-cluster: puts to the leader, ${valueSize}-byte values, medians of ${o.runs} runs of ${o.seconds} s per level`,
        columns: [
          'system',
          'in flight',
          'puts/s',
          'min-max',
          'p50 ms',
          'p99 ms',
          'server CPU %',
          'client CPU %',
          'errors',
        ],
        rows,
      },
    ];
    if (o.vs) {
      const peer = o.vs;
      // Ratios per run (both sides measured in the same run), then the median over runs.
      const perRun = (n: number, f: (ours: LevelResult, theirs: LevelResult) => number) =>
        median(
          Array.from({ length: o.runs }, (_, i) => {
            const ours = runs
              .find((r) => r.run === i + 1 && r.system === 'kv')
              ?.levels.find((l) => l.inFlight === n);
            const theirs = runs
              .find((r) => r.run === i + 1 && r.system === peer)
              ?.levels.find((l) => l.inFlight === n);
            return ours && theirs ? f(ours, theirs) : Number.NaN;
          }),
        );
      tables.push({
        title: `reg kv-example / ${peer}, median of the per-run ratios (throughput: higher is better; latency: lower is better)`,
        columns: ['in flight', 'throughput ratio', 'p50 ratio', 'p99 ratio'],
        rows: inFlight.map((n) => ({
          'in flight': n,
          'throughput ratio': perRun(n, (a, b) => ratio(a.putsPerSec, b.putsPerSec)),
          'p50 ratio': perRun(n, (a, b) => ratio(a.p50, b.p50)),
          'p99 ratio': perRun(n, (a, b) => ratio(a.p99, b.p99)),
        })),
      });
    }
    return {
      settings: {
        inFlight,
        valueSize,
        keySpace,
        tickMs,
        runs: o.runs,
        seconds: o.seconds,
        warmup: o.warmup,
        vs: o.vs ?? null,
      },
      tables,
      raw: runs,
    };
  },
};
