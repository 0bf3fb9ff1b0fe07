import { flagInt } from '../args.js';
import { BenchError } from '../errors.js';
import { FORM_HEADERS, form, httpCall, keepAliveAgent } from '../http-client.js';
import { sleep } from '../net-util.js';
import { type RegistryCluster, rssMiB, startRegistryCluster } from '../peers/registry-cluster.js';
import type { Table } from '../report.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';
import { instanceIp } from './naming.js';

// Long per-instance timeouts (Nacos' preserved.* metadata) keep instances alive without beats, so
// a large population stays put while it is measured.
const KEEP = JSON.stringify({
  'preserved.heart.beat.timeout': '3600000',
  'preserved.ip.delete.timeout': '3600000',
});

async function instanceCount(cluster: RegistryCluster, i: number): Promise<number> {
  const r = await httpCall({
    method: 'GET',
    url: `${cluster.base(i)}/v1/ns/operator/metrics`,
    timeoutMs: 5_000,
  });
  return (JSON.parse(r.body.toString()) as { instanceCount?: number }).instanceCount ?? -1;
}

interface DistroRound {
  readonly run: number;
  readonly instances: number;
  readonly registerSeconds: number;
  readonly registerPerSec: number;
  /** From the last acknowledged register until every member lists every instance. */
  readonly convergedAfterMs: number;
  /** A member killed and restarted: from its readiness until it holds every instance. */
  readonly restartedConvergedMs: number;
  readonly rssMiB: readonly number[];
  /** Instance counts per member when each wait ended (after the registrations, after the restart). */
  readonly lastCounts: readonly (readonly number[])[];
}

/** Polls every live member's instance count until all reach `n` (bounded). */
async function waitConverged(
  cluster: RegistryCluster,
  n: number,
  limitMs: number,
  seen: number[][],
): Promise<number> {
  const t0 = performance.now();
  let counts: number[] = [];
  try {
    while (performance.now() - t0 < limitMs) {
      counts = await Promise.all(cluster.members.map((_, i) => instanceCount(cluster, i).catch(() => -1)));
      if (counts.every((c) => c === n)) return performance.now() - t0;
      await sleep(20);
    }
    return Number.NaN;
  } finally {
    seen.push(counts); // the last counts seen, so a run that did not converge says how far it got
  }
}

export const distroScenario: Scenario = {
  name: 'distro',
  summary: 'AP convergence: ephemeral instances registered across members until every member lists them; RSS',
  flags: {
    members: { kind: 'int', help: 'registry processes (default 3)' },
    instances: {
      kind: 'int',
      help: 'ephemeral instances per round (default 10000; 100000 for the memory target)',
    },
    services: { kind: 'int', help: 'services they spread over (default 1000)' },
    conc: { kind: 'int', help: 'registrations in flight (default 32)' },
  },
  defaults: { runs: 3, seconds: 0, warmup: 0 },
  peers: [],
  async run(flags, o, log) {
    const size = flagInt(flags, 'members', 3);
    const total = flagInt(flags, 'instances', o.smoke ? 60 : 10_000);
    const services = flagInt(flags, 'services', o.smoke ? 6 : 1_000);
    const inFlight = flagInt(flags, 'conc', o.smoke ? 4 : 32);
    if (size < 2) throw new BenchError('BENCH_BAD_ARGUMENT', 'distro needs --members >= 2');
    const rounds: DistroRound[] = [];
    let idleRss: number[] = [];
    for (let run = 1; run <= o.runs; run++) {
      const cluster = await startRegistryCluster(size);
      const agent = keepAliveAgent(inFlight);
      try {
        idleRss = cluster.members.map((m) => rssMiB(m.child.pid));
        let next = 0;
        const t0 = performance.now();
        const worker = async () => {
          while (next < total) {
            const i = next++;
            const r = await httpCall({
              method: 'POST',
              url: `${cluster.base(i % size)}/v1/ns/instance`,
              body: form({
                serviceName: `bench.d${i % services}`,
                ip: instanceIp(i),
                port: 9000,
                ephemeral: 'true',
                metadata: KEEP,
              }),
              headers: FORM_HEADERS,
              agent,
            });
            if (r.status !== 200)
              throw new BenchError(
                'BENCH_REQUEST_FAILED',
                `register: ${r.status} ${r.body.toString().slice(0, 200)}`,
              );
          }
        };
        await Promise.all(Array.from({ length: inFlight }, worker));
        const registerSeconds = (performance.now() - t0) / 1000;
        const counts: number[][] = [];
        const convergedAfterMs = await waitConverged(cluster, total, 60_000, counts);
        const rss = cluster.members.map((m) => rssMiB(m.child.pid));
        // A member that restarts loads the whole AP state from a peer.
        const victim = size - 1;
        cluster.members[victim]!.child.proc.kill('SIGKILL');
        await cluster.members[victim]!.child.exited;
        await cluster.restart(victim);
        const restartedConvergedMs = await waitConverged(cluster, total, 60_000, counts);
        const round = {
          run,
          instances: total,
          registerSeconds,
          registerPerSec: total / registerSeconds,
          convergedAfterMs,
          restartedConvergedMs,
          rssMiB: rss,
          lastCounts: counts,
        };
        log(
          `run ${run}/${o.runs}: ${total} instances registered in ${registerSeconds.toFixed(1)} s; converged ${convergedAfterMs.toFixed(0)} ms after the last ack; ` +
            `restarted member complete ${restartedConvergedMs.toFixed(0)} ms after readiness; RSS ${rss.map((x) => x.toFixed(0)).join('/')} MiB`,
        );
        rounds.push(round);
      } finally {
        agent.destroy();
        await cluster.stop();
      }
    }
    const table: Table = {
      title: `distro: ${size} members, ${total} ephemeral instances over ${services} services, ${inFlight} registrations in flight spread over the members, medians of ${o.runs} rounds`,
      columns: ['measure', 'median', 'min', 'max'],
      rows: (
        [
          ['registrations/s', (r: DistroRound) => r.registerPerSec],
          ['converged after the last ack (ms)', (r: DistroRound) => r.convergedAfterMs],
          ['restarted member complete after readiness (ms)', (r: DistroRound) => r.restartedConvergedMs],
          ['RSS idle, largest member (MiB)', () => Math.max(...idleRss)],
          [`RSS holding ${total} instances, largest member (MiB)`, (r: DistroRound) => Math.max(...r.rssMiB)],
        ] as const
      ).map(([measure, f]) => {
        const xs = rounds.map(f);
        return { measure, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
      }),
    };
    return {
      settings: { members: size, instances: total, services, inFlight, runs: o.runs },
      tables: [table],
      raw: { rounds, idleRss },
      notes: [
        'convergence is polled every 20 ms through /v1/ns/operator/metrics instanceCount on every member',
      ],
    };
  },
};
