import { RegistryError } from '../errors.js';

/** Nacos' defaults and separators for naming keys (`naming/.../utils/Constants` in Nacos). */
export const DEFAULT_NAMESPACE = 'public';
export const DEFAULT_GROUP = 'DEFAULT_GROUP';
export const DEFAULT_CLUSTER = 'DEFAULT';
export const GROUP_SEPARATOR = '@@';

const SERVICE_NAME = /^[0-9a-zA-Z@.:_-]+$/;
const CLUSTER_NAME = /^[0-9a-zA-Z-]+$/;
/** Namespace ids as Nacos' console creates them (uuids or custom ids); no `#`, which keys use. */
const NAMESPACE_ID = /^[0-9a-zA-Z_.:-]+$/;

/**
 * Length limits Nacos leaves to its storage columns. Keys built from these stay under the
 * storage's 512-character key limit, and a 10,000-character name is refused up front.
 */
export const MAX_NAMESPACE_LENGTH = 128;
export const MAX_GROUPED_NAME_LENGTH = 256;
export const MAX_CLUSTER_NAME_LENGTH = 64;

/** A service's full identity; `grouped` is the `group@@name` form used in keys and list answers. */
export interface ServiceKey {
  readonly namespaceId: string;
  readonly groupName: string;
  /** The bare name, without its group. */
  readonly serviceName: string;
  /** `groupName@@serviceName`. */
  readonly grouped: string;
}

/**
 * Applies Nacos' DistroFilter rewrite: a name without `@@` gets the group in front. A name
 * that already carries `@@` keeps its own group, whatever `groupName` says.
 */
export function toGroupedName(serviceName: string, groupName = DEFAULT_GROUP): string {
  return serviceName.includes(GROUP_SEPARATOR) ? serviceName : `${groupName}${GROUP_SEPARATOR}${serviceName}`;
}

/** Splits and validates a grouped name with Nacos' messages. */
export function serviceKeyOf(namespaceId: string, groupedName: string): ServiceKey {
  checkNamespaceId(namespaceId);
  if (groupedName.length > MAX_GROUPED_NAME_LENGTH) {
    throw invalid(`Param 'serviceName' is illegal, it is longer than ${MAX_GROUPED_NAME_LENGTH} characters`);
  }
  const at = groupedName.indexOf(GROUP_SEPARATOR);
  if (at === -1) {
    throw invalid(`Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'`);
  }
  const groupName = groupedName.slice(0, at);
  const serviceName = groupedName.slice(at + GROUP_SEPARATOR.length);
  if (groupName.trim() === '') throw invalid(`Param 'serviceName' is illegal, groupName can't be empty`);
  if (serviceName.trim() === '' || serviceName.includes(GROUP_SEPARATOR)) {
    throw invalid(`Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'`);
  }
  if (!SERVICE_NAME.test(groupedName)) {
    throw invalid(`dom name can only have these characters: 0-9a-zA-Z-._:, current: ${groupedName}`);
  }
  return { namespaceId, groupName, serviceName, grouped: groupedName };
}

/** Cluster names allow no underscore, unlike service names. */
export function checkClusterName(clusterName: string): string {
  if (!CLUSTER_NAME.test(clusterName) || clusterName.length > MAX_CLUSTER_NAME_LENGTH) {
    throw invalid(`cluster name can only have these characters: 0-9a-zA-Z-, current: ${clusterName}`);
  }
  return clusterName;
}

/** Namespace ids end up in keys (`namespace##group@@service`), so `#` and control text are refused. */
export function checkNamespaceId(namespaceId: string): string {
  if (namespaceId.length > MAX_NAMESPACE_LENGTH || !NAMESPACE_ID.test(namespaceId)) {
    throw invalid(
      `Param 'namespaceId' is illegal, it can only have these characters: 0-9a-zA-Z-._: (at most ${MAX_NAMESPACE_LENGTH})`,
    );
  }
  return namespaceId;
}

/** The Distro key of a service's ephemeral instances: `namespace##group@@service`, as Nacos keys it. */
export function serviceKeyString(key: ServiceKey): string {
  return `${key.namespaceId}##${key.grouped}`;
}

/** The inverse of {@link serviceKeyString}; undefined for a key that is not one. */
export function parseServiceKeyString(text: string): ServiceKey | undefined {
  const at = text.indexOf('##');
  if (at <= 0) return undefined;
  try {
    return serviceKeyOf(text.slice(0, at), text.slice(at + 2));
  } catch {
    return undefined;
  }
}

function invalid(message: string): RegistryError {
  return new RegistryError('REG_NAMING_INVALID', message);
}
