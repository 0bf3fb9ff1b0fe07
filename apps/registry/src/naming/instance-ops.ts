import { DEFAULT_BEAT_TIMEOUT_MS, DEFAULT_DELETE_TIMEOUT_MS, metadataMillis, PRESERVED } from './instance.js';
import type { InstanceRecord } from './model.js';

/** An instance's identity inside its service: ip + port + cluster. */
export interface InstanceAddress {
  readonly ip: string;
  readonly port: number;
  readonly clusterName: string;
}

/** Fields `PATCH /instance` may change; absent fields stay as they are. */
export interface InstancePatch {
  readonly metadata?: Readonly<Record<string, string>>;
  readonly app?: string;
  readonly weight?: number;
  readonly healthy?: boolean;
  readonly enabled?: boolean;
}

/**
 * A change to one service's instance list. The same operations drive the ephemeral list (a Distro
 * `update`, reduced at the responsible member) and the persistent list (a Raft command), so both
 * kinds behave alike. Every operation carries the time it needs: reducing is deterministic.
 */
export type InstanceOp =
  /** Adds or refreshes an instance; a known one keeps its id and the server-side health flag. */
  | { readonly t: 'register'; readonly instance: InstanceRecord }
  /** Replaces a known instance's settings, keeping id, health and last beat (`PUT /instance`). */
  | { readonly t: 'update'; readonly instance: InstanceRecord }
  /** `time`: when it was issued (ephemeral lists remember the removal from then). */
  | { readonly t: 'deregister'; readonly at: InstanceAddress; readonly time?: number }
  | { readonly t: 'patch'; readonly at: InstanceAddress; readonly patch: InstancePatch }
  /** A client beat; `register` re-creates an unknown instance from the beat's JSON. */
  | {
      readonly t: 'beat';
      readonly at: InstanceAddress;
      readonly time: number;
      readonly register?: InstanceRecord;
    }
  /** Marks silent instances unhealthy and removes long-silent ones, as of `now`. */
  | { readonly t: 'expire'; readonly now: number }
  /** Sets or removes metadata keys on the listed instances (all when `targets` is absent). */
  | {
      readonly t: 'metadata';
      readonly mode: 'put' | 'remove';
      readonly metadata: Readonly<Record<string, string>>;
      readonly targets?: readonly InstanceAddress[];
    }
  /** A health verdict from a server-side check (`marked` false) or an operator (`marked` true). */
  | {
      readonly t: 'health';
      readonly at: InstanceAddress;
      readonly healthy: boolean;
      readonly marked?: boolean;
    };

export function sameAddress(a: InstanceAddress, b: InstanceAddress): boolean {
  return a.ip === b.ip && a.port === b.port && a.clusterName === b.clusterName;
}

export function findInstance(
  list: readonly InstanceRecord[],
  at: InstanceAddress,
): InstanceRecord | undefined {
  return list.find((i) => sameAddress(i, at));
}

/**
 * Applies `op` to a service's instance list. Returns the same array when nothing changed, so
 * callers can skip a write. Never throws for a well-formed op.
 */
export function applyInstanceOp(list: readonly InstanceRecord[], op: InstanceOp): readonly InstanceRecord[] {
  switch (op.t) {
    case 'register': {
      const old = findInstance(list, op.instance);
      if (!old) return [...list, withGeneratedId(list, op.instance)];
      // Nacos keeps the id and the server's own health verdict across re-registration.
      return replace(list, old, {
        ...op.instance,
        instanceId: old.instanceId,
        healthy: old.healthy,
        marked: old.marked,
      });
    }
    case 'update': {
      const old = findInstance(list, op.instance);
      if (!old) return list;
      return replace(list, old, {
        ...op.instance,
        instanceId: old.instanceId,
        healthy: old.healthy,
        marked: old.marked,
        lastBeat: old.lastBeat,
      });
    }
    case 'deregister': {
      const old = findInstance(list, op.at);
      return old ? list.filter((i) => i !== old) : list;
    }
    case 'patch': {
      const old = findInstance(list, op.at);
      if (!old) return list;
      const p = op.patch;
      return replace(list, old, {
        ...old,
        ...(p.metadata !== undefined && { metadata: p.metadata }),
        ...(p.app !== undefined && { app: p.app }),
        ...(p.weight !== undefined && { weight: p.weight }),
        ...(p.healthy !== undefined && { healthy: p.healthy }),
        ...(p.enabled !== undefined && { enabled: p.enabled }),
      });
    }
    case 'beat': {
      const old = findInstance(list, op.at);
      if (!old) {
        if (!op.register) return list;
        return [...list, withGeneratedId(list, { ...op.register, healthy: true, lastBeat: op.time })];
      }
      // A beat revives an unhealthy instance unless an operator fixed its health.
      const healthy = old.marked ? old.healthy : true;
      return replace(list, old, { ...old, lastBeat: Math.max(old.lastBeat, op.time), healthy });
    }
    case 'expire':
      return expire(list, op.now);
    case 'metadata': {
      let changed = false;
      const next = list.map((i) => {
        if (op.targets && !op.targets.some((t) => sameAddress(t, i))) return i;
        const metadata = { ...i.metadata };
        for (const [k, v] of Object.entries(op.metadata)) {
          if (op.mode === 'put') metadata[k] = v;
          else delete metadata[k];
        }
        changed = true;
        return { ...i, metadata };
      });
      return changed ? next : list;
    }
    case 'health': {
      const old = findInstance(list, op.at);
      if (!old) return list;
      if (old.healthy === op.healthy && old.marked === (op.marked ?? old.marked)) return list;
      return replace(list, old, { ...old, healthy: op.healthy, marked: op.marked ?? old.marked });
    }
  }
}

/** What an `expire` at `now` would do: instances to mark unhealthy and instances to remove. */
export function expiryDue(
  list: readonly InstanceRecord[],
  now: number,
): { readonly unhealthy: InstanceRecord[]; readonly removed: InstanceRecord[] } {
  const unhealthy: InstanceRecord[] = [];
  const removed: InstanceRecord[] = [];
  for (const i of list) {
    if (i.marked) continue;
    const silent = now - i.lastBeat;
    if (silent > metadataMillis(i.metadata, PRESERVED.ipDeleteTimeout, DEFAULT_DELETE_TIMEOUT_MS)) {
      removed.push(i);
    } else if (
      i.healthy &&
      silent > metadataMillis(i.metadata, PRESERVED.heartBeatTimeout, DEFAULT_BEAT_TIMEOUT_MS)
    ) {
      unhealthy.push(i);
    }
  }
  return { unhealthy, removed };
}

function expire(list: readonly InstanceRecord[], now: number): readonly InstanceRecord[] {
  const { unhealthy, removed } = expiryDue(list, now);
  if (unhealthy.length === 0 && removed.length === 0) return list;
  const gone = new Set(removed);
  const sick = new Set(unhealthy);
  return list.filter((i) => !gone.has(i)).map((i) => (sick.has(i) ? { ...i, healthy: false } : i));
}

function replace(
  list: readonly InstanceRecord[],
  old: InstanceRecord,
  next: InstanceRecord,
): readonly InstanceRecord[] {
  return list.map((i) => (i === old ? next : i));
}

/**
 * With `preserved.instance.id.generator=snowflake` Nacos numbers instances instead of naming them
 * `ip#port#cluster#service`: here the smallest number no other instance of the service uses.
 */
function withGeneratedId(list: readonly InstanceRecord[], instance: InstanceRecord): InstanceRecord {
  if (instance.metadata[PRESERVED.instanceIdGenerator] !== 'snowflake') return instance;
  const used = new Set(list.map((i) => i.instanceId));
  let n = 0;
  while (used.has(String(n))) n++;
  return { ...instance, instanceId: String(n) };
}
