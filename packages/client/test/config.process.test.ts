// Config against a real standalone registry: get, publish (with CAS), remove, and listening by
// long polling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigChangeEvent, ConfigClient, type ConfigClientOptions, md5Hex } from '../src/index.js';
import { type RegistryProcess, startStandalone, waitFor } from './helpers/registry-process.js';

let server: RegistryProcess;
let cacheHome: string;
const clients: ConfigClient[] = [];

function client(extra: Partial<ConfigClientOptions> = {}): ConfigClient {
  const c = new ConfigClient({ serverAddr: server.address, cacheHome, retryDelayMs: 200, ...extra });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  cacheHome = mkdtempSync(join(tmpdir(), 'reg-client-config-'));
  [server] = (await startStandalone(1)) as [RegistryProcess];
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.destroy();
  rmSync(cacheHome, { recursive: true, force: true });
});

describe('config against a standalone registry', () => {
  it('publishes, reads and removes configs by data id, group and namespace', async () => {
    const config = client();
    expect(await config.getConfig('app.properties')).toBeUndefined();
    await config.publishConfig('app.properties', 'a=1\nb=ü + & %', { type: 'properties' });
    expect(await config.getConfig('app.properties')).toBe('a=1\nb=ü + & %');
    await config.publishConfig('app.properties', 'other group', { group: 'G2' });
    expect(await config.getConfig('app.properties', { group: 'G2' })).toBe('other group');

    const tenant = client({ namespace: 'team-b' });
    expect(await tenant.getConfig('app.properties')).toBeUndefined();
    await tenant.publishConfig('app.properties', 'tenant copy');
    expect(await tenant.getConfig('app.properties')).toBe('tenant copy');
    expect(await config.getConfig('app.properties')).toBe('a=1\nb=ü + & %');

    await config.removeConfig('app.properties');
    expect(await config.getConfig('app.properties')).toBeUndefined();
    // Removing what is absent is fine.
    await config.removeConfig('app.properties');
  });

  it('compare-and-set publishes only over the expected md5 and writes nothing otherwise', async () => {
    const config = client();
    await config.publishConfig('cas.json', '{"v":1}');
    await config.publishConfig('cas.json', '{"v":2}', { casMd5: md5Hex('{"v":1}') });
    expect(await config.getConfig('cas.json')).toBe('{"v":2}');
    await expect(
      config.publishConfig('cas.json', '{"v":3}', { casMd5: md5Hex('{"v":1}') }),
    ).rejects.toMatchObject({
      code: 'CLIENT_CONFIG_CAS_MISMATCH',
    });
    expect(await config.getConfig('cas.json')).toBe('{"v":2}');
  });

  it('bad arguments are refused before anything is sent', async () => {
    const config = client();
    await expect(config.getConfig('a/b')).rejects.toMatchObject({ code: 'CLIENT_INVALID_ARGUMENT' });
    await expect(config.publishConfig('ok', '   ')).rejects.toMatchObject({
      code: 'CLIENT_INVALID_ARGUMENT',
    });
    await expect(config.publishConfig('ok', 'x', { group: '../etc' })).rejects.toMatchObject({
      code: 'CLIENT_INVALID_ARGUMENT',
    });
    expect(await config.getConfig('ok')).toBeUndefined();
  });

  it('a subscriber hears every change by long polling, and a removal', async () => {
    const reader = client();
    const writer = client();
    await writer.publishConfig('watched.yaml', 'v: 1', { type: 'yaml' });
    const events: ConfigChangeEvent[] = [];
    const initial = await reader.subscribe('watched.yaml', (e) => events.push(e));
    expect(initial).toBe('v: 1');

    await writer.publishConfig('watched.yaml', 'v: 2');
    await waitFor('the first change', () => events.length === 1, 8000);
    expect(events[0]).toMatchObject({
      dataId: 'watched.yaml',
      group: 'DEFAULT_GROUP',
      content: 'v: 2',
      source: 'server',
    });
    expect(events[0]?.md5).toBe(md5Hex('v: 2'));

    // Publishing the same content again changes nothing a listener could see.
    await writer.publishConfig('watched.yaml', 'v: 2');
    await writer.publishConfig('watched.yaml', 'v: 3');
    await waitFor('the second change', () => events.at(-1)?.content === 'v: 3', 8000);
    expect(events.map((e) => e.content)).toEqual(['v: 2', 'v: 3']);

    await writer.removeConfig('watched.yaml');
    await waitFor('the removal', () => events.length === 3, 8000);
    expect(events[2]?.content).toBeUndefined();
  });

  it('a second subscription joins the running poll at once, and unsubscribed configs go quiet', async () => {
    const reader = client();
    const writer = client();
    const a: string[] = [];
    const b: string[] = [];
    const listenA = (e: ConfigChangeEvent) => a.push(String(e.content));
    await reader.subscribe('first', listenA);
    await reader.subscribe('second', (e) => b.push(String(e.content)));
    await writer.publishConfig('second', 'hello');
    await waitFor('the second key', () => b.length === 1, 8000);
    reader.unsubscribe('first', listenA);
    await writer.publishConfig('first', 'unheard');
    await writer.publishConfig('second', 'again');
    await waitFor('the second key again', () => b.length === 2, 8000);
    expect(a).toEqual([]);
  });
});
