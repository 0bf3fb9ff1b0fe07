import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError } from '../errors.js';
import { httpCall } from '../http-client.js';
import { freePorts, waitFor } from '../net-util.js';
import { killChild, removeFolder, startChild, stopChild, trackFolder } from '../processes.js';
import type { PutCluster } from './put-cluster.js';
import { requireCommand } from './which.js';

const ETCD = process.env.ETCD_BIN ?? 'etcd';

/**
 * A 3-member etcd on loopback, started as `/work/shared/peers/etcd-cluster.sh` does: fresh data
 * folders, default fsync (etcd always syncs its WAL), warn-level logs.
 */
export async function startEtcdCluster(size = 3): Promise<PutCluster> {
  requireCommand(ETCD, ['--version'], 'apt-get install etcd-server etcd-client');
  const dir = trackFolder(mkdtempSync(join(tmpdir(), 'reg-bench-etcd-')));
  const ports = await freePorts(size * 2);
  const names = Array.from({ length: size }, (_, i) => `m${i + 1}`);
  const clientPort = (i: number) => ports[i * 2]!;
  const peerPort = (i: number) => ports[i * 2 + 1]!;
  const initial = names.map((n, i) => `${n}=http://127.0.0.1:${peerPort(i)}`).join(',');
  const members = names.map((name, i) =>
    startChild(
      `etcd ${name}`,
      ETCD,
      [
        '--name',
        name,
        '--data-dir',
        join(dir, `${name}.etcd`),
        '--listen-client-urls',
        `http://127.0.0.1:${clientPort(i)}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${clientPort(i)}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${peerPort(i)}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${peerPort(i)}`,
        '--initial-cluster',
        initial,
        '--initial-cluster-token',
        `reg-bench-${size}`,
        '--initial-cluster-state',
        'new',
        '--logger',
        'zap',
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  const endpoints = names.map((_, i) => `127.0.0.1:${clientPort(i)}`);
  const leaderEndpoint = () =>
    waitFor(
      'etcd leader',
      async () => {
        for (const ep of endpoints) {
          const r = await httpCall({
            method: 'POST',
            url: `http://${ep}/v3/maintenance/status`,
            body: '{}',
            timeoutMs: 1_000,
          });
          const s = JSON.parse(r.body.toString()) as { header?: { member_id?: string }; leader?: string };
          if (s.leader && s.header?.member_id === s.leader) return ep;
        }
        return undefined;
      },
      20_000,
    );
  const stop = async () => {
    await Promise.all(members.map((m) => stopChild(m, 5_000)));
    removeFolder(dir);
  };
  try {
    await waitFor(
      'etcd health',
      async () => {
        const all = await Promise.all(
          endpoints.map((ep) => httpCall({ method: 'GET', url: `http://${ep}/health`, timeoutMs: 1_000 })),
        );
        return all.every((r) => r.status === 200 && r.body.toString().includes('true')) ? true : undefined;
      },
      20_000,
      200,
    );
    await leaderEndpoint();
  } catch (err) {
    const logs = members.map((m) => `${m.name}: ${m.output().slice(-500)}`).join('\n');
    await Promise.all(members.map(killChild));
    removeFolder(dir);
    throw new BenchError('BENCH_START_FAILED', `etcd did not come up\n${logs}`, { cause: err });
  }
  return { kind: 'etcd', endpoints, pids: members.map((m) => m.pid), leaderEndpoint, stop };
}
