// The local caches (seed 002): snapshots written after every update and read when no server
// answers (or at start with loadCacheAtStart), and failover files that override servers.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConfigChangeEvent,
  ConfigClient,
  type ConfigClientOptions,
  NamingClient,
  type NamingClientOptions,
  type ServiceChangeEvent,
} from '../src/index.js';
import { deadPort, type RegistryProcess, startStandalone, waitFor } from './helpers/registry-process.js';

let server: RegistryProcess;
let home: string;
let dead: string;
const closers: Array<{ close(): Promise<void> }> = [];

function naming(options: Partial<NamingClientOptions>): NamingClient {
  const c = new NamingClient({
    serverAddr: server.address,
    cacheHome: home,
    push: false,
    failoverScanMs: 100,
    ...options,
  });
  closers.push(c);
  return c;
}

function config(options: Partial<ConfigClientOptions>): ConfigClient {
  const c = new ConfigClient({
    serverAddr: server.address,
    cacheHome: home,
    failoverScanMs: 100,
    retryDelayMs: 200,
    ...options,
  });
  closers.push(c);
  return c;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'reg-client-cache-'));
  dead = `127.0.0.1:${await deadPort()}`;
  [server] = (await startStandalone(1)) as [RegistryProcess];
});

afterAll(async () => {
  await Promise.all(closers.map((c) => c.close()));
  await server?.destroy();
  rmSync(home, { recursive: true, force: true });
});

describe('naming cache', () => {
  it('defaults to {cacheHome}/nacos/naming/{namespace} and writes a snapshot after each update', async () => {
    const client = naming({});
    expect(client.cacheDir).toBe(join(home, 'nacos', 'naming', 'public'));
    await client.registerInstance('snap', { ip: '10.9.0.1', port: 80 });
    await client.getAllInstances('snap');
    await client.close();
    const file = join(client.cacheDir, encodeURIComponent('DEFAULT_GROUP@@snap@@'));
    const json = JSON.parse(readFileSync(file, 'utf8')) as { name: string; hosts: Array<{ ip: string }> };
    expect(json.name).toBe('DEFAULT_GROUP@@snap');
    expect(json.hosts.map((h) => h.ip)).toEqual(['10.9.0.1']);
  });

  it('without any server, reads come from the snapshot (at start with loadCacheAtStart, else on failure)', async () => {
    const dir = join(home, 'nacos', 'naming', 'public');
    const atStart = naming({
      serverAddr: dead,
      namingCacheDir: dir,
      loadCacheAtStart: true,
      requestTimeoutMs: 500,
    });
    const events: ServiceChangeEvent[] = [];
    await atStart.subscribe('snap', (e) => events.push(e));
    await waitFor('the cached event', () => events.length === 1, 2000);
    expect(events[0]?.source).toBe('cache');
    expect(events[0]?.instances.map((i) => i.ip)).toEqual(['10.9.0.1']);

    const onFailure = naming({ serverAddr: dead, namingCacheDir: dir, requestTimeoutMs: 500 });
    expect((await onFailure.getAllInstances('snap', { subscribe: false })).map((i) => i.ip)).toEqual([
      '10.9.0.1',
    ]);
    await expect(onFailure.getAllInstances('never-cached')).rejects.toMatchObject({
      code: 'CLIENT_SERVER_UNAVAILABLE',
    });
  });

  it('a failover file overrides the servers while it exists, and subscribers follow it', async () => {
    const dir = join(home, 'failover-case');
    const client = naming({ namingCacheDir: dir });
    await client.registerInstance('fo', { ip: '10.8.0.1', port: 80 });
    const events: ServiceChangeEvent[] = [];
    await client.subscribe('fo', (e) => events.push(e));
    await waitFor('the server event', () => events.length === 1, 2000);

    mkdirSync(join(dir, 'failover'), { recursive: true });
    const file = join(dir, 'failover', encodeURIComponent('DEFAULT_GROUP@@fo@@'));
    writeFileSync(
      file,
      JSON.stringify({ name: 'DEFAULT_GROUP@@fo', clusters: '', hosts: [{ ip: '10.8.9.9', port: 81 }] }),
    );
    await waitFor('the failover event', () => events.length === 2, 3000);
    expect(events[1]?.source).toBe('failover');
    expect(events[1]?.instances.map((i) => `${i.ip}:${i.port}`)).toEqual(['10.8.9.9:81']);
    expect((await client.selectOneHealthyInstance('fo')).ip).toBe('10.8.9.9');

    unlinkSync(file);
    await waitFor('the server data again', () => events.length === 3, 3000);
    expect(events[2]?.instances.map((i) => i.ip)).toEqual(['10.8.0.1']);
  });
});

describe('config cache', () => {
  it('snapshots what servers answer and serves it when none answers', async () => {
    const dir = join(home, 'config-cache');
    const live = config({ configCacheDir: dir });
    await live.publishConfig('snap.properties', 'x=1');
    expect(await live.getConfig('snap.properties')).toBe('x=1');
    expect(readFileSync(join(dir, 'snapshot', 'DEFAULT_GROUP', 'snap.properties'), 'utf8')).toBe('x=1');

    const offline = config({ serverAddr: dead, configCacheDir: dir, requestTimeoutMs: 500 });
    expect(await offline.getConfig('snap.properties')).toBe('x=1');
    await expect(offline.getConfig('never-read')).rejects.toMatchObject({
      code: 'CLIENT_SERVER_UNAVAILABLE',
    });

    // A config the server no longer has loses its snapshot.
    await live.removeConfig('snap.properties');
    expect(await live.getConfig('snap.properties')).toBeUndefined();
    expect(existsSync(join(dir, 'snapshot', 'DEFAULT_GROUP', 'snap.properties'))).toBe(false);
  });

  it('the default directory follows the Nacos layout, with a tenant folder for namespaces', async () => {
    const client = config({ cacheHome: home, namespace: 'ns-1' });
    expect(client.cacheDir).toBe(join(home, 'nacos', 'config', `fixed-127.0.0.1_${server.port}-ns-1_nacos`));
    await client.publishConfig('t.txt', 'tenant');
    await client.getConfig('t.txt');
    expect(
      readFileSync(join(client.cacheDir, 'snapshot-tenant', 'ns-1', 'DEFAULT_GROUP', 't.txt'), 'utf8'),
    ).toBe('tenant');
  });

  it('a failover file wins over the server, and subscribers follow it', async () => {
    const dir = join(home, 'config-failover');
    const client = config({ configCacheDir: dir });
    await client.publishConfig('fo.json', '{"from":"server"}');
    const events: ConfigChangeEvent[] = [];
    expect(await client.subscribe('fo.json', (e) => events.push(e))).toBe('{"from":"server"}');

    const file = join(dir, 'data', 'config-data', 'DEFAULT_GROUP', 'fo.json');
    mkdirSync(join(dir, 'data', 'config-data', 'DEFAULT_GROUP'), { recursive: true });
    writeFileSync(file, '{"from":"failover"}');
    expect(await client.getConfig('fo.json')).toBe('{"from":"failover"}');
    await waitFor('the failover event', () => events.length === 1, 3000);
    expect(events[0]).toMatchObject({ content: '{"from":"failover"}', source: 'failover' });

    unlinkSync(file);
    await waitFor('the server content again', () => events.length === 2, 3000);
    expect(events[1]).toMatchObject({ content: '{"from":"server"}', source: 'server' });
  });
});
