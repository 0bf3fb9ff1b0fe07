import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { authModule } from '../../src/auth/auth-module.js';
import { loadConfig } from '../../src/config/load-config.js';
import { configModule } from '../../src/config-center/config-module.js';
import type { ListenerHub } from '../../src/config-center/listener-hub.js';
import { namingModule } from '../../src/naming/naming-module.js';
import { type Registry, startRegistry } from '../../src/registry.js';

/** One in-process member with the real auth, config and naming modules. */
export interface ClusterMember {
  readonly port: number;
  readonly home: string;
  readonly registry: Registry;
  /** `http://127.0.0.1:<port>/nacos` */
  readonly base: string;
  /** The config center's held long polls on this member. */
  readonly hub: ListenerHub;
  /** Every log line this member wrote (pino JSON), for start and restore messages. */
  readonly logs: string[];
  /** Rewrites this member's cluster.conf (watched) to list `ports`. */
  list(ports: readonly number[]): void;
  close(): Promise<void>;
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/** An HTTP port whose peer port (port - 1000) is free too. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenOnce(0);
    if (
      port > 2000 &&
      (await listenOnce(port - 1000).then(
        () => true,
        () => false,
      ))
    )
      return port;
  }
  throw new Error('no free port pair found');
}

function writeClusterConf(home: string, ports: readonly number[]): void {
  writeFileSync(join(home, 'conf', 'cluster.conf'), ports.map((p) => `127.0.0.1:${p}\n`).join(''));
}

async function startMember(
  dir: string,
  port: number,
  ports: readonly number[],
  properties: Record<string, string>,
): Promise<ClusterMember> {
  const home = join(dir, `m${port}`);
  mkdirSync(join(home, 'conf'), { recursive: true });
  const lines = Object.entries(properties).map(([k, v]) => `${k}=${v}`);
  writeFileSync(join(home, 'conf', 'application.properties'), `${lines.join('\n')}\n`);
  writeClusterConf(home, ports);
  const loaded = loadConfig({
    argv: [
      '-m',
      'cluster',
      '--home',
      home,
      '--address',
      '127.0.0.1',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    env: {},
    appHome: home,
    version: '0.1.0',
    detectIp: () => '127.0.0.1',
  });
  if (loaded.kind !== 'config') throw new Error('unexpected help/version from loadConfig');
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  let hub: ListenerHub | undefined;
  const registry = await startRegistry(loaded.config, logger, {
    // Auth first: its guard covers the modules registered after it.
    modules: [authModule, configModule((handle) => (hub = handle.hub)), namingModule()],
  });
  if (hub === undefined) {
    await registry.close();
    throw new Error('the config module did not start');
  }
  const startedHub = hub;
  return {
    port,
    home,
    registry,
    base: `http://127.0.0.1:${registry.port}/nacos`,
    hub: startedHub,
    logs,
    list: (listed) => writeClusterConf(home, listed),
    close: () => registry.close(),
  };
}

/**
 * `n` cluster members in this process on free loopback ports (HTTP p, peers p - 1000), data under
 * `dir`. Resolves once every member is ready (a leader, the token secret agreed, the admin made).
 */
export async function startRegistryCluster(
  dir: string,
  n: number,
  properties: Record<string, string>,
  readyWithinMs = 30_000,
): Promise<ClusterMember[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = await freePortPair();
    if (!ports.includes(port)) ports.push(port);
  }
  const started = await Promise.allSettled(ports.map((port) => startMember(dir, port, ports, properties)));
  const members = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  try {
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const deadline = Date.now() + readyWithinMs;
    while (members.some((m) => m.registry.readiness.notReady().length > 0)) {
      if (Date.now() > deadline) {
        const waiting = members.map((m) => m.registry.readiness.notReady().join(',') || 'ready');
        throw new Error(`members not ready within ${readyWithinMs} ms: ${waiting.join(' / ')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await Promise.all(members.map((m) => m.close().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return members;
}
