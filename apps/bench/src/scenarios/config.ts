import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import { flagInt } from '../args.js';
import { BenchError } from '../errors.js';
import { FORM_HEADERS, form, httpCall, keepAliveAgent } from '../http-client.js';
import type { LevelResult } from '../loadgen/closed-loop.js';
import { sleep } from '../net-util.js';
import { type RegistryCluster, startRegistryCluster } from '../peers/registry-cluster.js';
import type { Table } from '../report.js';
import type { Scenario } from '../scenario.js';
import { median, summarize } from '../stats.js';
import { runOps } from './http-load.js';

const GROUP = 'DEFAULT_GROUP';
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

async function publish(
  cluster: RegistryCluster,
  member: number,
  dataId: string,
  content: string,
  agent?: Agent,
) {
  const r = await httpCall({
    method: 'POST',
    url: `${cluster.base(member)}/v1/cs/configs`,
    body: form({ dataId, group: GROUP, content }),
    headers: FORM_HEADERS,
    agent,
  });
  if (r.status !== 200 || r.body.toString() !== 'true')
    throw new BenchError(
      'BENCH_REQUEST_FAILED',
      `publish ${dataId}: ${r.status} ${r.body.toString().slice(0, 200)}`,
    );
}

/**
 * `listeners` long polls held on one key, spread over the members; one publish; the time from the
 * publish call until each poll answered. Polls that did not answer within `limitMs` count as lost.
 */
async function notifyRound(cluster: RegistryCluster, listeners: number, round: number, limitMs: number) {
  const dataId = 'bench.notify';
  const before = `before-${round}`;
  await publish(cluster, 0, dataId, before);
  const agent = keepAliveAgent(listeners);
  const size = cluster.members.length;
  let publishedAt = Number.NaN;
  const latencies: number[] = [];
  let lost = 0;
  try {
    const polls = Array.from({ length: listeners }, async (_, i) => {
      const r = await httpCall({
        method: 'POST',
        url: `${cluster.base(i % size)}/v1/cs/configs/listener`,
        body: form({ 'Listening-Configs': `${dataId}\u0002${GROUP}\u0002${md5(before)}\u0001` }),
        headers: { ...FORM_HEADERS, 'Long-Pulling-Timeout': '30000' },
        agent,
        timeoutMs: limitMs + 5_000,
      }).catch(() => undefined);
      if (r?.status === 200 && r.body.toString().includes(dataId))
        latencies.push(performance.now() - publishedAt);
      else lost++;
    });
    // Let every poll reach its member and be held before the change.
    await sleep(Math.min(2_000, 300 + listeners * 2));
    publishedAt = performance.now();
    await publish(cluster, round % size, dataId, `after-${round}`);
    await Promise.race([Promise.all(polls), sleep(limitMs)]);
  } finally {
    agent.destroy();
  }
  return { ...summarize(latencies), lost: listeners - latencies.length, answeredLate: lost };
}

export const configScenario: Scenario = {
  name: 'config',
  summary: 'config publish/s and get/s (linearizable) and listener notification latency, registry processes',
  flags: {
    members: { kind: 'int', help: 'registry processes (default 3; 1 = standalone)' },
    conc: { kind: 'int', help: 'requests in flight for publish and get (default 16)' },
    keys: { kind: 'int', help: 'distinct configs (default 100)' },
    'value-size': { kind: 'int', help: 'content bytes (default 256)' },
    listeners: { kind: 'int', help: 'long polls held during a notification round (default 1000)' },
  },
  defaults: { runs: 3, seconds: 5, warmup: 1 },
  peers: [],
  async run(flags, o, log) {
    const size = flagInt(flags, 'members', 3);
    const inFlight = flagInt(flags, 'conc', o.smoke ? 4 : 16);
    const keys = flagInt(flags, 'keys', o.smoke ? 5 : 100);
    const valueSize = flagInt(flags, 'value-size', 256);
    const listeners = flagInt(flags, 'listeners', o.smoke ? 5 : 1_000);
    const content = 'c'.repeat(valueSize);
    const cluster = await startRegistryCluster(size);
    const agent = keepAliveAgent(inFlight);
    const phases: Array<{ run: number; phase: string; result: LevelResult }> = [];
    const rounds: Array<{ run: number } & ReturnType<typeof summarize> & { lost: number }> = [];
    try {
      const pids = cluster.members.map((m) => m.child.pid);
      for (let k = 0; k < keys; k++) await publish(cluster, 0, `bench.cfg${k}`, content);
      const ops: Record<string, (i: number) => Promise<void>> = {
        publish: (i) => publish(cluster, i % size, `bench.cfg${i % keys}`, content, agent),
        get: async (i) => {
          const q = form({ dataId: `bench.cfg${i % keys}`, group: GROUP });
          const r = await httpCall({
            method: 'GET',
            url: `${cluster.base(i % size)}/v1/cs/configs?${q}`,
            agent,
          });
          if (r.status !== 200) throw new BenchError('BENCH_REQUEST_FAILED', `get: ${r.status}`);
        },
      };
      for (let run = 1; run <= o.runs; run++) {
        for (const [phase, op] of Object.entries(ops)) {
          const common = { inFlight, space: keys * 1000, serverPids: pids };
          if (o.warmup > 0) await runOps(op, { ...common, seconds: o.warmup, record: false });
          const result = await runOps(op, { ...common, seconds: o.seconds });
          log(
            `run ${run}/${o.runs} ${phase}: ${Math.round(result.putsPerSec)} ops/s p50=${result.p50.toFixed(2)}ms errors=${result.errors}`,
          );
          phases.push({ run, phase, result });
        }
        const round = await notifyRound(cluster, listeners, run, o.smoke ? 5_000 : 15_000);
        log(
          `run ${run}/${o.runs} notify ${listeners} listeners: p50=${round.p50.toFixed(1)}ms p99=${round.p99.toFixed(1)}ms lost=${round.lost}`,
        );
        rounds.push({ run, ...round });
      }
    } finally {
      agent.destroy();
      await cluster.stop();
    }
    const rowOf = (phase: string) => {
      const rs = phases.filter((p) => p.phase === phase).map((p) => p.result);
      return {
        operation: phase === 'get' ? 'get (linearizable)' : phase,
        'ops/s': median(rs.map((r) => r.putsPerSec)),
        'p50 ms': median(rs.map((r) => r.p50)),
        'p99 ms': median(rs.map((r) => r.p99)),
        errors: rs.reduce((s, r) => s + r.errors, 0),
      };
    };
    const tables: Table[] = [
      {
        title: `config: ${size} member(s), ${inFlight} in flight spread over the members, ${valueSize}-byte content, medians of ${o.runs} runs of ${o.seconds} s`,
        columns: ['operation', 'ops/s', 'p50 ms', 'p99 ms', 'errors'],
        rows: [rowOf('publish'), rowOf('get')],
      },
      {
        title: `config: ${listeners} long polls on one key spread over the members, time from the publish call to each answer, medians of ${o.runs} rounds`,
        columns: ['listeners', 'p50 ms', 'p99 ms', 'max ms', 'not notified'],
        rows: [
          {
            listeners,
            'p50 ms': median(rounds.map((r) => r.p50)),
            'p99 ms': median(rounds.map((r) => r.p99)),
            'max ms': median(rounds.map((r) => r.max)),
            'not notified': rounds.reduce((s, r) => s + r.lost, 0),
          },
        ],
      },
    ];
    return {
      settings: { members: size, inFlight, keys, valueSize, listeners, runs: o.runs, seconds: o.seconds },
      tables,
      raw: { phases, rounds },
    };
  },
};
