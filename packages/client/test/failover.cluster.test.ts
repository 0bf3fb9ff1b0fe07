// Seed 002's client failover against a real 3-member registry cluster: members are SIGKILLed one
// by one while a subscriber keeps its data and calls move to the survivors; then every member is
// down (reads come from memory and the snapshot), then all come back and the client re-registers
// its instance and resyncs its subscriber.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigChangeEvent, ConfigClient, NamingClient, type ServiceChangeEvent } from '../src/index.js';
import { type RegistryProcess, startCluster, waitFor } from './helpers/registry-process.js';

let members: RegistryProcess[] = [];
let home: string;
const closers: Array<{ close(): Promise<void> }> = [];

/** What one member lists for a service, asked directly (not through the client). */
async function listedAt(member: RegistryProcess, service: string): Promise<string[]> {
  const res = await fetch(
    `http://127.0.0.1:${member.port}/nacos/v1/ns/instance/list?serviceName=${service}`,
    { signal: AbortSignal.timeout(2000) },
  );
  const body = (await res.json()) as { hosts?: Array<{ ip: string }> };
  return (body.hosts ?? []).map((h) => h.ip).sort();
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'reg-client-cluster-'));
  members = await startCluster(3);
}, 60_000);

afterAll(async () => {
  await Promise.all(closers.map((c) => c.close()));
  await Promise.all(members.map((m) => m.destroy()));
  rmSync(home, { recursive: true, force: true });
});

describe('failover across a 3-member cluster', () => {
  it('keeps serving while members die one by one, from cache when all are down, and re-registers when they return', async () => {
    const serverAddr = members.map((m) => m.address);
    const provider = new NamingClient({
      serverAddr,
      cacheHome: join(home, 'provider'),
      push: false,
      requestTimeoutMs: 1000,
    });
    const consumer = new NamingClient({
      serverAddr,
      cacheHome: join(home, 'consumer'),
      push: { bindAddress: '127.0.0.1', clientIp: '127.0.0.1' },
      pollIntervalMs: 500,
      requestTimeoutMs: 1000,
    });
    const config = new ConfigClient({
      serverAddr,
      cacheHome: join(home, 'config'),
      requestTimeoutMs: 1000,
      retryDelayMs: 200,
    });
    closers.push(provider, consumer, config);

    // Beats every 300 ms; the server may take 3 s of silence before calling the instance unhealthy.
    await provider.registerInstance('resilient', {
      ip: '10.7.0.1',
      port: 7000,
      metadata: {
        'preserved.heart.beat.interval': 300,
        'preserved.heart.beat.timeout': 3000,
        'preserved.ip.delete.timeout': 6000,
      },
    });
    const events: ServiceChangeEvent[] = [];
    await consumer.subscribe('resilient', (e) => events.push(e));
    await waitFor('the first event', () => events.at(-1)?.instances.length === 1, 5000);
    await config.publishConfig('shared.properties', 'v=1');
    const configEvents: ConfigChangeEvent[] = [];
    expect(await config.subscribe('shared.properties', (e) => configEvents.push(e))).toBe('v=1');
    // Distro replicated the instance everywhere before anyone dies.
    for (const m of members)
      await waitFor(
        `the instance at ${m.port}`,
        async () => (await listedAt(m, 'resilient')).length === 1,
        10_000,
      );

    const [first, second, third] = members as [RegistryProcess, RegistryProcess, RegistryProcess];

    // One member down: the majority keeps Raft, so config writes work and listeners hear them.
    await first.kill();
    await config.publishConfig('shared.properties', 'v=2');
    await waitFor('the config change after one kill', () => configEvents.at(-1)?.content === 'v=2', 10_000);
    expect((await consumer.getAllInstances('resilient', { subscribe: false })).map((i) => i.ip)).toEqual([
      '10.7.0.1',
    ]);

    // Two down: no Raft leader, but naming (AP) still answers from the survivor.
    await second.kill();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await consumer.getAllInstances('resilient', { subscribe: false })).map((i) => i.ip)).toEqual([
      '10.7.0.1',
    ]);
    expect(events.at(-1)?.instances.map((i) => i.ip)).toEqual(['10.7.0.1']);
    // Config reads answer too: from the survivor or, if it cannot serve them, from what the client knows.
    expect(await config.getConfig('shared.properties')).toBe('v=2');

    // All down: reads come from memory and the snapshot; the subscriber keeps its last data.
    await third.kill();
    const eventsBefore = events.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await consumer.getAllInstances('resilient', { subscribe: false })).map((i) => i.ip)).toEqual([
      '10.7.0.1',
    ]);
    expect(await config.getConfig('shared.properties')).toBe('v=2');
    expect(events.length).toBe(eventsBefore);
    expect(events.at(-1)?.instances.map((i) => i.ip)).toEqual(['10.7.0.1']);
    // A fresh client with nothing in memory still reads the consumer's snapshot.
    const cold = new NamingClient({
      serverAddr,
      cacheHome: join(home, 'consumer'),
      push: false,
      requestTimeoutMs: 500,
    });
    closers.push(cold);
    expect((await cold.getAllInstances('resilient', { subscribe: false })).map((i) => i.ip)).toEqual([
      '10.7.0.1',
    ]);

    // Everyone back, with no ephemeral data (it lives in memory): the provider's next beat is told
    // 20404 and registers again; the subscriber resyncs.
    const before = provider.stats().reRegistrations;
    for (const m of members) m.start();
    await Promise.all(members.map((m) => m.waitReady(30_000)));
    await waitFor('re-registration', () => provider.stats().reRegistrations > before, 15_000);
    for (const m of members)
      await waitFor(
        `the instance back at ${m.port}`,
        async () => (await listedAt(m, 'resilient')).length === 1,
        15_000,
      );
    await waitFor(
      'the subscriber resynced',
      () =>
        events
          .at(-1)
          ?.instances.map((i) => i.ip)
          .join() === '10.7.0.1',
      10_000,
    );
    expect(events.at(-1)?.source).not.toBe('cache');

    // Config still listens after the outage.
    await config.publishConfig('shared.properties', 'v=3');
    await waitFor('the config change after the outage', () => configEvents.at(-1)?.content === 'v=3', 15_000);
  }, 120_000);
});
