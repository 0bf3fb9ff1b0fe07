import type { EphemeralValue } from './ephemeral-value.js';
import type { InstanceAddress, InstanceOp, InstancePatch } from './instance-ops.js';
import type { ClusterRecord, HealthChecker, InstanceRecord, Selector } from './model.js';

/**
 * Structural checks for naming data that arrives from peers (Distro values and operations) or
 * from the Raft log. Anything that fails is refused whole; nothing half-checked is stored.
 */

/** Text fields are bounded so a hostile peer or client cannot grow the state without limit. */
const MAX_TEXT = 1024;
const MAX_METADATA_KEYS = 256;
const MAX_METADATA_TEXT = 64 * 1024;

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isText(x: unknown, max = MAX_TEXT): x is string {
  return typeof x === 'string' && x.length <= max;
}

function isPort(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 65535;
}

function isTime(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

export function isMetadata(x: unknown): x is Record<string, string> {
  if (!isObj(x)) return false;
  const entries = Object.entries(x);
  if (entries.length > MAX_METADATA_KEYS) return false;
  let size = 0;
  for (const [k, v] of entries) {
    if (typeof v !== 'string') return false;
    size += k.length + v.length;
  }
  return size <= MAX_METADATA_TEXT;
}

export function isInstanceRecord(x: unknown): x is InstanceRecord {
  if (!isObj(x)) return false;
  return (
    isText(x.instanceId) &&
    isText(x.ip) &&
    x.ip !== '' &&
    isPort(x.port) &&
    isText(x.clusterName) &&
    isText(x.serviceName) &&
    typeof x.weight === 'number' &&
    x.weight >= 0 &&
    x.weight <= 10_000 &&
    typeof x.healthy === 'boolean' &&
    typeof x.enabled === 'boolean' &&
    typeof x.ephemeral === 'boolean' &&
    typeof x.marked === 'boolean' &&
    isMetadata(x.metadata) &&
    isTime(x.lastBeat) &&
    isText(x.app)
  );
}

export function isInstanceList(x: unknown): x is InstanceRecord[] {
  return Array.isArray(x) && x.every(isInstanceRecord);
}

/** Removals a value may carry: about one per instance churned within the removal TTL. */
const MAX_REMOVALS = 100_000;

export function isEphemeralValue(x: unknown): x is EphemeralValue {
  return (
    isObj(x) &&
    isInstanceList(x.instances) &&
    Array.isArray(x.removed) &&
    x.removed.length <= MAX_REMOVALS &&
    x.removed.every((r: unknown) => isObj(r) && isAddress(r) && isTime(r.at))
  );
}

function isAddress(x: unknown): x is InstanceAddress {
  return isObj(x) && isText(x.ip) && isPort(x.port) && isText(x.clusterName);
}

function isPatch(x: unknown): x is InstancePatch {
  if (!isObj(x)) return false;
  return (
    (x.metadata === undefined || isMetadata(x.metadata)) &&
    (x.app === undefined || isText(x.app)) &&
    (x.weight === undefined || (typeof x.weight === 'number' && x.weight >= 0 && x.weight <= 10_000)) &&
    (x.healthy === undefined || typeof x.healthy === 'boolean') &&
    (x.enabled === undefined || typeof x.enabled === 'boolean')
  );
}

export function isInstanceOp(x: unknown): x is InstanceOp {
  if (!isObj(x)) return false;
  switch (x.t) {
    case 'register':
    case 'update':
      return isInstanceRecord(x.instance);
    case 'deregister':
      return isAddress(x.at) && (x.time === undefined || isTime(x.time));
    case 'patch':
      return isAddress(x.at) && isPatch(x.patch);
    case 'beat':
      return isAddress(x.at) && isTime(x.time) && (x.register === undefined || isInstanceRecord(x.register));
    case 'expire':
      return isTime(x.now);
    case 'metadata':
      return (
        (x.mode === 'put' || x.mode === 'remove') &&
        isMetadata(x.metadata) &&
        (x.targets === undefined || (Array.isArray(x.targets) && x.targets.every(isAddress)))
      );
    case 'health':
      return (
        isAddress(x.at) &&
        typeof x.healthy === 'boolean' &&
        (x.marked === undefined || typeof x.marked === 'boolean')
      );
    default:
      return false;
  }
}

export function isSelector(x: unknown): x is Selector {
  if (!isObj(x)) return false;
  return x.type === 'none' || (x.type === 'label' && isText(x.expression, MAX_METADATA_TEXT));
}

export function isHealthChecker(x: unknown): x is HealthChecker {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'TCP':
    case 'NONE':
      return true;
    case 'HTTP':
      return isText(x.path) && isText(x.headers) && Number.isInteger(x.expectedResponseCode);
    case 'MYSQL':
      return isText(x.user) && isText(x.pwd) && isText(x.cmd);
    default:
      return false;
  }
}

export function isClusterRecord(x: unknown): x is ClusterRecord {
  return (
    isObj(x) &&
    isText(x.name) &&
    isHealthChecker(x.healthChecker) &&
    isPort(x.checkPort) &&
    typeof x.useInstancePort4Check === 'boolean' &&
    isMetadata(x.metadata)
  );
}
