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
 * The real `nacos` npm naming client against a standalone registry process: register, list,
 * subscribe (push over UDP), beat (re-registration after expiry, then kept alive), deregister,
 * and expiry once the client stops beating. Beat and delete timeouts are shortened per instance
 * through Nacos' metadata keys; the server checks for silent instances every 200 ms.
 */

interface Host {
  ip: string;
  port: number;
  healthy: boolean;
  enabled: boolean;
  weight: number;
  metadata: Record<string, string>;
}

/**
 * What the test uses of the SDK's naming client. The package's bundled typings leave out
 * `close()`, type the logger as a full Console and require every Instance field, so the client
 * is viewed through this narrower, accurate shape.
 */
interface NamingClient {
  ready(): Promise<void>;
  close(): Promise<void>;
  getServerStatus(): Promise<string>;
  registerInstance(service: string, instance: Record<string, unknown>, group?: string): Promise<void>;
  deregisterInstance(service: string, instance: Record<string, unknown>, group?: string): Promise<void>;
  getAllInstances(service: string, group?: string, clusters?: string, subscribe?: boolean): Promise<Host[]>;
  selectInstances(
    service: string,
    group?: string,
    clusters?: string,
    healthy?: boolean,
    subscribe?: boolean,
  ): Promise<Host[]>;
  subscribe(service: string, listener: (hosts: Host[]) => void): void;
}

/** The SDK wants a logger; keep errors for the failure message, drop the chatter. */
function sdkLogger(errors: string[]) {
  const quiet = () => undefined;
  return {
    debug: quiet,
    info: quiet,
    warn: quiet,
    error: (...args: unknown[]) => errors.push(args.map(String).join(' ')),
  };
}

const SERVICE = 'compat-naming';
const FAST = {
  'preserved.heart.beat.interval': '1000',
  'preserved.heart.beat.timeout': '3000',
  'preserved.ip.delete.timeout': '6000',
};

let registry: NamingProcess | undefined;
const clients: NamingClient[] = [];
const sdkErrors: string[] = [];

async function newClient(): Promise<NamingClient> {
  if (!registry) throw new Error('no registry');
  const options = {
    logger: sdkLogger(sdkErrors),
    serverList: `127.0.0.1:${registry.port}`,
    namespace: 'public',
  };
  type Options = ConstructorParameters<typeof NacosNamingClient>[0];
  const c = new NacosNamingClient(options as unknown as Options) as unknown as NamingClient;
  clients.push(c);
  await c.ready();
  return c;
}

async function serverHosts(): Promise<Host[]> {
  const res = await fetch(`${registry?.base}/v1/ns/instance/list?serviceName=${SERVICE}`);
  return ((await res.json()) as { hosts: Host[] }).hosts;
}

async function pushState(): Promise<{ succeed: number; total: number }> {
  return (await (await fetch(`${registry?.base}/v1/ns/operator/push/state`)).json()) as {
    succeed: number;
    total: number;
  };
}

beforeAll(async () => {
  const port = await freePortPair();
  registry = startNamingProcess({ port, properties: { 'reg.naming.beat.check.period.ms': '200' } });
  await waitForNaming(registry);
}, 30_000);

afterAll(async () => {
  for (const c of clients.splice(0)) await c.close();
  await registry?.stop();
});

describe('the nacos npm naming client against a registry process', () => {
  it('reports the server UP', async () => {
    const c = await newClient();
    expect(await c.getServerStatus()).toBe('UP');
  });

  it('registers, lists, gets pushes, beats, deregisters, and expires a client that stops beating', async () => {
    const provider = await newClient();
    const consumer = await newClient();
    const seen: Host[][] = [];
    consumer.subscribe(SERVICE, (hosts) => seen.push(hosts));

    await provider.registerInstance(SERVICE, { ip: '127.0.0.1', port: 18080, metadata: FAST });
    await consumer.registerInstance(SERVICE, { ip: '127.0.0.1', port: 18081, weight: 2 });

    const all = await consumer.getAllInstances(SERVICE, 'DEFAULT_GROUP', '', false);
    expect(all.map((h) => h.port).sort()).toEqual([18080, 18081]);
    expect(all.find((h) => h.port === 18081)).toMatchObject({ healthy: true, enabled: true, weight: 2 });
    expect(all.find((h) => h.port === 18080)?.metadata).toEqual(FAST);
    const selected = await consumer.selectInstances(SERVICE, 'DEFAULT_GROUP', '', true, false);
    expect(selected).toHaveLength(2);

    // The subscriber learns about both; at least one update arrives by UDP push and is acked.
    await waitUntil('subscriber sees both instances', () => seen.some((h) => h.length === 2), 5_000);
    await waitUntil('a push acknowledged by the SDK', async () => (await pushState()).succeed >= 1, 5_000);

    // The provider's first beat comes ~10 s after it was created; with a 3 s beat timeout and a
    // 6 s delete timeout the instance is removed first, then re-registered from the beat's data.
    await waitUntil(
      'silent instance removed',
      async () => !(await serverHosts()).some((h) => h.port === 18080),
      9_000,
    );
    await waitUntil(
      're-registered by its beat',
      async () => (await serverHosts()).some((h) => h.port === 18080),
      8_000,
    );
    // Now beating every second (the interval the server told it): still there after > 3 s.
    await new Promise((r) => setTimeout(r, 3_500));
    const alive = (await serverHosts()).find((h) => h.port === 18080);
    expect(alive).toMatchObject({ healthy: true, metadata: FAST });
    await waitUntil(
      'subscriber saw it come back',
      () => seen.at(-1)?.some((h) => h.port === 18080) ?? false,
      12_000,
    );

    await consumer.deregisterInstance(SERVICE, { ip: '127.0.0.1', port: 18081 });
    expect((await serverHosts()).map((h) => h.port)).toEqual([18080]);

    // The provider goes away: unhealthy after 3 s, removed after 6 s.
    await provider.close();
    clients.splice(clients.indexOf(provider), 1);
    await waitUntil(
      'expired after the client stopped',
      async () => (await serverHosts()).length === 0,
      9_000,
    );
    expect(sdkErrors.filter((e) => !/ECONNREFUSED/.test(e))).toEqual([]);
  }, 45_000);
});
