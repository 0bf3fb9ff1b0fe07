import type { Version } from './version.js';

/**
 * One stored key: the value with its version, or a tombstone (`deleted`) that remembers a delete
 * until the tombstone TTL passes so that an older copy arriving late cannot resurrect the key.
 * Invariant: `deleted === true` exactly when `value === undefined`.
 */
export interface DistroEntry<V> {
  readonly version: Version;
  readonly deleted: boolean;
  readonly value: V | undefined;
}

/**
 * The local replica the engine reads and writes, generic over the value type. Every member holds
 * every key. The engine is the only writer; implementations need no locking. Distro data is
 * ephemeral (it is rebuilt from peers at start), so an in-memory map is the normal implementation;
 * the interface exists so the registry can keep its own indexes in step.
 */
export interface DistroStore<V> {
  get(key: string): DistroEntry<V> | undefined;
  set(key: string, entry: DistroEntry<V>): void;
  /** Removes the key entirely (only used to garbage-collect expired tombstones). */
  remove(key: string): void;
  /** Every key, tombstones included. The engine does not mutate the store while iterating. */
  entries(): Iterable<[string, DistroEntry<V>]>;
  readonly size: number;
}

/** The default {@link DistroStore}: a `Map`. */
export class MemoryDistroStore<V> implements DistroStore<V> {
  private readonly map = new Map<string, DistroEntry<V>>();

  get(key: string): DistroEntry<V> | undefined {
    return this.map.get(key);
  }

  set(key: string, entry: DistroEntry<V>): void {
    this.map.set(key, entry);
  }

  remove(key: string): void {
    this.map.delete(key);
  }

  entries(): Iterable<[string, DistroEntry<V>]> {
    return this.map.entries();
  }

  get size(): number {
    return this.map.size;
  }
}
