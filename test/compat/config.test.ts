// The real `nacos` npm config client (NacosConfigClient, nacos@2.6.x) against registry processes:
// publish, get, subscribe (the change notification arrives), remove.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientOptions, NacosConfigClient as NacosConfigClientType } from 'nacos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForConfigWrites } from './helpers/config-process.js';
import { freePortPair, type NamingProcess, startNamingProcess } from './helpers/registry-process.js';

// The SDK wraps every client in cluster-client, which elects a leader over TCP port 7777 and
// shares one client per name (`DiamondClient@<endpoint>`) across the whole machine: two clients
// (or two test processes) would silently share the first one's options. Give this process its own
// port and every client its own name, so each client is what its options say.
process.env.NODE_CLUSTER_CLIENT_PORT = String(await freePortPair());
const { NacosConfigClient } = await import('nacos');
let clientSeq = 0;
class IsolatedConfigClient extends NacosConfigClient {
  // Read once, by the base constructor (before any field of this class exists).
  override get clusterOptions() {
    return { name: `reg-compat-config-${process.pid}-${++clientSeq}` };
  }
}

const GROUP = 'DEFAULT_GROUP';
const cacheDir = mkdtempSync(join(tmpdir(), 'reg-nacos-cache-'));
const clients: NacosConfigClientType[] = [];

function sdk(port: number, namespace?: string): NacosConfigClientType {
  const options: ClientOptions = {
    serverAddr: `127.0.0.1:${port}`,
    requestTimeout: 5_000,
    cacheDir,
    ...(namespace === undefined ? {} : { namespace }),
  };
  const client = new IsolatedConfigClient(options);
  clients.push(client);
  return client;
}

/** The values a subscription delivers, and a way to wait for one (bounded). */
function subscription(client: NacosConfigClientType, dataId: string) {
  const seen: (string | null)[] = [];
  const waiters: { want: string | null; resolve(): void }[] = [];
  client.subscribe({ dataId, group: GROUP }, (content: string | null) => {
    seen.push(content);
    for (const w of waiters.splice(0))
      if (w.want === content) w.resolve();
      else waiters.push(w);
  });
  return {
    seen,
    next(want: string | null, timeoutMs = 10_000): Promise<void> {
      if (seen.at(-1) === want) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no notification ${JSON.stringify(want)} within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          want,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

afterAll(() => {
  for (const c of clients.splice(0)) c.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('nacos SDK config client against a standalone registry process', () => {
  let server: NamingProcess;
  beforeAll(async () => {
    server = startNamingProcess({ port: await freePortPair() });
    try {
      await waitForConfigWrites(server);
    } catch (err) {
      await server.stop();
      throw err;
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('publishes, gets, is notified of changes and removes', async () => {
    const client = sdk(server.port);
    await client.ready();
    const dataId = `compat.${Date.now()}.properties`;
    expect(await client.getConfig(dataId, GROUP, {})).toBeNull();
    expect(await client.publishSingle(dataId, GROUP, 'a=1')).toBe(true);
    expect(await client.getConfig(dataId, GROUP, {})).toBe('a=1');

    const sub = subscription(client, dataId);
    await sub.next('a=1');
    const started = Date.now();
    expect(await client.publishSingle(dataId, GROUP, 'a=2 配置')).toBe(true);
    await sub.next('a=2 配置');
    // Held polls answer on the change, far inside the SDK's 30 s poll.
    expect(Date.now() - started).toBeLessThan(5_000);

    expect(await client.remove(dataId, GROUP, {})).toBe(true);
    expect(await client.getConfig(dataId, GROUP, {})).toBeNull();
    await sub.next(null);
  });

  it('keeps namespaces apart', async () => {
    const dev = sdk(server.port, 'dev');
    const pub = sdk(server.port);
    await Promise.all([dev.ready(), pub.ready()]);
    const dataId = `compat.ns.${Date.now()}`;
    expect(await dev.publishSingle(dataId, GROUP, 'dev')).toBe(true);
    expect(await dev.getConfig(dataId, GROUP, {})).toBe('dev');
    expect(await pub.getConfig(dataId, GROUP, {})).toBeNull();
    const sub = subscription(dev, dataId);
    await sub.next('dev');
    await dev.publishSingle(dataId, GROUP, 'dev2');
    await sub.next('dev2');
  });
});

describe('nacos SDK config clients against a three-member cluster', () => {
  const members: NamingProcess[] = [];
  const PROPERTIES = {
    'reg.cluster.secret': 'config-compat-secret-0123456789',
    'reg.raft.election.timeout.ms': '300',
    'reg.member.report.interval.ms': '200',
    'reg.cp.timeout.ms': '3000',
  };
  beforeAll(async () => {
    const ports: number[] = [];
    while (ports.length < 3) {
      const port = await freePortPair();
      if (!ports.includes(port)) ports.push(port);
    }
    const list = ports.map((p) => `127.0.0.1:${p}`);
    try {
      for (const port of ports)
        members.push(startNamingProcess({ port, members: list, properties: PROPERTIES }));
      await Promise.all(members.map((m) => waitForConfigWrites(m, 30_000)));
    } catch (err) {
      await Promise.all(members.map((m) => m.stop()));
      throw err;
    }
  }, 40_000);
  afterAll(async () => {
    await Promise.all(members.map((m) => m.stop()));
  });

  it('publishes at one member and notifies a subscriber at another; every member reads the latest', async () => {
    const [a, b, c] = members;
    if (!a || !b || !c) throw new Error('cluster did not start');
    const writer = sdk(a.port);
    const reader = sdk(b.port);
    await Promise.all([writer.ready(), reader.ready()]);
    const dataId = `compat.cluster.${Date.now()}`;
    const sub = subscription(reader, dataId);
    await sub.next(null);
    for (const version of ['v1', 'v2', 'v3']) {
      const started = Date.now();
      expect(await writer.publishSingle(dataId, GROUP, version)).toBe(true);
      await sub.next(version);
      expect(Date.now() - started).toBeLessThan(5_000);
      // Linearizable reads: after the publish returned, no member answers older content.
      for (const m of members) {
        const res = await fetch(`${m.base}/v1/cs/configs?dataId=${dataId}&group=${GROUP}`);
        expect(await res.text(), `member ${m.port}`).toBe(version);
      }
    }
    expect(await sdk(c.port).remove(dataId, GROUP, {})).toBe(true);
    await sub.next(null);
    expect(await reader.getConfig(dataId, GROUP, {})).toBeNull();
  });
});
