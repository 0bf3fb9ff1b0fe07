import type { Distro, DistroOptions } from '@reg/distro';
import { applyInstanceOp, type InstanceOp } from './instance-ops.js';
import type { InstanceRecord } from './model.js';
import { isInstanceList, isInstanceOp } from './record-guards.js';

/** A Distro operation on one service's ephemeral instances. */
export type EphemeralOp =
  | InstanceOp
  /** Removes the service's key if it still holds no instance (the empty-service cleaner). */
  | { readonly t: 'drop-if-empty' };

export type EphemeralValue = readonly InstanceRecord[];

/**
 * Reduces an operation against a service's current ephemeral list at the responsible member.
 * Operations that add nothing to a missing service leave it missing.
 */
export function reduceEphemeral(
  current: EphemeralValue | undefined,
  op: EphemeralOp,
): EphemeralValue | undefined {
  if (op.t === 'drop-if-empty') return current === undefined || current.length === 0 ? undefined : current;
  const creates = op.t === 'register' || (op.t === 'beat' && op.register !== undefined);
  if (current === undefined && !creates) return undefined;
  return applyInstanceOp(current ?? [], op);
}

export function isEphemeralOp(x: unknown): x is EphemeralOp {
  return (
    (typeof x === 'object' && x !== null && (x as { t?: unknown }).t === 'drop-if-empty') || isInstanceOp(x)
  );
}

/** The Distro options of the naming engine (the plane adds members, network and logger). */
export function ephemeralDistroOptions(
  onChange: (key: string, value: EphemeralValue | undefined) => void,
): Omit<DistroOptions<EphemeralValue, EphemeralOp>, 'members' | 'network' | 'logger'> {
  return {
    reduce: (current, op) => reduceEphemeral(current, op),
    validateValue: isInstanceList,
    validateOp: isEphemeralOp,
    onChange: (key, value) => onChange(key, value),
  };
}

/**
 * Ephemeral instances, one Distro key per service (`namespace##group@@service`). Reads are local;
 * writes go through the key's responsible member.
 */
export class EphemeralStore {
  constructor(private readonly distro: Distro<EphemeralValue, EphemeralOp>) {}

  /** The service's ephemeral instances, or undefined when the service has no key here. */
  list(key: string): EphemeralValue | undefined {
    return this.distro.get(key);
  }

  entries(): IterableIterator<[string, EphemeralValue]> {
    return this.distro.entries();
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
