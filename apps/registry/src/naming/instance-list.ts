import { createHash } from 'node:crypto';
import { type ClientAgent, wantsGroupedNames } from './client-agent.js';
import type { InstanceRecord, ServiceRecord } from './model.js';

export interface InstanceListQuery {
  /** The grouped name exactly as requested: the Node SDK keys subscriptions on it. */
  readonly groupedName: string;
  /** The `clusters` parameter as sent ("" when absent); echoed back unchanged. */
  readonly clusters: string;
  readonly healthyOnly: boolean;
  readonly env: string;
  readonly cacheMillis: number;
  readonly agent: ClientAgent;
  readonly now: number;
}

/** A host in `/instance/list`'s answer. */
export interface HostJson {
  readonly instanceId: string;
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly valid: boolean;
  readonly marked: boolean;
}

/**
 * Builds the answer of `GET /v1/ns/instance/list` from a service and its instances, following
 * Nacos 1.4's `doSrvIpxt`: cluster filter, protect threshold, `healthyOnly`, disabled instances
 * dropped, healthy hosts first, and the request's names echoed back.
 */
export function buildInstanceList(
  service: ServiceRecord | undefined,
  instances: readonly InstanceRecord[],
  query: InstanceListQuery,
): Record<string, unknown> {
  if (service === undefined) {
    return { name: query.groupedName, clusters: query.clusters, cacheMillis: query.cacheMillis, hosts: [] };
  }
  const grouped = wantsGroupedNames(query.agent);
  const dom = grouped ? service.key.grouped : service.key.serviceName;
  const wanted = new Set(query.clusters.split(',').filter((c) => c !== ''));
  const candidates = instances.filter((i) => wanted.size === 0 || wanted.has(i.clusterName));

  const healthy = candidates.filter((i) => i.healthy);
  const unhealthy = candidates.filter((i) => !i.healthy);
  // Protect threshold: when too few are healthy, serve everything as healthy so that load
  // spreads instead of crushing the survivors. With the default 0 this fires only when none is.
  const protect = candidates.length > 0 && healthy.length / candidates.length <= service.protectThreshold;
  const ordered = protect
    ? [...healthy, ...unhealthy].map((i) => ({ instance: i, healthy: true }))
    : [
        ...healthy.map((i) => ({ instance: i, healthy: true })),
        ...(query.healthyOnly ? [] : unhealthy.map((i) => ({ instance: i, healthy: false }))),
      ];

  const hosts: HostJson[] = ordered
    .filter(({ instance }) => instance.enabled)
    .map(({ instance, healthy: served }) => ({
      instanceId: instance.instanceId,
      ip: instance.ip,
      port: instance.port,
      weight: instance.weight,
      healthy: served,
      enabled: true,
      ephemeral: instance.ephemeral,
      clusterName: instance.clusterName,
      serviceName: grouped ? instance.serviceName : service.key.serviceName,
      metadata: instance.metadata,
      valid: served,
      marked: instance.marked,
    }));

  return {
    dom,
    name: query.groupedName,
    cacheMillis: query.cacheMillis,
    lastRefTime: query.now,
    checksum: checksumOf(service.key.grouped, candidates),
    useSpecifiedURL: false,
    clusters: query.clusters,
    env: query.env,
    metadata: service.metadata,
    hosts,
  };
}

/** An opaque digest of what a client sees; it changes whenever an instance does. */
export function checksumOf(groupedName: string, instances: readonly InstanceRecord[]): string {
  const parts = instances
    .map((i) => `${i.ip}:${i.port}_${i.weight}_${i.healthy}_${i.enabled}_${i.clusterName}`)
    .sort();
  return createHash('md5')
    .update(`${groupedName}|${parts.join(',')}`)
    .digest('hex');
}
