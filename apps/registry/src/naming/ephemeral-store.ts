import type { Distro, DistroOptions } from '@reg/distro';
import {
  EMPTY_VALUE,
  type EphemeralValue,
  mergeValues,
  nextValue,
  rememberRemoval,
} from './ephemeral-value.js';
import { applyInstanceOp, type InstanceOp } from './instance-ops.js';
import type { InstanceRecord } from './model.js';
import { isEphemeralValue, isInstanceOp } from './record-guards.js';

export type { EphemeralValue } from './ephemeral-value.js';

/** A Distro operation on one service's ephemeral instances. */
export type EphemeralOp =
  | InstanceOp
  /** Removes the service's key if it still holds no instance (the empty-service cleaner). */
  | { readonly t: 'drop-if-empty' };

/**
 * Reduces an operation against a service's current ephemeral list at the responsible member.
 * Operations that add nothing to a missing service leave it missing. `now` stamps removals of
 * operations that carry no time of their own.
 */
export function reduceEphemeral(
  current: EphemeralValue | undefined,
  op: EphemeralOp,
  now: number = Date.now(),
): EphemeralValue | undefined {
  if (op.t === 'drop-if-empty')
    return current === undefined || current.instances.length === 0 ? undefined : current;
  const creates = op.t === 'register' || (op.t === 'beat' && op.register !== undefined);
  if (current === undefined && !creates) return undefined;
  const before = current ?? EMPTY_VALUE;
  const time = opTime(op) ?? now;
  const next = nextValue(before, applyInstanceOp(before.instances, op), time);
  return op.t === 'deregister' ? rememberRemoval(next, op.at, time) : next;
}

/** The time an operation was issued at, when it says. */
function opTime(op: InstanceOp): number | undefined {
  switch (op.t) {
    case 'deregister':
      return op.time;
    case 'expire':
      return op.now;
    case 'beat':
      return op.time;
    case 'register':
      return op.instance.lastBeat;
    default:
      return undefined;
  }
}

export function isEphemeralOp(x: unknown): x is EphemeralOp {
  return (
    (typeof x === 'object' && x !== null && (x as { t?: unknown }).t === 'drop-if-empty') || isInstanceOp(x)
  );
}

/** The Distro options of the naming engine (the plane adds members, network and logger). */
export function ephemeralDistroOptions(
  onChange: (key: string, instances: readonly InstanceRecord[] | undefined) => void,
): Omit<DistroOptions<EphemeralValue, EphemeralOp>, 'members' | 'network' | 'logger'> {
  return {
    reduce: (current, op) => reduceEphemeral(current, op),
    merge: (local, remote) => mergeValues(local, remote, Date.now()),
    // A deregistration lost with a crashed owner would come back from the other copies.
    syncAtOnce: (op) => op.t === 'deregister',
    validateValue: isEphemeralValue,
    validateOp: isEphemeralOp,
    onChange: (key, value) => onChange(key, value?.instances),
  };
}

/**
 * Ephemeral instances, one Distro key per service (`namespace##group@@service`). Reads are local;
 * writes go through the key's responsible member.
 */
export class EphemeralStore {
  constructor(private readonly distro: Distro<EphemeralValue, EphemeralOp>) {}

  /** The service's ephemeral instances, or undefined when the service has no key here. */
  list(key: string): readonly InstanceRecord[] | undefined {
    return this.distro.get(key)?.instances;
  }

  *entries(): IterableIterator<[string, readonly InstanceRecord[]]> {
    for (const [key, value] of this.distro.entries()) yield [key, value.instances];
  }

  responsibleFor(key: string): string {
    return this.distro.responsibleFor(key);
  }

  isResponsible(key: string): boolean {
    return this.distro.isResponsible(key);
  }

  async update(key: string, op: EphemeralOp): Promise<void> {
    await this.distro.update(key, op);
  }

  async delete(key: string): Promise<void> {
    await this.distro.delete(key);
  }

  get ready(): boolean {
    return this.distro.ready;
  }
}
