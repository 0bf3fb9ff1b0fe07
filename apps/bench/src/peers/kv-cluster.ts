import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from '../errors.js';
import { httpCall } from '../http-client.js';
import { freePorts, waitFor } from '../net-util.js';
import { type Child, killChild, removeFolder, startChild, stopChild, trackFolder } from '../processes.js';
import type { PutCluster } from './put-cluster.js';

const KV_NODE = fileURLToPath(new URL('../kv-example/kv-node.js', import.meta.url));
const SECRET = 'reg-bench-kv-cluster-secret';

export interface KvStatus {
  readonly id: number;
  readonly role: string;
  readonly leader: number;
  readonly leaderHttp: string | null;
  readonly term: number;
  readonly applied: number;
  /** fsyncs of this member's log so far. */
  readonly fsyncs: number;
}

export async function kvStatus(endpoint: string): Promise<KvStatus | undefined> {
  const reply = await httpCall({ method: 'GET', url: `http://${endpoint}/status`, timeoutMs: 1_000 });
  return reply.status === 200 ? (JSON.parse(reply.body.toString()) as KvStatus) : undefined;
}

/** Three kv-example processes on loopback: WsTransport, fsync'd LevelDB logs, HTTP. */
export async function startKvCluster(size = 3, tickMs = 100): Promise<PutCluster & { members: Child[] }> {
  const dir = trackFolder(mkdtempSync(join(tmpdir(), 'reg-bench-kv-')));
  const ports = await freePorts(size * 2);
  const spec = Array.from(
    { length: size },
    (_, i) => `${i + 1}=127.0.0.1:${ports[i * 2]}:${ports[i * 2 + 1]}`,
  ).join(',');
  const endpoints = Array.from({ length: size }, (_, i) => `127.0.0.1:${ports[i * 2 + 1]}`);
  const members = Array.from({ length: size }, (_, i) =>
    startChild(
      `kv-node ${i + 1}`,
      process.execPath,
      [
        KV_NODE,
        '--id',
        String(i + 1),
        '--members',
        spec,
        '--data',
        join(dir, `n${i + 1}`),
        '--tick-ms',
        String(tickMs),
        '--exit-with-stdin',
      ],
      { env: { ...process.env, KV_SECRET: SECRET } },
    ),
  );
  const leaderEndpoint = () =>
    waitFor(
      'kv cluster leader',
      async () => {
        const all = await Promise.all(endpoints.map((e) => kvStatus(e).catch(() => undefined)));
        const leader = all.find((s) => s?.role === 'leader');
        return leader?.leaderHttp ?? undefined;
      },
      15_000,
    );
  const stop = async () => {
    await Promise.all(members.map((m) => stopChild(m)));
    removeFolder(dir);
  };
  try {
    await leaderEndpoint();
  } catch (err) {
    const logs = members.map((m) => `${m.name}: ${m.output().slice(-500)}`).join('\n');
    await Promise.all(members.map(killChild));
    removeFolder(dir);
    throw new BenchError('BENCH_START_FAILED', `kv cluster did not elect a leader\n${logs}`, { cause: err });
  }
  return { kind: 'kv', endpoints, pids: members.map((m) => m.pid), leaderEndpoint, stop, members };
}
