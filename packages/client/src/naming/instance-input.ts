import { checkCluster, invalid, serviceRef } from './names.js';
import type { InstanceRegistration } from './naming-api.js';

/** An instance to register; omitted fields get Nacos' defaults. */
export interface InstanceInput {
  readonly ip: string;
  readonly port: number;
  /** 0..10000, default 1. */
  readonly weight?: number;
  /** Default true. */
  readonly healthy?: boolean;
  /** Default true. */
  readonly enabled?: boolean;
  /** Ephemeral instances live by client beats (AP); persistent ones by server checks (CP). Default true. */
  readonly ephemeral?: boolean;
  /** Default `DEFAULT`. */
  readonly clusterName?: string;
  /** String values; numbers and booleans are turned into strings. */
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
}

/** Identifies a registered instance. */
export interface InstanceAddress {
  readonly ip: string;
  readonly port: number;
  readonly clusterName?: string;
  readonly ephemeral?: boolean;
}

/** Checks an instance before anything is sent. */
export function resolveInstance(
  serviceName: unknown,
  groupName: string | undefined,
  input: InstanceInput,
): InstanceRegistration {
  const ref = serviceRef(serviceName, groupName === undefined ? {} : { groupName });
  if (input === null || typeof input !== 'object') throw invalid('instance must be an object');
  const address = resolveAddress(input);
  const weight = input.weight ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 10_000) {
    throw invalid(`weight must be a number in 0..10000, got ${String(weight)}`);
  }
  for (const flag of ['healthy', 'enabled', 'ephemeral'] as const) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean')
      throw invalid(`${flag} must be a boolean`);
  }
  const metadata: Record<string, string> = {};
  if (input.metadata !== undefined) {
    if (input.metadata === null || typeof input.metadata !== 'object' || Array.isArray(input.metadata)) {
      throw invalid('metadata must be an object of strings');
    }
    for (const [k, v] of Object.entries(input.metadata)) {
      if (!['string', 'number', 'boolean'].includes(typeof v))
        throw invalid(`metadata "${k}" must be a string`);
      metadata[k] = String(v);
    }
  }
  return {
    serviceName: ref.serviceName,
    groupName: ref.groupName,
    ...address,
    weight,
    healthy: input.healthy ?? true,
    enabled: input.enabled ?? true,
    metadata,
  };
}

export function resolveAddress(input: InstanceAddress): {
  ip: string;
  port: number;
  clusterName: string;
  ephemeral: boolean;
} {
  if (input === null || typeof input !== 'object') throw invalid('instance must be an object');
  if (typeof input.ip !== 'string' || !/^[^\s/?#@,]{1,253}$/.test(input.ip)) {
    throw invalid(`ip must be an address or host name, got ${JSON.stringify(input.ip)}`);
  }
  if (!Number.isInteger(input.port) || input.port < 0 || input.port > 65535) {
    throw invalid(`port must be an integer in 0..65535, got ${String(input.port)}`);
  }
  if (input.ephemeral !== undefined && typeof input.ephemeral !== 'boolean')
    throw invalid('ephemeral must be a boolean');
  return {
    ip: input.ip,
    port: input.port,
    clusterName: checkCluster(input.clusterName ?? 'DEFAULT'),
    ephemeral: input.ephemeral ?? true,
  };
}
