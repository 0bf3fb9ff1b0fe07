import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from '../errors.js';
import { httpCall } from '../http-client.js';
import { freePorts, waitFor } from '../net-util.js';
import { type Child, killChild, removeFolder, startChild, stopChild, trackFolder } from '../processes.js';

/**
 * The registry's built entry point. Resolved by path, not imported: apps depend on no app, and
 * the bench measures exactly what `npm start` runs.
 */
export const REGISTRY_MAIN =
  process.env.REG_REGISTRY_MAIN ?? fileURLToPath(new URL('../../../registry/dist/main.js', import.meta.url));

export interface RegistryMember {
  readonly port: number;
  readonly home: string;
  child: Child;
}

export interface RegistryCluster {
  readonly members: RegistryMember[];
  /** `http://127.0.0.1:<port>/nacos` of member i. */
  base(i: number): string;
  /** Starts member i again (after a kill) on the same folders. */
  restart(i: number): Promise<void>;
  /** Index of the member the others follow, from `/v1/core/cluster/self`. */
  leaderIndex(): Promise<number>;
  stop(): Promise<void>;
}

const SECRET = 'reg-bench-registry-cluster-secret';

/** Resident memory of a process in MiB, from /proc (Linux); NaN when unreadable. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+([0-9]+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface RaftView {
  readonly role: string;
}

async function raftRole(base: string): Promise<string | undefined> {
  const r = await httpCall({ method: 'GET', url: `${base}/v1/core/cluster/self`, timeoutMs: 1_000 });
  const body = JSON.parse(r.body.toString()) as {
    data?: { extendInfo?: { raftMetaData?: { metaDataMap?: { reg_cp?: RaftView } } } };
  };
  return body.data?.extendInfo?.raftMetaData?.metaDataMap?.reg_cp?.role;
}

/**
 * `size` registry processes on loopback (1 = standalone), with default settings unless `env` says
 * otherwise; resolves once every member is ready.
 */
export async function startRegistryCluster(
  size: number,
  env: Record<string, string> = {},
): Promise<RegistryCluster> {
  try {
    readFileSync(REGISTRY_MAIN);
  } catch {
    throw new BenchError('BENCH_NOT_BUILT', `${REGISTRY_MAIN} is missing: run "npx turbo run build" first`);
  }
  const root = trackFolder(mkdtempSync(join(tmpdir(), 'reg-bench-registry-')));
  const ports = await freePorts(size, 1000);
  const clusterConf = `${ports.map((p) => `127.0.0.1:${p}`).join('\n')}\n`;
  const spawnMember = (port: number, home: string) =>
    startChild(
      `registry ${port}`,
      process.execPath,
      [REGISTRY_MAIN, '-m', size === 1 ? 'standalone' : 'cluster', '--home', home, '--port', String(port)],
      {
        env: {
          PATH: process.env.PATH ?? '',
          SERVER_ADDRESS: '127.0.0.1',
          REG_LOG_LEVEL: 'warn',
          REG_CLUSTER_SECRET: SECRET,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  const members: RegistryMember[] = ports.map((port) => {
    const home = join(root, String(port));
    mkdirSync(join(home, 'conf'), { recursive: true });
    writeFileSync(join(home, 'conf', 'cluster.conf'), clusterConf);
    return { port, home, child: spawnMember(port, home) };
  });
  const base = (i: number) => `http://127.0.0.1:${members[i]!.port}/nacos`;
  const ready = (i: number) =>
    waitFor(
      `registry ${members[i]!.port} readiness`,
      async () => {
        if (members[i]!.child.hasExited())
          throw new BenchError(
            'BENCH_START_FAILED',
            `registry exited: ${members[i]!.child.output().slice(-1000)}`,
          );
        const r = await httpCall({
          method: 'GET',
          url: `${base(i)}/v1/console/health/readiness`,
          timeoutMs: 1_000,
        });
        return r.status === 200 ? true : undefined;
      },
      30_000,
      100,
    );
  const stop = async () => {
    await Promise.all(members.map((m) => stopChild(m.child)));
    removeFolder(root);
  };
  try {
    await Promise.all(members.map((_, i) => ready(i)));
  } catch (err) {
    const logs = members.map((m) => `${m.port}: ${m.child.output().slice(-800)}`).join('\n');
    await Promise.all(members.map((m) => killChild(m.child)));
    removeFolder(root);
    throw new BenchError('BENCH_START_FAILED', `registry cluster did not become ready\n${logs}`, {
      cause: err,
    });
  }
  return {
    members,
    base,
    async restart(i) {
      const m = members[i]!;
      m.child = spawnMember(m.port, m.home);
      try {
        await ready(i);
      } catch (err) {
        throw new BenchError(
          'BENCH_START_FAILED',
          `registry ${m.port} did not come back: ${m.child.output().slice(-1500)}`,
          {
            cause: err,
          },
        );
      }
    },
    leaderIndex: () =>
      waitFor(
        'registry raft leader',
        async () => {
          for (let i = 0; i < members.length; i++) {
            if (members[i]!.child.hasExited()) continue;
            if ((await raftRole(base(i)).catch(() => undefined)) === 'LEADER') return i;
          }
          return undefined;
        },
        30_000,
      ),
    stop,
  };
}
