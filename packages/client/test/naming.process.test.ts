// Naming against a real standalone registry: register, read, select, heartbeats, deregister,
// and a UDP push reaching a subscriber.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientError, type Instance, NamingClient, type ServiceChangeEvent } from '../src/index.js';
import { type RegistryProcess, startStandalone, waitFor } from './helpers/registry-process.js';

let server: RegistryProcess;
let cacheHome: string;
const clients: NamingClient[] = [];

function client(extra: Partial<ConstructorParameters<typeof NamingClient>[0]> = {}): NamingClient {
  const c = new NamingClient({
    serverAddr: server.address,
    cacheHome,
    push: { bindAddress: '127.0.0.1', clientIp: '127.0.0.1' },
    ...extra,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  cacheHome = mkdtempSync(join(tmpdir(), 'reg-client-naming-'));
  [server] = (await startStandalone(1)) as [RegistryProcess];
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.destroy();
  rmSync(cacheHome, { recursive: true, force: true });
});

describe('naming against a standalone registry', () => {
  it('registers, lists, selects and deregisters instances in groups and clusters', async () => {
    const naming = client();
    await naming.registerInstance('orders', {
      ip: '10.0.0.1',
      port: 8080,
      weight: 2,
      metadata: { zone: 'a', v: 1 },
    });
    await naming.registerInstance('orders', {
      ip: '10.0.0.2',
      port: 8080,
      clusterName: 'east',
      enabled: true,
    });
    await naming.registerInstance('orders', { ip: '10.0.0.3', port: 8080, groupName: 'OTHER' });

    const all = await naming.getAllInstances('orders', { subscribe: false });
    expect(all.map((i) => `${i.ip}:${i.clusterName}`).sort()).toEqual(['10.0.0.1:DEFAULT', '10.0.0.2:east']);
    const first = all.find((i) => i.ip === '10.0.0.1') as Instance;
    expect(first).toMatchObject({
      serviceName: 'orders',
      weight: 2,
      healthy: true,
      enabled: true,
      ephemeral: true,
    });
    expect(first.metadata).toEqual({ zone: 'a', v: '1' });

    const east = await naming.getAllInstances('orders', { clusters: ['east'], subscribe: false });
    expect(east.map((i) => i.ip)).toEqual(['10.0.0.2']);
    const other = await naming.getAllInstances('orders', { groupName: 'OTHER', subscribe: false });
    expect(other.map((i) => i.ip)).toEqual(['10.0.0.3']);

    expect((await naming.selectInstances('orders')).length).toBe(2);
    expect(await naming.selectInstances('orders', { healthy: false })).toEqual([]);
    const picked = await naming.selectOneHealthyInstance('orders');
    expect(['10.0.0.1', '10.0.0.2']).toContain(picked.ip);

    await naming.deregisterInstance('orders', { ip: '10.0.0.2', port: 8080, clusterName: 'east' });
    const after = await naming.getAllInstances('orders', { subscribe: false });
    expect(after.map((i) => i.ip)).toEqual(['10.0.0.1']);
  });

  it('a namespace keeps its services apart from public', async () => {
    const tenant = client({ namespace: 'team-a' });
    await tenant.registerInstance('billing', { ip: '10.1.0.1', port: 1 });
    expect((await tenant.getAllInstances('billing', { subscribe: false })).map((i) => i.ip)).toEqual([
      '10.1.0.1',
    ]);
    expect(await client().getAllInstances('billing', { subscribe: false })).toEqual([]);
  });

  it('selectOneHealthyInstance fails with a typed error when nothing is healthy', async () => {
    const naming = client();
    await expect(naming.selectOneHealthyInstance('nobody-here')).rejects.toMatchObject({
      code: 'CLIENT_NO_HEALTHY_INSTANCE',
    });
  });

  it('bad arguments are refused before anything is sent', async () => {
    const naming = client();
    const bad: Array<Promise<unknown>> = [
      naming.registerInstance('bad name', { ip: '1.1.1.1', port: 1 }),
      naming.registerInstance('ok', { ip: '1.1.1.1', port: 70_000 }),
      naming.registerInstance('ok', { ip: '1.1.1.1', port: 1, clusterName: 'no_underscore' }),
      naming.registerInstance('ok', { ip: '1.1.1.1', port: 1, weight: -1 }),
      naming.getAllInstances('a@@b'),
    ];
    for (const call of bad) await expect(call).rejects.toMatchObject({ code: 'CLIENT_INVALID_ARGUMENT' });
    // Nothing of it reached the server.
    expect(await naming.getAllInstances('ok', { subscribe: false })).toEqual([]);
  });

  it('heartbeats keep an ephemeral instance alive at the interval the server answers', async () => {
    const naming = client();
    // The server answers each beat with the instance's preserved interval: 300 ms here.
    await naming.registerInstance('beating', {
      ip: '10.2.0.1',
      port: 9000,
      metadata: { 'preserved.heart.beat.interval': 300, 'preserved.heart.beat.timeout': 1500 },
    });
    await waitFor('three beats', () => naming.stats().beats >= 3, 5000);
    const [instance] = await naming.getAllInstances('beating', { subscribe: false });
    expect(instance?.healthy).toBe(true);
    await naming.deregisterInstance('beating', { ip: '10.2.0.1', port: 9000 });
    const beats = naming.stats().beats;
    await new Promise((r) => setTimeout(r, 700));
    expect(naming.stats().beats).toBe(beats);
  });

  it('a subscriber hears of a new instance by UDP push, faster than polling could tell it', async () => {
    const watcher = client({ pollIntervalMs: 60_000 });
    const writer = client({ push: false });
    await writer.registerInstance('pushed', { ip: '10.3.0.1', port: 1 });
    const events: ServiceChangeEvent[] = [];
    await watcher.subscribe('pushed', (e) => events.push(e));
    await waitFor('the initial event', () => events.length === 1, 2000);
    expect(events[0]?.instances.map((i) => i.ip)).toEqual(['10.3.0.1']);
    expect(watcher.stats().udpPort).toBeGreaterThan(0);

    await writer.registerInstance('pushed', { ip: '10.3.0.2', port: 1 });
    // Polling is set to 60 s, so only a push can deliver this within the wait.
    await waitFor('the pushed change', () => events.length === 2, 8000);
    expect(events[1]?.instances.map((i) => i.ip).sort()).toEqual(['10.3.0.1', '10.3.0.2']);
    expect(events[1]?.source).toBe('push');
    expect(watcher.stats().pushes).toBeGreaterThan(0);

    // The last instance going away is announced too (an empty list).
    await writer.deregisterInstance('pushed', { ip: '10.3.0.1', port: 1 });
    await writer.deregisterInstance('pushed', { ip: '10.3.0.2', port: 1 });
    await waitFor('the empty list', () => events.at(-1)?.instances.length === 0, 8000);
  });

  it('a closed client refuses calls with CLIENT_CLOSED', async () => {
    const naming = client();
    await naming.close();
    const err = (await naming.getAllInstances('x').catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('CLIENT_CLOSED');
  });
});
