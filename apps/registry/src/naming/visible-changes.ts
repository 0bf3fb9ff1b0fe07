import type { InstanceRecord } from './model.js';

/**
 * Filters ephemeral changes down to the ones a client can see. Every beat rewrites a service's
 * list (its `lastBeat`), and pushing each of those would send every subscriber a datagram per beat
 * for nothing; only changes of what `/instance/list` shows (address, weight, health, enabled,
 * cluster, metadata) are passed on. Only services with subscribers are tracked.
 */
export class VisibleChanges {
  readonly #seen = new Map<string, string>();

  constructor(private readonly isWatched: (key: string) => boolean) {}

  /** True when `value` differs, as clients see it, from the last value passed for `key`. */
  changed(key: string, value: readonly InstanceRecord[] | undefined): boolean {
    if (!this.isWatched(key)) {
      this.#seen.delete(key);
      return false;
    }
    const digest = value === undefined ? '' : visibleDigest(value);
    if (this.#seen.get(key) === digest) return false;
    this.#seen.set(key, digest);
    return true;
  }
}

/** What a list answer shows of the instances, as one comparable string. */
export function visibleDigest(list: readonly InstanceRecord[]): string {
  return JSON.stringify(
    list.map((i) => [i.ip, i.port, i.clusterName, i.weight, i.healthy, i.enabled, i.metadata, i.instanceId]),
  );
}
