import { describe, expect, it } from 'vitest';
import { parseClientAgent, versionAtLeast, wantsGroupedNames } from '../../src/naming/client-agent.js';
import { buildInstanceList, type InstanceListQuery } from '../../src/naming/instance-list.js';
import type { InstanceRecord, ServiceRecord } from '../../src/naming/model.js';
import { serviceKeyOf } from '../../src/naming/names.js';

const key = serviceKeyOf('public', 'DEFAULT_GROUP@@orders');
const service: ServiceRecord = {
  key,
  protectThreshold: 0,
  metadata: { owner: 'team-a' },
  selector: { type: 'none' },
  enabled: true,
};

function instance(ip: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    instanceId: `${ip}#8080#DEFAULT#${key.grouped}`,
    ip,
    port: 8080,
    clusterName: 'DEFAULT',
    serviceName: key.grouped,
    weight: 1,
    healthy: true,
    enabled: true,
    ephemeral: true,
    marked: false,
    metadata: {},
    lastBeat: 0,
    app: 'DEFAULT',
    ...overrides,
  };
}

const nodeSdk = parseClientAgent('Nacos-Java-Client:v1.0.0');
const query = (overrides: Partial<InstanceListQuery> = {}): InstanceListQuery => ({
  groupedName: key.grouped,
  clusters: '',
  healthyOnly: false,
  env: '',
  cacheMillis: 10_000,
  agent: nodeSdk,
  now: 1_700_000_000_000,
  ...overrides,
});

const ips = (answer: Record<string, unknown>) => (answer.hosts as Array<{ ip: string }>).map((h) => h.ip);

describe('client agent', () => {
  it('reads kind and version', () => {
    expect(nodeSdk).toEqual({ kind: 'java', version: [1, 0, 0] });
    expect(parseClientAgent(undefined, 'Nacos-Go-Client:v0.3.2')).toEqual({ kind: 'go', version: [0, 3, 2] });
    expect(parseClientAgent('curl/8.0')).toEqual({ kind: 'unknown', version: [0, 0, 0] });
    expect(versionAtLeast(parseClientAgent('Nacos-Java-Client:v1.4.2'), 1, 4, 2)).toBe(true);
    expect(versionAtLeast(parseClientAgent('Nacos-Java-Client:v1.3.9'), 1, 4, 0)).toBe(false);
    expect(wantsGroupedNames(parseClientAgent('Nacos-Java-Client:v0.9.0'))).toBe(false);
  });
});

describe('instance list', () => {
  it('answers a missing service with only four fields and no 404', () => {
    expect(buildInstanceList(undefined, [], query({ clusters: 'A,B' }))).toEqual({
      name: key.grouped,
      clusters: 'A,B',
      cacheMillis: 10_000,
      hosts: [],
    });
  });

  it('echoes names and clusters, and serves grouped names to Java >= 1.0.0 only', () => {
    const answer = buildInstanceList(service, [instance('10.0.0.1')], query({ clusters: '' }));
    expect(answer).toMatchObject({
      dom: key.grouped,
      name: key.grouped,
      clusters: '',
      env: '',
      useSpecifiedURL: false,
      lastRefTime: 1_700_000_000_000,
      metadata: { owner: 'team-a' },
    });
    expect((answer.hosts as Array<Record<string, unknown>>)[0]).toEqual({
      instanceId: `10.0.0.1#8080#DEFAULT#${key.grouped}`,
      ip: '10.0.0.1',
      port: 8080,
      weight: 1,
      healthy: true,
      enabled: true,
      ephemeral: true,
      clusterName: 'DEFAULT',
      serviceName: key.grouped,
      metadata: {},
      valid: true,
      marked: false,
    });
    const curl = buildInstanceList(
      service,
      [instance('10.0.0.1')],
      query({ agent: parseClientAgent('curl/8') }),
    );
    expect(curl.dom).toBe('orders');
    expect((curl.hosts as Array<{ serviceName: string }>)[0]?.serviceName).toBe('orders');
    expect(curl.name).toBe(key.grouped);
  });

  it('filters by clusters, puts healthy hosts first, drops disabled ones', () => {
    const all = [
      instance('10.0.0.1', { healthy: false }),
      instance('10.0.0.2'),
      instance('10.0.0.3', { clusterName: 'B' }),
      instance('10.0.0.4', { enabled: false }),
    ];
    expect(ips(buildInstanceList(service, all, query()))).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.1']);
    expect(ips(buildInstanceList(service, all, query({ clusters: 'B' })))).toEqual(['10.0.0.3']);
    expect(ips(buildInstanceList(service, all, query({ clusters: 'NOPE' })))).toEqual([]);
    expect(ips(buildInstanceList(service, all, query({ healthyOnly: true })))).toEqual([
      '10.0.0.2',
      '10.0.0.3',
    ]);
  });

  it('applies the protect threshold: too few healthy means all served as healthy', () => {
    const allDown = [instance('10.0.0.1', { healthy: false }), instance('10.0.0.2', { healthy: false })];
    const answer = buildInstanceList(service, allDown, query({ healthyOnly: true }));
    expect((answer.hosts as Array<{ healthy: boolean }>).map((h) => h.healthy)).toEqual([true, true]);

    const guarded = { ...service, protectThreshold: 0.6 };
    const half = [instance('10.0.0.1'), instance('10.0.0.2', { healthy: false })];
    expect(ips(buildInstanceList(guarded, half, query({ healthyOnly: true })))).toEqual([
      '10.0.0.1',
      '10.0.0.2',
    ]);
    const relaxed = { ...service, protectThreshold: 0.4 };
    expect(ips(buildInstanceList(relaxed, half, query({ healthyOnly: true })))).toEqual(['10.0.0.1']);
  });

  it('changes the checksum when an instance changes and only then', () => {
    const a = buildInstanceList(service, [instance('10.0.0.1')], query()).checksum;
    const same = buildInstanceList(service, [instance('10.0.0.1')], query({ now: 5 })).checksum;
    const changed = buildInstanceList(service, [instance('10.0.0.1', { weight: 2 })], query()).checksum;
    expect(same).toBe(a);
    expect(changed).not.toBe(a);
  });
});
