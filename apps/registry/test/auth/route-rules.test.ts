import { describe, expect, it } from 'vitest';
import {
  configResource,
  configRowResource,
  listenerResources,
  namingResources,
} from '../../src/auth/request-resources.js';
import { describeResource } from '../../src/auth/resource.js';
import { ruleFor } from '../../src/auth/secured-routes.js';
import { NacosParams } from '../../src/http/params.js';

const params = (query: Record<string, string>, form?: Record<string, string>) =>
  new NacosParams(new URLSearchParams(query), form ? new URLSearchParams(form) : undefined);
const show = (resources: readonly Parameters<typeof describeResource>[0][]) =>
  resources.map(describeResource);

describe('resources built from parameters', () => {
  it("config: Nacos' tenant:group:config/dataId, public namespace as ''", () => {
    expect(describeResource(configResource(params({ dataId: 'a', group: 'G', tenant: 'ns1' })))).toBe(
      'ns1:G:config/a',
    );
    expect(describeResource(configResource(params({ dataId: 'a', group: 'G', tenant: 'public' })))).toBe(
      ':G:config/a',
    );
    expect(describeResource(configResource(params({ dataId: 'a', group: 'G' })))).toBe(':G:config/a');
    expect(describeResource(configResource(params({ tenant: 'ns1', search: 'blur' })))).toBe(
      'ns1:*:config/*',
    );
    expect(describeResource(configResource(params({ dataId: 'a' })))).toBe(':*:config/a');
  });

  it('config: form parameters count, the query wins', () => {
    const p = params({ dataId: 'fromQuery' }, { dataId: 'fromForm', group: 'G' });
    expect(describeResource(configResource(p))).toBe(':G:config/fromQuery');
  });

  it('config rows: every coordinate not given is a wildcard', () => {
    expect(describeResource(configRowResource(params({ nid: '3' })))).toBe('*:*:config/*');
    // A blank tenant pins nothing (the history routes then accept a row of any tenant).
    expect(
      describeResource(configRowResource(params({ id: '3', tenant: '', dataId: 'a', group: 'G' }))),
    ).toBe('*:G:config/a');
    expect(
      describeResource(configRowResource(params({ id: '3', tenant: 'public', dataId: 'a', group: 'G' }))),
    ).toBe(':G:config/a');
  });

  it('naming: grouped names, groupName, DEFAULT_GROUP, namespace', () => {
    expect(show(namingResources(params({ serviceName: 'svc' })))).toEqual([':DEFAULT_GROUP:naming/svc']);
    expect(
      show(namingResources(params({ serviceName: 'svc', groupName: 'G', namespaceId: 'public' }))),
    ).toEqual([':G:naming/svc']);
    expect(show(namingResources(params({ serviceName: 'G@@svc', namespaceId: 'ns1' })))).toEqual([
      'ns1:G:naming/svc',
    ]);
    expect(show(namingResources(params({ namespaceId: 'PUBLIC' })))).toEqual(['PUBLIC:*:naming/*']);
    // The routes act on the grouped name; a different groupName must be allowed as well.
    expect(show(namingResources(params({ serviceName: 'G2@@svc', groupName: 'G1' })))).toEqual([
      ':G2:naming/svc',
      ':G1:naming/svc',
    ]);
  });

  it('listener: one resource per listened config, the namespace-wide one when unparsable', () => {
    const body = 'a\u0002G\u0002\u0001b\u0002H\u0002\u0002ns1\u0001';
    expect(show(listenerResources(params({}, { 'Listening-Configs': body })))).toEqual([
      ':G:config/a',
      'ns1:H:config/b',
    ]);
    expect(show(listenerResources(params({}, { 'Listening-Configs': 'garbage' })))).toEqual([':*:config/*']);
  });
});

describe('the route table', () => {
  it('matches methods, HEAD as GET, and a trailing slash', () => {
    expect(ruleFor('POST', '/v1/auth/login')?.kind).toBe('open');
    expect(ruleFor('HEAD', '/v1/cs/configs')).toBe(ruleFor('GET', '/v1/cs/configs'));
    expect(ruleFor('GET', '/v1/auth/users/')).toBe(ruleFor('GET', '/v1/auth/users'));
  });

  it('has no rule (admin only) for routes nobody listed', () => {
    for (const [method, path] of [
      ['GET', '/v1/cs/ops/derby'],
      ['POST', '/v1/cs/ops/data/removal'],
      ['POST', '/v1/ns/raft/vote'],
      ['GET', '/v1/ns/distro/datums'],
      ['DELETE', '/v1/auth/login'],
      ['GET', '/v1/test/kv'],
    ] as const) {
      expect(ruleFor(method, path), `${method} ${path}`).toBeUndefined();
    }
  });

  it('keeps user, role and permission management closed even with auth off', () => {
    for (const key of [
      'GET /v1/auth/users',
      'POST /v1/auth/users',
      'POST /v1/auth/roles',
      'DELETE /v1/auth/permissions',
    ]) {
      const [method, path] = key.split(' ') as [string, string];
      const rule = ruleFor(method, path);
      expect(rule?.kind !== 'open' && rule?.always, key).toBe(true);
    }
  });
});
