import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type NamingRegistry, startNamingRegistry } from './naming-harness.js';

let reg: NamingRegistry;
let req: ReturnType<typeof client>;
beforeAll(async () => {
  reg = await startNamingRegistry();
  req = client(reg.base);
});
afterAll(async () => {
  await reg?.close();
});

const answer = async (method: string, path: string, query: Record<string, string | number> = {}) => {
  const r = await req(method, path, query);
  return [r.status, r.text];
};

describe('service endpoints', () => {
  it('creates, refuses a duplicate, shows, updates and deletes', async () => {
    expect(
      await answer('POST', '/v1/ns/service', {
        serviceName: 'svc',
        groupName: 'g',
        protectThreshold: 0.3,
        metadata: '{"owner":"a"}',
        selector: encodeURIComponent('{"type":"label","expression":"CONSUMER.label.x = PROVIDER.label.x"}'),
      }),
    ).toEqual([200, 'ok']);
    expect(await answer('POST', '/v1/ns/service', { serviceName: 'g@@svc' })).toEqual([
      400,
      'specified service already exists, serviceName : g@@svc',
    ]);
    const detail = await req('GET', '/v1/ns/service', { serviceName: 'svc', groupName: 'g' });
    expect(detail.json()).toEqual({
      name: 'svc',
      groupName: 'g',
      namespaceId: 'public',
      protectThreshold: 0.3,
      metadata: { owner: 'a' },
      selector: { type: 'label', expression: 'CONSUMER.label.x = PROVIDER.label.x' },
      clusters: [],
    });
    expect(await answer('PUT', '/v1/ns/service', { serviceName: 'g@@svc', protectThreshold: 0.1 })).toEqual([
      200,
      'ok',
    ]);
    const updated = (await req('GET', '/v1/ns/service', { serviceName: 'g@@svc' })).json();
    // PUT replaces metadata; blank means empty.
    expect(updated).toMatchObject({ protectThreshold: 0.1, metadata: {} });
    expect(await answer('PUT', '/v1/ns/service', { serviceName: 'g@@svc' })).toEqual([
      400,
      "Param 'protectThreshold' is required.",
    ]);
    expect(await answer('PUT', '/v1/ns/service', { serviceName: 'ghost', protectThreshold: 0 })).toEqual([
      400,
      'service DEFAULT_GROUP@@ghost not found!',
    ]);
    expect(await answer('DELETE', '/v1/ns/service', { serviceName: 'g@@svc' })).toEqual([200, 'ok']);
    expect(await answer('DELETE', '/v1/ns/service', { serviceName: 'g@@svc' })).toEqual([
      400,
      'specified service not exist, serviceName : g@@svc',
    ]);
    expect(await answer('GET', '/v1/ns/service', { serviceName: 'g@@svc' })).toEqual([
      404,
      'service g@@svc is not found!',
    ]);
  });

  it('treats a service known only by ephemeral instances as existing, and deletes it with them', async () => {
    await req('POST', '/v1/ns/instance', { serviceName: 'implicit', ip: '10.3.0.1', port: 1 });
    const detail = (await req('GET', '/v1/ns/service', { serviceName: 'implicit' })).json();
    expect(detail).toMatchObject({
      name: 'implicit',
      protectThreshold: 0,
      clusters: [{ name: 'DEFAULT', healthChecker: { type: 'TCP' } }],
    });
    expect(await answer('POST', '/v1/ns/service', { serviceName: 'implicit' })).toEqual([
      400,
      'specified service already exists, serviceName : DEFAULT_GROUP@@implicit',
    ]);
    expect(await answer('PUT', '/v1/ns/service', { serviceName: 'implicit', protectThreshold: 0.2 })).toEqual(
      [200, 'ok'],
    );
    expect((await req('GET', '/v1/ns/service', { serviceName: 'implicit' })).json().protectThreshold).toBe(
      0.2,
    );
    expect(await answer('DELETE', '/v1/ns/service', { serviceName: 'implicit' })).toEqual([200, 'ok']);
    expect((await req('GET', '/v1/ns/instance/list', { serviceName: 'implicit' })).json().hosts).toEqual([]);
  });

  it('lists services by page, group and namespace', async () => {
    for (const name of ['b', 'a', 'c'])
      await req('POST', '/v1/ns/service', { serviceName: name, groupName: 'paging', namespaceId: 'ns-1' });
    await req('POST', '/v1/ns/service', { serviceName: 'other', namespaceId: 'ns-1' });
    const page = (q: Record<string, string | number>) =>
      req('GET', '/v1/ns/service/list', { namespaceId: 'ns-1', ...q });
    expect((await page({ pageNo: 1, pageSize: 2, groupName: 'paging' })).json()).toEqual({
      count: 3,
      doms: ['a', 'b'],
    });
    expect((await page({ pageNo: 2, pageSize: 2, groupName: 'paging' })).json()).toEqual({
      count: 3,
      doms: ['c'],
    });
    expect((await page({ pageNo: 1, pageSize: 10 })).json()).toEqual({ count: 1, doms: ['other'] });
    expect((await page({ pageNo: 1, pageSize: 10, groupName: '*' })).json()).toEqual({
      count: 4,
      doms: ['DEFAULT_GROUP@@other', 'paging@@a', 'paging@@b', 'paging@@c'],
    });
    // Garbage paging is 0, as NumberUtils.toInt makes it.
    expect((await page({ pageNo: 'x', pageSize: 'y', groupName: 'paging' })).json()).toEqual({
      count: 3,
      doms: [],
    });
    expect((await page({ pageNo: 1, pageSize: 10, groupName: 'empty' })).text).toBe('{"doms":[],"count":0}');
    expect(await answer('GET', '/v1/ns/service/list', { pageSize: 1 })).toEqual([
      400,
      "Param 'pageNo' is required.",
    ]);
  });

  it('names services per namespace, filtered by expr', async () => {
    await req('POST', '/v1/ns/service', { serviceName: 'names-x', namespaceId: 'ns-names' });
    await req('POST', '/v1/ns/service', { serviceName: 'names-y', namespaceId: 'ns-names' });
    const r = (await req('GET', '/v1/ns/service/names', { namespaceId: 'ns-names', expr: 'y' })).json();
    expect(r).toEqual({ services: { 'ns-names': ['DEFAULT_GROUP@@names-y'] }, count: 1 });
    const all = (await req('GET', '/v1/ns/service/names')).json();
    expect(all.count).toBeGreaterThanOrEqual(2);
  });

  it('refuses a bad selector and threshold', async () => {
    expect(
      await answer('POST', '/v1/ns/service', { serviceName: 's1', selector: '{"type":"magic"}' }),
    ).toEqual([400, 'not match any type of selector!']);
    expect((await req('POST', '/v1/ns/service', { serviceName: 's1', protectThreshold: 'abc' })).text).toBe(
      'caused: For input string: "abc";',
    );
    expect((await req('POST', '/v1/ns/service', { serviceName: 's1', protectThreshold: 2 })).status).toBe(
      400,
    );
    expect((await req('GET', '/v1/ns/service', { serviceName: 's1' })).status).toBe(404);
  });
});
