import { ClientError } from '../errors.js';
import { DEFAULT_GROUP } from '../options.js';

/** A service as the client addresses it. */
export interface ServiceRef {
  readonly serviceName: string;
  readonly groupName: string;
  /** Sorted, comma-joined cluster names; `''` means every cluster. */
  readonly clusters: string;
}

/** Options that pick a service's group and clusters. */
export interface ServiceSelector {
  /** Default `DEFAULT_GROUP`. */
  readonly groupName?: string;
  /** Cluster names to read; default every cluster. */
  readonly clusters?: readonly string[];
}

const NAME = /^[0-9a-zA-Z.:_-]+$/;
const CLUSTER = /^[0-9a-zA-Z-]+$/;

/** Checks a service name and group as Nacos does (no `@@`: the client builds grouped names). */
export function serviceRef(serviceName: unknown, selector: ServiceSelector = {}): ServiceRef {
  const service = checkName(serviceName, 'serviceName');
  const group = checkName(selector.groupName ?? DEFAULT_GROUP, 'groupName');
  const clusters = selector.clusters ?? [];
  if (!Array.isArray(clusters)) throw invalid('clusters must be an array of cluster names');
  for (const c of clusters) checkCluster(c);
  return { serviceName: service, groupName: group, clusters: [...new Set(clusters)].sort().join(',') };
}

export function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${what} must be a non-empty string`);
  const name = value.trim();
  if (!NAME.test(name) || name.length > 512) {
    throw invalid(`${what} "${name}" may only hold 0-9a-zA-Z.:_- (at most 512 characters)`);
  }
  return name;
}

export function checkCluster(value: unknown): string {
  if (typeof value !== 'string' || !CLUSTER.test(value) || value.length > 128) {
    throw invalid(`cluster name ${JSON.stringify(value)} may only hold 0-9a-zA-Z-`);
  }
  return value;
}

/** `group@@service`, the name servers store and push. */
export function groupedName(ref: Pick<ServiceRef, 'serviceName' | 'groupName'>): string {
  return `${ref.groupName}@@${ref.serviceName}`;
}

/** The cache key of a subscription: `group@@service@@clusters` (Nacos' `ServiceInfo` key). */
export function serviceKey(ref: ServiceRef): string {
  return `${groupedName(ref)}@@${ref.clusters}`;
}

/** Splits a grouped name; a bare name gets `fallbackGroup`. */
export function splitGroupedName(
  name: string,
  fallbackGroup: string,
): { groupName: string; serviceName: string } {
  const at = name.indexOf('@@');
  return at === -1
    ? { groupName: fallbackGroup, serviceName: name }
    : { groupName: name.slice(0, at), serviceName: name.slice(at + 2) };
}

export function invalid(message: string): ClientError {
  return new ClientError('CLIENT_INVALID_ARGUMENT', message);
}
