import { flagInt } from '../args.js';
import { FORM_HEADERS, form, httpCall } from '../http-client.js';
import { sleep } from '../net-util.js';
import { type RegistryCluster, startRegistryCluster } from '../peers/registry-cluster.js';
import type { Table } from '../report.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';

type Stop = 'kill -9' | 'graceful (SIGTERM)';

interface Trial {
  readonly stop: Stop;
  readonly trial: number;
  /** From the signal until the first CP write issued after it succeeded. */
  readonly firstWriteMs: number;
  readonly leaderWas: number;
}

/** One CP write: a config publish through Raft; true when the member answered `true`. */
async function cpWrite(
  cluster: RegistryCluster,
  member: number,
  i: number,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const r = await httpCall({
      method: 'POST',
      url: `${cluster.base(member)}/v1/cs/configs`,
      body: form({ dataId: `bench.failover${i % 50}`, group: 'DEFAULT_GROUP', content: `v${i}` }),
      headers: FORM_HEADERS,
      timeoutMs,
    });
    return r.status === 200 && r.body.toString() === 'true';
  } catch {
    return false;
  }
}

/**
 * Background load plus probes: until stopped, `writers` loops publish to live members; after the
 * signal, a new probe starts every 10 ms (at most 32 open) at a surviving member, and the first one
 * to succeed ends the measurement.
 */
async function measureTrial(
  cluster: RegistryCluster,
  stop: Stop,
  trial: number,
  o: { limitMs: number; settleMs: number; restart: boolean },
): Promise<Trial> {
  const leader = await cluster.leaderIndex();
  const size = cluster.members.length;
  const survivors = Array.from({ length: size }, (_, i) => i).filter((i) => i !== leader);
  let running = true;
  let seq = trial * 1_000_000;
  const write = async (member: number) => cpWrite(cluster, member, seq++, 2_000);
  const background = Array.from({ length: 4 }, async (_, w) => {
    while (running) {
      const member = survivors[(seq + w) % survivors.length]!;
      if (!(await write(member))) await sleep(10);
    }
  });
  await sleep(o.settleMs); // load is flowing
  const victim = cluster.members[leader]!.child;
  const t0 = performance.now();
  victim.proc.kill(stop === 'kill -9' ? 'SIGKILL' : 'SIGTERM');
  let firstWriteMs = Number.NaN;
  let open = 0;
  let k = 0;
  while (Number.isNaN(firstWriteMs) && performance.now() - t0 < o.limitMs) {
    if (open < 32) {
      open++;
      const member = survivors[k++ % survivors.length]!;
      void write(member).then((ok) => {
        open--;
        if (ok && Number.isNaN(firstWriteMs)) firstWriteMs = performance.now() - t0;
      });
    }
    await sleep(10);
  }
  running = false;
  await Promise.all(background);
  await victim.exited;
  if (o.restart) await cluster.restart(leader);
  return { stop, trial, firstWriteMs, leaderWas: leader };
}

export const failoverScenario: Scenario = {
  name: 'failover',
  summary:
    'kill -9 / SIGTERM the Raft leader of 3 registry processes under CP write load: time to the next successful write',
  flags: {
    trials: { kind: 'int', help: 'trials per kind of stop (default 10)' },
    members: { kind: 'int', help: 'registry processes (default 3)' },
  },
  defaults: { runs: 1, seconds: 0, warmup: 0 },
  peers: [],
  async run(flags, o, log) {
    const trials = flagInt(flags, 'trials', o.smoke ? 1 : 10);
    const size = flagInt(flags, 'members', 3);
    const results: Trial[] = [];
    // Default settings: the registry's own election timeout (1 s base) and CP timeout.
    const cluster = await startRegistryCluster(size);
    try {
      const kinds = ['kill -9', 'graceful (SIGTERM)'] as const;
      for (const stop of kinds)
        for (let t = 1; t <= trials; t++) {
          const last = stop === kinds[kinds.length - 1] && t === trials;
          const settleMs = o.smoke ? 100 : 300;
          const trial = await measureTrial(cluster, stop, t, { limitMs: 30_000, settleMs, restart: !last });
          log(
            `${stop} trial ${t}/${trials}: first CP write after ${trial.firstWriteMs.toFixed(0)} ms (leader was member ${trial.leaderWas})`,
          );
          results.push(trial);
          if (!last) await sleep(o.smoke ? 0 : 500);
        }
    } finally {
      await cluster.stop();
    }
    const table: Table = {
      title: `failover: ${size} registry members, default settings, CP writes (config publish) under load, ${trials} trials each`,
      columns: ['leader stopped by', 'p50 ms', 'min ms', 'max ms', 'no write within 30 s'],
      rows: (['kill -9', 'graceful (SIGTERM)'] as const).map((stop) => {
        const xs = results.filter((r) => r.stop === stop).map((r) => r.firstWriteMs);
        const ok = xs.filter(Number.isFinite);
        return {
          'leader stopped by': stop,
          'p50 ms': median(xs),
          'min ms': ok.length ? Math.min(...ok) : Number.NaN,
          'max ms': ok.length ? Math.max(...ok) : Number.NaN,
          'no write within 30 s': xs.length - ok.length,
        };
      }),
    };
    return { settings: { members: size, trials }, tables: [table], raw: results };
  },
};
