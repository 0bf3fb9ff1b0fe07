import { createServer, type Server } from 'node:net';
import { NacosNamingClient } from 'nacos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePortPair,
  type NamingProcess,
  startNamingProcess,
  waitForNaming,
  waitUntil,
} from './helpers/registry-process.js';

/**
 * Three registry processes from one cluster.conf on 127.0.0.1: the real `nacos` naming client
 * writes to one member and reads from another; CP data (services, persistent instances,
 * switches) written at any member is applied at all; ephemeral data keeps working with a
 * member down.
 */

interface Host {
  ip: string;
  port: number;
  healthy: boolean;
  ephemeral: boolean;
}

/** The part of the SDK client the test uses (the package's typings omit `close`, see naming.test.ts). */
interface NamingClient {
  ready(): Promise<void>;
  close(): Promise<void>;
  registerInstance(service: string, instance: Record<string, unknown>): Promise<void>;
  deregisterInstance(service: string, instance: Record<string, unknown>): Promise<void>;
  getAllInstances(service: string, group?: string, clusters?: string, subscribe?: boolean): Promise<Host[]>;
  subscribe(service: string, listener: (hosts: Host[]) => void): void;
}

const members: NamingProcess[] = [];
const clients: NamingClient[] = [];
let listener: Server | undefined;
let livePort = 0;

const PROPERTIES = {
  'reg.cluster.secret': 'naming-compat-secret-0123456789',
  'reg.raft.election.timeout.ms': '300',
  'reg.member.report.interval.ms': '200',
  'reg.cp.timeout.ms': '3000',
  'reg.naming.beat.check.period.ms': '200',
};

function sdk(member: NamingProcess): Promise<NamingClient> {
  const quiet = () => undefined;
  const options = {
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    serverList: `127.0.0.1:${member.port}`,
  };
  type Options = ConstructorParameters<typeof NacosNamingClient>[0];
  const c = new NacosNamingClient(options as unknown as Options) as unknown as NamingClient;
  clients.push(c);
  return c.ready().then(() => c);
}

async function http(
  member: NamingProcess,
  method: string,
  path: string,
  query: Record<string, string | number | boolean>,
) {
  const url = new URL(member.base + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  const res = await fetch(url, { method, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, text: await res.text() };
}

async function hosts(member: NamingProcess, serviceName: string): Promise<Host[]> {
  const res = await http(member, 'GET', '/v1/ns/instance/list', { serviceName });
  return (JSON.parse(res.text) as { hosts: Host[] }).hosts;
}

beforeAll(async () => {
  listener = createServer((socket) => socket.destroy());
  await new Promise<void>((r) => listener?.listen(0, '127.0.0.1', () => r()));
  livePort = (listener.address() as { port: number }).port;
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = await freePortPair();
    if (!ports.includes(port)) ports.push(port);
  }
  const conf = ports.map((p) => `127.0.0.1:${p}`);
  for (const port of ports) members.push(startNamingProcess({ port, members: conf, properties: PROPERTIES }));
  await Promise.all(members.map((m) => waitForNaming(m, 30_000)));
}, 45_000);

afterAll(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  await Promise.all(members.map((m) => m.stop()));
  await new Promise((r) => (listener ? listener.close(r) : r(undefined)));
});

describe('naming on a three-member cluster', () => {
  it('the nacos client registers at one member and reads and subscribes at another', async () => {
    const [a, b] = members as [NamingProcess, NamingProcess, NamingProcess];
    const writer = await sdk(a);
    const reader = await sdk(b);
    const seen: Host[][] = [];
    reader.subscribe('cluster-ap', (h) => seen.push(h));
    await writer.registerInstance('cluster-ap', { ip: '127.0.0.1', port: 19001 });
    await waitUntil(
      'the instance is readable at another member',
      async () =>
        (await reader.getAllInstances('cluster-ap', 'DEFAULT_GROUP', '', false)).some(
          (h) => h.port === 19001,
        ),
      8_000,
    );
    await waitUntil(
      'the subscriber at the other member sees it',
      () => seen.some((h) => h.some((x) => x.port === 19001)),
      12_000,
    );
    await writer.deregisterInstance('cluster-ap', { ip: '127.0.0.1', port: 19001 });
    for (const m of members) {
      await waitUntil(
        `deregistration reaches ${m.port}`,
        async () => (await hosts(m, 'cluster-ap')).length === 0,
        8_000,
      );
    }
  }, 40_000);

  it('CP writes at any member are applied at every member', async () => {
    const [a, b, c] = members as [NamingProcess, NamingProcess, NamingProcess];
    expect(
      (await http(c, 'POST', '/v1/ns/service', { serviceName: 'cluster-cp', protectThreshold: 0.25 })).text,
    ).toBe('ok');
    expect(
      (
        await http(a, 'POST', '/v1/ns/instance', {
          serviceName: 'cluster-cp',
          ip: '127.0.0.1',
          port: livePort,
          ephemeral: false,
        })
      ).text,
    ).toBe('ok');
    for (const m of members) {
      await waitUntil(
        `persistent instance at ${m.port}`,
        async () => (await hosts(m, 'cluster-cp')).some((h) => h.port === livePort && !h.ephemeral),
        5_000,
      );
      const service = JSON.parse(
        (await http(m, 'GET', '/v1/ns/service', { serviceName: 'cluster-cp' })).text,
      );
      expect(service.protectThreshold).toBe(0.25);
    }
    // Switch to AP at one member: another refuses persistent registrations.
    expect(
      (await http(b, 'PUT', '/v1/ns/operator/switches', { entry: 'serverMode', value: 'AP' })).text,
    ).toBe('ok');
    await waitUntil(
      'AP mode applied at another member',
      async () =>
        (
          await http(c, 'POST', '/v1/ns/instance', {
            serviceName: 'cluster-cp',
            ip: '127.0.0.1',
            port: 1,
            ephemeral: false,
          })
        ).status === 400,
      5_000,
    );
    expect(
      (await http(c, 'PUT', '/v1/ns/operator/switches', { entry: 'serverMode', value: 'MIXED' })).text,
    ).toBe('ok');
  }, 30_000);

  it('keeps serving ephemeral and CP writes with one member down', async () => {
    const [a, b, c] = members as [NamingProcess, NamingProcess, NamingProcess];
    await c.stop();
    expect(
      (
        await http(a, 'POST', '/v1/ns/instance', {
          serviceName: 'cluster-down',
          ip: '127.0.0.1',
          port: 19002,
        })
      ).text,
    ).toBe('ok');
    await waitUntil(
      'readable at the other survivor',
      async () => (await hosts(b, 'cluster-down')).length === 1,
      10_000,
    );
    // Two of three voters remain: CP writes still commit (retrying while a new leader is elected).
    await waitUntil(
      'a CP write commits with two of three members',
      async () => (await http(b, 'POST', '/v1/ns/service', { serviceName: 'cluster-down-cp' })).text === 'ok',
      10_000,
    );
    // Reads are local: the other survivor shows it once it has applied the entry.
    await waitUntil(
      'the CP write applied at the other survivor',
      async () => (await http(a, 'GET', '/v1/ns/service', { serviceName: 'cluster-down-cp' })).status === 200,
      5_000,
    );
  }, 30_000);

  it('without a Raft leader CP writes get 503 while ephemeral registration keeps working', async () => {
    const [a, b] = members as [NamingProcess, NamingProcess, NamingProcess];
    await b.stop(); // with the third member already down, a is alone: no quorum
    await waitUntil(
      'a CP write refused for want of a leader',
      async () => {
        const r = await http(a, 'POST', '/v1/ns/service', { serviceName: 'no-leader' });
        return r.status === 503 && r.text === 'server is STARTING now, please try again later';
      },
      15_000,
    );
    expect(
      (await http(a, 'POST', '/v1/ns/instance', { serviceName: 'still-ap', ip: '127.0.0.1', port: 19003 }))
        .text,
    ).toBe('ok');
    expect((await hosts(a, 'still-ap')).map((h) => h.port)).toEqual([19003]);
    const beat = await http(a, 'PUT', '/v1/ns/instance/beat', {
      serviceName: 'still-ap',
      ip: '127.0.0.1',
      port: 19003,
    });
    expect(JSON.parse(beat.text).code).toBe(10200);
  }, 30_000);
});
