import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, createConnection } from 'mysql2/promise';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import { configCenterModule } from '../../src/config-center/config-module.js';
import { type Registry, startRegistry } from '../../src/registry.js';

/** A standalone registry with the config center, in this process, on a free loopback port. */
export interface ConfigRegistry {
  readonly registry: Registry;
  /** `http://127.0.0.1:<port>/nacos` */
  readonly base: string;
  close(): Promise<void>;
}

/** What the tests set unless they say otherwise: small limits so limit tests stay cheap. */
export const TEST_PROPERTIES = {
  maxContent: '4096',
  'reg.config.longpoll.min.hold.ms': '0',
  'reg.config.longpoll.max.hold.ms': '5000',
} as const;

/** Starts one member; `members` (ports) makes it a cluster member, else standalone on port 0. */
async function startMember(properties: Record<string, string>, port?: number, members?: readonly number[]) {
  const home = mkdtempSync(join(tmpdir(), 'reg-config-'));
  mkdirSync(join(home, 'conf'));
  const lines = Object.entries({ ...TEST_PROPERTIES, ...properties }).map(([k, v]) => `${k}=${v}`);
  writeFileSync(join(home, 'conf', 'application.properties'), `${lines.join('\n')}\n`);
  if (members)
    writeFileSync(join(home, 'conf', 'cluster.conf'), members.map((p) => `127.0.0.1:${p}\n`).join(''));
  const mode = members ? 'cluster' : 'standalone';
  const loaded = loadConfig({
    argv: [
      '-m',
      mode,
      '--home',
      home,
      '--address',
      '127.0.0.1',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port ?? 8848),
    ],
    env: {},
    appHome: home,
    version: '0.1.0',
    detectIp: () => '127.0.0.1',
  });
  if (loaded.kind !== 'config') throw new Error('unexpected help/version from loadConfig');
  let registry: Registry;
  try {
    const config = port === undefined ? { ...loaded.config, port: 0 } : loaded.config;
    registry = await startRegistry(config, pino({ level: 'silent' }), { modules: [configCenterModule] });
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  return {
    registry,
    base: `http://127.0.0.1:${registry.port}/nacos`,
    async close() {
      await registry.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Waits (bounded) until every member knows a leader; writes before that answer 503. */
async function waitForLeader(members: readonly ConfigRegistry[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!members.every((m) => m.registry.consensus.hasLeader())) {
    if (Date.now() > deadline) throw new Error(`no leader known at every member within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startConfigRegistry(properties: Record<string, string> = {}): Promise<ConfigRegistry> {
  const member = await startMember(properties);
  try {
    await waitForLeader([member], 10_000);
  } catch (err) {
    await member.close();
    throw err;
  }
  return member;
}

/** Properties every in-process cluster member gets (they share one event loop: calm elections). */
const CLUSTER_PROPERTIES = {
  'reg.cluster.secret': 'config-cluster-test-secret-0123',
  'reg.raft.election.timeout.ms': '1000',
  'reg.member.report.interval.ms': '500',
  'reg.cp.timeout.ms': '5000',
};

/** `n` cluster members in this process on free loopback ports (HTTP p, peers p - 1000). */
export async function startConfigCluster(
  n: number,
  properties: Record<string, string> = {},
): Promise<ConfigRegistry[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = await freePortPair();
    if (!ports.includes(port)) ports.push(port);
  }
  const started = await Promise.allSettled(
    ports.map((port) => startMember({ ...CLUSTER_PROPERTIES, ...properties }, port, ports)),
  );
  const members = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  try {
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    await waitForLeader(members, 20_000);
  } catch (err) {
    await Promise.all(members.map((m) => m.close().catch(() => undefined)));
    throw err;
  }
  return members;
}

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

const mysqlUrl = new URL(process.env.REG_MYSQL_URL ?? 'mysql://root:@127.0.0.1:3306');
const HOW =
  'start MariaDB on 127.0.0.1:3306 (root, empty password) or set REG_MYSQL_URL=mysql://user:pass@host:port';

/** A throwaway MySQL database, or undefined (with a printed reason) when MySQL is not reachable. */
export async function createTestDatabase(): Promise<
  { properties: Record<string, string>; drop(): Promise<void> } | undefined
> {
  let admin: Connection;
  try {
    admin = await createConnection({
      host: mysqlUrl.hostname,
      port: Number(mysqlUrl.port || 3306),
      user: decodeURIComponent(mysqlUrl.username),
      password: decodeURIComponent(mysqlUrl.password),
      connectTimeout: 2000,
    });
  } catch (err) {
    if (process.env.REG_MYSQL_REQUIRED === '1')
      throw new Error(`MySQL unreachable and REG_MYSQL_REQUIRED=1: ${HOW}`);
    console.warn(`[config-center] skipping the MySQL tests: ${(err as Error).message}; to run them ${HOW}`);
    return undefined;
  }
  const database = `reg_cfg_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  return {
    properties: {
      'spring.datasource.platform': 'mysql',
      'db.num': '1',
      'db.url.0': `jdbc:mysql://${mysqlUrl.hostname}:${mysqlUrl.port || 3306}/${database}?characterEncoding=utf8`,
      'db.user': decodeURIComponent(mysqlUrl.username),
      'db.password': decodeURIComponent(mysqlUrl.password),
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
    },
  };
}
