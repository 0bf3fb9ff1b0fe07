import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, type NamingRegistry, startNamingRegistry } from './naming-harness.js';

let reg: NamingRegistry;
let req: ReturnType<typeof client>;
let curl: ReturnType<typeof client>;
beforeAll(async () => {
  reg = await startNamingRegistry();
  req = client(reg.base);
  curl = client(reg.base, 'curl/8.5.0');
});
afterAll(async () => {
  await reg?.close();
});

const list = async (serviceName: string, extra: Record<string, string> = {}) =>
  (await req('GET', '/v1/ns/instance/list', { serviceName, ...extra })).json();

describe('register and list, as the Node SDK does it', () => {
  it('registers with grouped names, `enable`, JSON metadata, and lists with echoed names', async () => {
    const r = await req('POST', '/v1/ns/instance', {
      namespaceId: 'public',
      serviceName: 'DEFAULT_GROUP@@sdk',
      groupName: 'DEFAULT_GROUP',
      clusterName: 'DEFAULT',
      ip: '10.1.0.1',
      port: 8080,
      weight: 2,
      enable: true,
      healthy: true,
      ephemeral: true,
      metadata: JSON.stringify({ zone: 'a', n: 1 }),
    });
    expect([r.status, r.text]).toEqual([200, 'ok']);
    const body = await list('DEFAULT_GROUP@@sdk', { clusters: '', healthyOnly: 'false' });
    expect(Object.keys(body).sort()).toEqual(
      [
        'cacheMillis',
        'checksum',
        'clusters',
        'dom',
        'env',
        'hosts',
        'lastRefTime',
        'metadata',
        'name',
        'useSpecifiedURL',
      ].sort(),
    );
    expect(body).toMatchObject({
      dom: 'DEFAULT_GROUP@@sdk',
      name: 'DEFAULT_GROUP@@sdk',
      clusters: '',
      cacheMillis: 3000,
    });
    expect(body.hosts).toEqual([
      {
        instanceId: '10.1.0.1#8080#DEFAULT#DEFAULT_GROUP@@sdk',
        ip: '10.1.0.1',
        port: 8080,
        weight: 2,
        healthy: true,
        enabled: true,
        ephemeral: true,
        clusterName: 'DEFAULT',
        serviceName: 'DEFAULT_GROUP@@sdk',
        metadata: { zone: 'a', n: '1' },
        valid: true,
        marked: false,
      },
    ]);
    // Same service through a bare name plus groupName.
    expect((await list('sdk', { groupName: 'DEFAULT_GROUP' })).hosts).toHaveLength(1);
  });

  it('answers a missing service with the four-field body and 200', async () => {
    const r = await req('GET', '/v1/ns/instance/list', { serviceName: 'G@@nothing', clusters: 'A,B' });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ name: 'G@@nothing', clusters: 'A,B', cacheMillis: 3000, hosts: [] });
  });

  it('filters by clusters and healthyOnly, and never returns disabled instances', async () => {
    await req('POST', '/v1/ns/instance', { serviceName: 'multi', ip: '10.1.1.1', port: 1, clusterName: 'A' });
    await req('POST', '/v1/ns/instance', { serviceName: 'multi', ip: '10.1.1.2', port: 1, clusterName: 'B' });
    await req('POST', '/v1/ns/instance', {
      serviceName: 'multi',
      ip: '10.1.1.3',
      port: 1,
      clusterName: 'B',
      enabled: false,
    });
    expect((await list('multi', { clusters: 'A' })).hosts.map((h: { ip: string }) => h.ip)).toEqual([
      '10.1.1.1',
    ]);
    expect((await list('multi', { clusters: 'B,C' })).hosts.map((h: { ip: string }) => h.ip)).toEqual([
      '10.1.1.2',
    ]);
    expect((await list('multi')).hosts).toHaveLength(2);
  });

  it('shows the detail of one instance, with Nacos 404 texts', async () => {
    await req('POST', '/v1/ns/instance', {
      serviceName: 'detail',
      ip: '10.1.2.1',
      port: 80,
      metadata: 'a=1,b=2',
    });
    const r = await req('GET', '/v1/ns/instance', { serviceName: 'detail', ip: '10.1.2.1', port: 80 });
    expect(r.json()).toEqual({
      service: 'DEFAULT_GROUP@@detail',
      ip: '10.1.2.1',
      port: 80,
      clusterName: 'DEFAULT',
      weight: 1,
      healthy: true,
      instanceId: '10.1.2.1#80#DEFAULT#DEFAULT_GROUP@@detail',
      metadata: { a: '1', b: '2' },
    });
    const miss = async (q: Record<string, string | number>) => {
      const a = await req('GET', '/v1/ns/instance', q);
      return [a.status, a.text];
    };
    expect(await miss({ serviceName: 'nope', ip: '1.1.1.1', port: 1 })).toEqual([
      404,
      'no service DEFAULT_GROUP@@nope found!',
    ]);
    expect(await miss({ serviceName: 'detail', ip: '10.1.2.1', port: 80, clusterName: 'X' })).toEqual([
      404,
      'no ips found for cluster X in service DEFAULT_GROUP@@detail',
    ]);
    expect(await miss({ serviceName: 'detail', ip: '10.1.2.9', port: 80 })).toEqual([
      404,
      'no matched ip found!',
    ]);
  });
});

describe('update, patch, deregister', () => {
  it("seed 003: curl's PUT registers", async () => {
    const r = await curl('PUT', '/v1/ns/instance', {
      serviceName: 'nacos.naming.serviceName',
      ip: '20.18.7.10',
      port: 8080,
    });
    expect([r.status, r.text]).toEqual([200, 'ok']);
    expect((await list('nacos.naming.serviceName')).hosts[0]).toMatchObject({ ip: '20.18.7.10', port: 8080 });
  });

  it('a Java client PUT updates only what exists', async () => {
    const missing = await req('PUT', '/v1/ns/instance', { serviceName: 'upd', ip: '10.1.3.1', port: 1 });
    expect([missing.status, missing.text]).toEqual([
      400,
      'service not found, namespace: public, service: DEFAULT_GROUP@@upd',
    ]);
    await req('POST', '/v1/ns/instance', { serviceName: 'upd', ip: '10.1.3.1', port: 1 });
    const other = await req('PUT', '/v1/ns/instance', { serviceName: 'upd', ip: '10.1.3.2', port: 1 });
    expect(other.status).toBe(400);
    expect(other.text).toMatch(
      /^instance not exist: \{"instanceId":"10\.1\.3\.2#1#DEFAULT#DEFAULT_GROUP@@upd"/,
    );
    const ok = await req('PUT', '/v1/ns/instance', {
      serviceName: 'upd',
      ip: '10.1.3.1',
      port: 1,
      weight: 7,
      metadata: '{"v":"2"}',
    });
    expect(ok.text).toBe('ok');
    expect((await list('upd')).hosts[0]).toMatchObject({ weight: 7, metadata: { v: '2' } });
  });

  it('PATCH changes only the given fields; an unknown instance is a 400', async () => {
    await req('POST', '/v1/ns/instance', {
      serviceName: 'pat',
      ip: '10.1.4.1',
      port: 1,
      metadata: '{"k":"v"}',
      weight: 3,
    });
    expect(
      (await req('PATCH', '/v1/ns/instance', { serviceName: 'pat', ip: '10.1.4.1', port: 1, enabled: false }))
        .text,
    ).toBe('ok');
    const all = await req('GET', '/v1/ns/catalog/instances', {
      serviceName: 'pat',
      clusterName: 'DEFAULT',
      pageNo: 1,
      pageSize: 10,
    });
    expect(all.json().list[0]).toMatchObject({ enabled: false, weight: 3, metadata: { k: 'v' } });
    const unknown = await req('PATCH', '/v1/ns/instance', {
      serviceName: 'pat',
      ip: '10.1.4.9',
      port: 1,
      weight: 1,
    });
    expect([unknown.status, unknown.text]).toEqual([400, 'instance not found']);
  });

  it('DELETE answers ok, also for unknown services and instances', async () => {
    await req('POST', '/v1/ns/instance', { serviceName: 'del', ip: '10.1.5.1', port: 1 });
    await req('POST', '/v1/ns/instance', { serviceName: 'del', ip: '10.1.5.2', port: 1 });
    expect(
      (
        await req('DELETE', '/v1/ns/instance', {
          serviceName: 'DEFAULT_GROUP@@del',
          ip: '10.1.5.1',
          port: 1,
          ephemeral: true,
        })
      ).text,
    ).toBe('ok');
    expect(
      (await req('DELETE', '/v1/ns/instance', { serviceName: 'del', ip: '10.9.9.9', port: 1 })).text,
    ).toBe('ok');
    expect(
      (await req('DELETE', '/v1/ns/instance', { serviceName: 'never', ip: '10.9.9.9', port: 1 })).text,
    ).toBe('ok');
    expect((await list('del')).hosts.map((h: { ip: string }) => h.ip)).toEqual(['10.1.5.2']);
  });
});

describe('beats', () => {
  it('a light beat for an unknown instance gets 20404; a full beat re-registers it', async () => {
    const light = await req('PUT', '/v1/ns/instance/beat', { serviceName: 'beat', ip: '10.1.6.1', port: 1 });
    expect(light.json()).toEqual({ clientBeatInterval: 5000, code: 20404 });
    const beat = JSON.stringify({
      serviceName: 'DEFAULT_GROUP@@beat',
      ip: '10.1.6.1',
      port: 1,
      cluster: 'DEFAULT',
      weight: 1,
      metadata: { 'preserved.heart.beat.interval': '3000' },
      scheduled: false,
    });
    const full = await req('PUT', '/v1/ns/instance/beat', {
      beat,
      namespaceId: 'public',
      serviceName: 'DEFAULT_GROUP@@beat',
    });
    expect(full.text).toBe('{"clientBeatInterval":3000,"code":10200,"lightBeatEnabled":true}');
    expect((await list('beat')).hosts[0]).toMatchObject({
      ip: '10.1.6.1',
      metadata: { 'preserved.heart.beat.interval': '3000' },
    });
    const again = await req('PUT', '/v1/ns/instance/beat', { serviceName: 'beat', ip: '10.1.6.1', port: 1 });
    expect(again.json().code).toBe(10200);
    expect(reg.naming.metrics.beats).toBeGreaterThanOrEqual(2);
  });

  it('expires silent instances: unhealthy, then removed (shortened via metadata)', async () => {
    const metadata = JSON.stringify({
      'preserved.heart.beat.timeout': '300',
      'preserved.ip.delete.timeout': '900',
    });
    await req('POST', '/v1/ns/instance', { serviceName: 'expiry', ip: '10.1.7.1', port: 1, metadata });
    await req('POST', '/v1/ns/instance', { serviceName: 'expiry', ip: '10.1.7.2', port: 1 });
    const healthOf = async () =>
      Object.fromEntries(
        (
          await req('GET', '/v1/ns/catalog/instances', {
            serviceName: 'expiry',
            clusterName: 'DEFAULT',
            pageNo: 1,
            pageSize: 10,
          })
        )
          .json()
          .list.map((i: { ip: string; healthy: boolean }) => [i.ip, i.healthy]),
      );
    await eventually(async () => (await healthOf())['10.1.7.1'] === false, 3000);
    // One of two healthy (0.5) is above the default threshold 0: only the healthy one is "healthy".
    const served = await list('expiry');
    expect(served.hosts.map((h: { ip: string; healthy: boolean }) => [h.ip, h.healthy])).toEqual([
      ['10.1.7.2', true],
      ['10.1.7.1', false],
    ]);
    expect((await list('expiry', { healthyOnly: 'true' })).hosts).toHaveLength(1);
    await eventually(async () => !('10.1.7.1' in (await healthOf())), 3000);
    expect(await healthOf()).toEqual({ '10.1.7.2': true });
  });

  it('a beat revives an instance marked unhealthy by expiry', async () => {
    const metadata = JSON.stringify({
      'preserved.heart.beat.timeout': '200',
      'preserved.ip.delete.timeout': '60000',
    });
    await req('POST', '/v1/ns/instance', { serviceName: 'revive', ip: '10.1.8.1', port: 1, metadata });
    const healthy = async () =>
      (await req('GET', '/v1/ns/instance', { serviceName: 'revive', ip: '10.1.8.1', port: 1 })).json()
        .healthy;
    await eventually(async () => (await healthy()) === false, 3000);
    // Alone and unhealthy: the protect threshold (0) still serves it as healthy.
    expect((await list('revive')).hosts[0]).toMatchObject({ healthy: true, valid: true });
    await req('PUT', '/v1/ns/instance/beat', { serviceName: 'revive', ip: '10.1.8.1', port: 1 });
    expect(await healthy()).toBe(true);
  });
});

describe('protect threshold', () => {
  it('serves every instance as healthy when the healthy share is at or below the threshold', async () => {
    await req('POST', '/v1/ns/service', { serviceName: 'guarded', protectThreshold: 0.5 });
    const metadata = JSON.stringify({
      'preserved.heart.beat.timeout': '200',
      'preserved.ip.delete.timeout': '60000',
    });
    await req('POST', '/v1/ns/instance', { serviceName: 'guarded', ip: '10.1.9.1', port: 1, metadata });
    await req('POST', '/v1/ns/instance', { serviceName: 'guarded', ip: '10.1.9.2', port: 1 });
    await eventually(
      async () =>
        (await req('GET', '/v1/ns/instance', { serviceName: 'guarded', ip: '10.1.9.1', port: 1 })).json()
          .healthy === false,
      3000,
    );
    const protectedList = await list('guarded', { healthyOnly: 'true' });
    expect(protectedList.hosts.map((h: { ip: string; healthy: boolean }) => [h.ip, h.healthy])).toEqual([
      ['10.1.9.2', true],
      ['10.1.9.1', true],
    ]);
    await req('PUT', '/v1/ns/service', { serviceName: 'guarded', protectThreshold: 0.4 });
    expect((await list('guarded', { healthyOnly: 'true' })).hosts.map((h: { ip: string }) => h.ip)).toEqual([
      '10.1.9.2',
    ]);
  });
});

describe('instance statuses and metadata batch', () => {
  it('lists ip:port_healthy by key, and 404s an unknown key', async () => {
    await req('POST', '/v1/ns/instance', { serviceName: 'st', ip: '10.2.0.1', port: 5 });
    expect(
      (await req('GET', '/v1/ns/instance/statuses', { key: 'public##DEFAULT_GROUP@@st' })).json(),
    ).toEqual({ ips: ['10.2.0.1:5_true'] });
    expect((await req('GET', '/v1/ns/instance/statuses', { key: 'DEFAULT_GROUP@@st' })).json()).toEqual({
      ips: ['10.2.0.1:5_true'],
    });
    const miss = await req('GET', '/v1/ns/instance/statuses', { key: 'DEFAULT_GROUP@@none' });
    expect([miss.status, miss.text]).toEqual([404, 'service: DEFAULT_GROUP@@none not found.']);
  });

  it('puts and deletes metadata keys on chosen instances', async () => {
    await req('POST', '/v1/ns/instance', { serviceName: 'mb', ip: '10.2.1.1', port: 1 });
    await req('POST', '/v1/ns/instance', { serviceName: 'mb', ip: '10.2.1.2', port: 1, clusterName: 'X' });
    const put = await req('PUT', '/v1/ns/instance/metadata/batch', {
      serviceName: 'mb',
      metadata: '{"a":"1"}',
      instances: JSON.stringify([{ ip: '10.2.1.2', port: 1, clusterName: 'X' }]),
    });
    expect(put.json()).toEqual({ updated: ['10.2.1.2:1:unknown:X:ephemeral'] });
    const all = await req('PUT', '/v1/ns/instance/metadata/batch', {
      serviceName: 'mb',
      metadata: 'b=2',
      consistencyType: 'ephemeral',
    });
    expect(all.json().updated).toHaveLength(2);
    const hosts = async () =>
      (await list('mb')).hosts.map((h: { ip: string; metadata: unknown }) => [h.ip, h.metadata]);
    expect(await hosts()).toEqual([
      ['10.2.1.1', { b: '2' }],
      ['10.2.1.2', { a: '1', b: '2' }],
    ]);
    await req('DELETE', '/v1/ns/instance/metadata/batch', { serviceName: 'mb', metadata: '{"a":"","b":""}' });
    expect(await hosts()).toEqual([
      ['10.2.1.1', {}],
      ['10.2.1.2', {}],
    ]);
    expect((await req('PUT', '/v1/ns/instance/metadata/batch', { serviceName: 'mb' })).text).toBe(
      "Param 'metadata' is required.",
    );
  });
});
