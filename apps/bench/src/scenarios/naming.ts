import { flagInt } from '../args.js';
import { BenchError } from '../errors.js';
import { FORM_HEADERS, form, httpCall, keepAliveAgent } from '../http-client.js';
import type { LevelResult } from '../loadgen/closed-loop.js';
import { rssMiB, startRegistryCluster } from '../peers/registry-cluster.js';
import type { Table } from '../report.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';
import { runOps } from './http-load.js';

/** A distinct instance address per index (10.x.y.z), so register creates new instances. */
export const instanceIp = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const PHASES = ['register', 'beat', 'list'] as const;
type Phase = (typeof PHASES)[number];

export const namingScenario: Scenario = {
  name: 'naming',
  summary: 'register, beat and list ephemeral instances against registry processes (Nacos v1 API)',
  flags: {
    members: { kind: 'int', help: 'registry processes (default 3; 1 = standalone)' },
    conc: { kind: 'int', help: 'requests in flight (default 16)' },
    services: { kind: 'int', help: 'services the instances spread over (default 100)' },
    instances: { kind: 'int', help: 'distinct instances registered at most (default 10000)' },
  },
  defaults: { runs: 3, seconds: 5, warmup: 1 },
  peers: [],
  async run(flags, o, log) {
    const size = flagInt(flags, 'members', 3);
    const inFlight = flagInt(flags, 'conc', o.smoke ? 4 : 16);
    const services = flagInt(flags, 'services', o.smoke ? 5 : 100);
    const instances = flagInt(flags, 'instances', o.smoke ? 50 : 10_000);
    const cluster = await startRegistryCluster(size);
    const agent = keepAliveAgent(inFlight);
    const results: Array<{ run: number; phase: Phase; result: LevelResult }> = [];
    let idleRss: number[] = [];
    let loadedRss: number[] = [];
    try {
      const pids = cluster.members.map((m) => m.child.pid);
      idleRss = pids.map(rssMiB);
      const service = (i: number) => `bench.svc${i % services}`;
      const call = async (
        i: number,
        method: string,
        path: string,
        fields: Record<string, string | number>,
      ) => {
        const body = form(fields);
        const r =
          method === 'GET'
            ? await httpCall({ method, url: `${cluster.base(i % size)}${path}?${body}`, agent })
            : await httpCall({
                method,
                url: `${cluster.base(i % size)}${path}`,
                body,
                headers: FORM_HEADERS,
                agent,
              });
        if (r.status !== 200)
          throw new BenchError(
            'BENCH_REQUEST_FAILED',
            `${method} ${path}: ${r.status} ${r.body.toString().slice(0, 200)}`,
          );
      };
      const ops: Record<Phase, (i: number) => Promise<void>> = {
        register: (i) =>
          call(i, 'POST', '/v1/ns/instance', {
            serviceName: service(i),
            ip: instanceIp(i),
            port: 8080,
            ephemeral: 'true',
          }),
        beat: (i) =>
          call(i, 'PUT', '/v1/ns/instance/beat', {
            serviceName: service(i),
            beat: JSON.stringify({
              ip: instanceIp(i),
              port: 8080,
              cluster: 'DEFAULT',
              serviceName: `DEFAULT_GROUP@@${service(i)}`,
            }),
          }),
        list: (i) => call(i, 'GET', '/v1/ns/instance/list', { serviceName: service(i) }),
      };
      for (let run = 1; run <= o.runs; run++)
        for (const phase of PHASES) {
          const common = { inFlight, space: instances, serverPids: pids };
          if (o.warmup > 0) await runOps(ops[phase], { ...common, seconds: o.warmup, record: false });
          const result = await runOps(ops[phase], { ...common, seconds: o.seconds });
          log(
            `run ${run}/${o.runs} ${phase}: ${Math.round(result.putsPerSec)} ops/s p50=${result.p50.toFixed(2)}ms errors=${result.errors}`,
          );
          results.push({ run, phase, result });
        }
      loadedRss = pids.map(rssMiB);
    } finally {
      agent.destroy();
      await cluster.stop();
    }
    const table: Table = {
      title: `naming: ${size} member(s), ${inFlight} in flight spread over the members, medians of ${o.runs} runs of ${o.seconds} s`,
      columns: ['operation', 'ops/s', 'p50 ms', 'p99 ms', 'server CPU %', 'errors'],
      rows: PHASES.map((phase) => {
        const rs = results.filter((r) => r.phase === phase).map((r) => r.result);
        return {
          operation: phase,
          'ops/s': median(rs.map((r) => r.putsPerSec)),
          'p50 ms': median(rs.map((r) => r.p50)),
          'p99 ms': median(rs.map((r) => r.p99)),
          'server CPU %': median(rs.map((r) => r.serverCpuPct ?? Number.NaN)),
          errors: rs.reduce((s, r) => s + r.errors, 0),
        };
      }),
    };
    const memory: Table = {
      title: 'naming: resident memory per member (MiB)',
      columns: ['when', 'min', 'max'],
      rows: [
        { when: 'idle, after start', min: Math.min(...idleRss), max: Math.max(...idleRss) },
        { when: 'after the runs', min: Math.min(...loadedRss), max: Math.max(...loadedRss) },
      ],
    };
    return {
      settings: { members: size, inFlight, services, instances, runs: o.runs, seconds: o.seconds },
      tables: [table, memory],
      raw: { results, idleRss, loadedRss },
    };
  },
};
