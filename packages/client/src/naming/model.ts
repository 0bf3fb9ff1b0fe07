import { ClientError } from '../errors.js';
import { DEFAULT_GROUP } from '../options.js';
import { type ServiceRef, serviceKey, splitGroupedName } from './names.js';

/** One instance of a service, as servers list it. */
export interface Instance {
  readonly instanceId: string;
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  readonly clusterName: string;
  /** The bare service name (no group). */
  readonly serviceName: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A service's instances at one moment, for one cluster selection. */
export interface ServiceInfo extends ServiceRef {
  readonly instances: readonly Instance[];
  /** How long the server suggests to wait before asking again (ms). */
  readonly cacheMillis: number;
  /** The server's time of the answer (ms); pushes and answers with an older one are stale. */
  readonly lastRefTime: number;
  /** The server's digest of the instance list; opaque. */
  readonly checksum: string;
}

/**
 * Reads a list answer, a push's `data` or a cache file (all Nacos' `ServiceInfo` JSON:
 * `name` grouped or bare with `groupName`, `clusters`, `hosts[]`, `cacheMillis`, `lastRefTime`,
 * `checksum`). Throws CLIENT_BAD_RESPONSE on a shape no server sends.
 */
export function parseServiceInfo(json: unknown, fallback?: ServiceRef): ServiceInfo {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw malformed('not an object');
  const o = json as Record<string, unknown>;
  const rawName =
    typeof o.name === 'string' && o.name !== '' ? o.name : typeof o.dom === 'string' ? o.dom : undefined;
  if (rawName === undefined && fallback === undefined) throw malformed('no name');
  const names =
    rawName === undefined
      ? { groupName: fallback!.groupName, serviceName: fallback!.serviceName }
      : splitGroupedName(
          rawName,
          typeof o.groupName === 'string' && o.groupName ? o.groupName : DEFAULT_GROUP,
        );
  const clusters = typeof o.clusters === 'string' ? o.clusters : (fallback?.clusters ?? '');
  const hosts = o.hosts === undefined || o.hosts === null ? [] : o.hosts;
  if (!Array.isArray(hosts)) throw malformed('hosts is not an array');
  return {
    ...names,
    clusters,
    instances: hosts.map((h) => parseInstance(h, names.serviceName)),
    cacheMillis: typeof o.cacheMillis === 'number' && o.cacheMillis > 0 ? o.cacheMillis : 10_000,
    lastRefTime: typeof o.lastRefTime === 'number' ? o.lastRefTime : 0,
    checksum: typeof o.checksum === 'string' ? o.checksum : '',
  };
}

function parseInstance(json: unknown, serviceName: string): Instance {
  if (json === null || typeof json !== 'object') throw malformed('a host is not an object');
  const h = json as Record<string, unknown>;
  const port = Number(h.port);
  if (typeof h.ip !== 'string' || h.ip === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw malformed('a host has no ip or port');
  }
  const clusterName = typeof h.clusterName === 'string' && h.clusterName !== '' ? h.clusterName : 'DEFAULT';
  const metadata: Record<string, string> = {};
  if (h.metadata !== null && typeof h.metadata === 'object') {
    for (const [k, v] of Object.entries(h.metadata)) metadata[k] = String(v);
  }
  return {
    instanceId:
      typeof h.instanceId === 'string' ? h.instanceId : `${h.ip}#${port}#${clusterName}#${serviceName}`,
    ip: h.ip,
    port,
    weight: typeof h.weight === 'number' ? h.weight : 1,
    healthy: h.healthy !== false,
    // Nacos lists only enabled instances; an absent flag (hand-written failover files) means enabled.
    enabled: h.enabled !== false,
    ephemeral: h.ephemeral !== false,
    clusterName,
    serviceName,
    metadata,
  };
}

/** Nacos' `ServiceInfo` JSON of `info`, as cache and failover files hold it. */
export function serviceInfoJson(info: ServiceInfo): string {
  const name = `${info.groupName}@@${info.serviceName}`;
  return JSON.stringify({
    name,
    groupName: info.groupName,
    clusters: info.clusters,
    cacheMillis: info.cacheMillis,
    lastRefTime: info.lastRefTime,
    checksum: info.checksum,
    hosts: info.instances.map((i) => ({ ...i, serviceName: name })),
  });
}

/** A digest of what subscribers see, to notify them only when it changes. */
export function instancesFingerprint(info: ServiceInfo | undefined): string {
  if (info === undefined) return '\u0000unknown';
  const rows = info.instances.map((i) =>
    JSON.stringify([
      i.ip,
      i.port,
      i.clusterName,
      i.weight,
      i.healthy,
      i.enabled,
      i.ephemeral,
      i.instanceId,
      sorted(i.metadata),
    ]),
  );
  return rows.sort().join('\n');
}

function sorted(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function keyOf(info: ServiceInfo): string {
  return serviceKey(info);
}

function malformed(what: string): ClientError {
  return new ClientError('CLIENT_BAD_RESPONSE', `malformed service info: ${what}`);
}
