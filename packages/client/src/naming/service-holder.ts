import type { Logger } from '../logger.js';
import { type Instance, instancesFingerprint, keyOf, type ServiceInfo } from './model.js';
import type { NamingCache } from './naming-cache.js';

/** Where the data a subscriber sees came from. */
export type ServiceSource = 'server' | 'push' | 'cache' | 'failover';

/** What a service listener receives: the service's instances after a change. */
export interface ServiceChangeEvent {
  readonly serviceName: string;
  readonly groupName: string;
  /** The subscription's clusters; empty means every cluster. */
  readonly clusters: readonly string[];
  readonly instances: readonly Instance[];
  readonly source: ServiceSource;
}

export type ServiceListener = (event: ServiceChangeEvent) => void;

/**
 * The client's view of every service it read: the latest server data per key, the failover
 * files laid over it (a failover file wins while it exists), the snapshot written after each
 * change, and the listeners told whenever the view they see changes.
 */
export class ServiceHolder {
  readonly #server = new Map<string, ServiceInfo>();
  readonly #sources = new Map<string, ServiceSource>();
  #failover = new Map<string, ServiceInfo>();
  readonly #listeners = new Map<string, Set<ServiceListener>>();
  /** Fingerprint of the view listeners of a key last saw. */
  readonly #notified = new Map<string, string>();
  readonly #cache: NamingCache;
  readonly #logger: Logger;
  readonly #pushEmptyProtection: boolean;

  constructor(cache: NamingCache, logger: Logger, pushEmptyProtection: boolean) {
    this.#cache = cache;
    this.#logger = logger;
    this.#pushEmptyProtection = pushEmptyProtection;
  }

  /** The effective view of a key: its failover file if present, else the latest server data. */
  get(key: string): ServiceInfo | undefined {
    return this.#failover.get(key) ?? this.#server.get(key);
  }

  /** Whether the effective view of a key comes from a failover file. */
  isFailover(key: string): boolean {
    return this.#failover.has(key);
  }

  /**
   * Takes data from a server (a list answer or a push). Unchanged data is a no-op; changed data
   * is kept, written to the snapshot and announced. With `pushEmptyProtection`, an empty
   * instance list never replaces a non-empty one.
   */
  accept(info: ServiceInfo, source: 'server' | 'push'): void {
    const key = keyOf(info);
    const old = this.#server.get(key);
    if (this.#pushEmptyProtection && info.instances.length === 0 && (old?.instances.length ?? 0) > 0) {
      this.#logger.warn({ key }, 'ignoring empty instance list (pushEmptyProtection)');
      return;
    }
    const changed =
      instancesFingerprint(old) !== instancesFingerprint(info) || this.#sources.get(key) === 'cache';
    this.#server.set(key, info);
    this.#sources.set(key, source);
    if (!changed && old !== undefined) return;
    this.#cache.write(info);
    this.#announce(key);
  }

  /** Takes a snapshot read from disk, unless server data for its key is already known. */
  acceptSnapshot(info: ServiceInfo): void {
    const key = keyOf(info);
    if (this.#server.has(key)) return;
    this.#server.set(key, info);
    this.#sources.set(key, 'cache');
    this.#announce(key);
  }

  /** Replaces the failover overlay with the files found now, announcing every view that changed. */
  setFailover(files: Map<string, ServiceInfo>): void {
    const keys = new Set([...this.#failover.keys(), ...files.keys()]);
    this.#failover = files;
    for (const key of keys) this.#announce(key);
  }

  /** Adds a listener; when the key's view is known it is told at once (in a microtask). */
  addListener(key: string, listener: ServiceListener): void {
    let set = this.#listeners.get(key);
    if (!set) {
      set = new Set();
      this.#listeners.set(key, set);
      this.#notified.set(key, instancesFingerprint(this.get(key)));
    }
    if (set.has(listener)) return;
    set.add(listener);
    const view = this.get(key);
    if (view === undefined) return;
    const event = this.#event(key, view);
    queueMicrotask(() => {
      if (this.#listeners.get(key)?.has(listener)) this.#call(key, listener, event);
    });
  }

  /** Removes one listener (or all with `undefined`); returns how many remain for the key. */
  removeListener(key: string, listener: ServiceListener | undefined): number {
    const set = this.#listeners.get(key);
    if (!set) return 0;
    if (listener === undefined) set.clear();
    else set.delete(listener);
    if (set.size === 0) {
      this.#listeners.delete(key);
      this.#notified.delete(key);
    }
    return set.size;
  }

  /** Every known service's server data, for a `dump` packet's answer. */
  dump(): Record<string, ServiceInfo> {
    return Object.fromEntries(this.#server);
  }

  #announce(key: string): void {
    const set = this.#listeners.get(key);
    const view = this.get(key);
    if (!set || view === undefined) return;
    const fingerprint = instancesFingerprint(view);
    if (this.#notified.get(key) === fingerprint) return;
    this.#notified.set(key, fingerprint);
    const event = this.#event(key, view);
    for (const listener of [...set]) this.#call(key, listener, event);
  }

  #event(key: string, view: ServiceInfo): ServiceChangeEvent {
    return {
      serviceName: view.serviceName,
      groupName: view.groupName,
      clusters: view.clusters === '' ? [] : view.clusters.split(','),
      instances: view.instances,
      source: this.#failover.has(key) ? 'failover' : (this.#sources.get(key) ?? 'server'),
    };
  }

  #call(key: string, listener: ServiceListener, event: ServiceChangeEvent): void {
    try {
      listener(event);
    } catch (err) {
      this.#logger.error({ key, err: String(err) }, 'service listener threw');
    }
  }
}
