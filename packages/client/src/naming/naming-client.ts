import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ClientError, isClientError, throwIfAborted } from '../errors.js';
import {
  type CommonClientOptions,
  type Connection,
  openConnection,
  optionalBoolean,
  optionalString,
  positiveInteger,
} from '../options.js';
import { BeatReactor } from './beat-reactor.js';
import {
  type InstanceAddress,
  type InstanceInput,
  resolveAddress,
  resolveInstance,
} from './instance-input.js';
import type { Instance, ServiceInfo } from './model.js';
import { type ServiceRef, type ServiceSelector, serviceKey, serviceRef } from './names.js';
import { NamingApi } from './naming-api.js';
import { NamingCache } from './naming-cache.js';
import { PushReceiver } from './push-receiver.js';
import { pickWeighted, usable } from './select.js';
import { ServiceHolder, type ServiceListener } from './service-holder.js';
import { UpdatePoller } from './update-poller.js';

/** UDP push settings; `false` turns push off (polling only). */
export interface PushOptions {
  /** Address the push socket binds. Default `0.0.0.0` (servers on other hosts must reach it). */
  readonly bindAddress?: string;
  /** UDP port; default 0 (any free port). */
  readonly port?: number;
  /** The `clientIP` sent with list calls. Default this host's first non-internal IPv4 address. */
  readonly clientIp?: string;
}

export interface NamingClientOptions extends CommonClientOptions {
  /** Snapshot directory. Default `{cacheHome}/nacos/naming/{namespace}`; failover files go in its `failover` folder. */
  readonly namingCacheDir?: string;
  /** Load every snapshot into memory at start, so reads answer before any server does. Default false. */
  readonly loadCacheAtStart?: boolean;
  /** UDP push (default on, all interfaces, any port), or `false`. */
  readonly push?: boolean | PushOptions;
  /** Poll subscribed services at this interval (ms) instead of the server's `cacheMillis`. */
  readonly pollIntervalMs?: number;
  /** How often the failover directory is read (ms). Default 5000. */
  readonly failoverScanMs?: number;
  /** Never replace a non-empty instance list with an empty one. Default false. */
  readonly pushEmptyProtection?: boolean;
}

/** Options of reads: which group and clusters, and an abort signal. */
export interface ReadOptions extends ServiceSelector {
  readonly signal?: AbortSignal;
}

/** Counters for tests and metrics. */
export interface NamingStats {
  readonly beats: number;
  readonly reRegistrations: number;
  readonly pushes: number;
  readonly logins: number;
  /** The UDP push port, 0 without push. */
  readonly udpPort: number;
}

/**
 * The naming half of the client: registers instances (with heartbeats for ephemeral ones),
 * reads and selects instances, and keeps subscribers up to date by UDP push plus polling. It
 * fails over between servers, writes a snapshot after every change, serves reads from that
 * snapshot when no server answers, and lets failover files override servers.
 */
export class NamingClient {
  readonly #connection: Connection;
  readonly #api: NamingApi;
  readonly #cache: NamingCache;
  readonly #holder: ServiceHolder;
  readonly #beats: BeatReactor;
  readonly #poller: UpdatePoller;
  readonly #push: PushReceiver | undefined;
  readonly #clientIp: string;
  readonly #pollIntervalMs: number | undefined;
  readonly #failoverScanMs: number;
  readonly #loadCacheAtStart: boolean;
  #ready: Promise<void> | undefined;
  #scanTimer: NodeJS.Timeout | undefined;
  #scanning: Promise<void> | undefined;
  #closed = false;

  constructor(options: NamingClientOptions) {
    this.#connection = openConnection(options, 'naming');
    const { logger, namespace, cacheHome, requester } = this.#connection;
    this.#api = new NamingApi(requester, namespace);
    const dir = optionalString(options, 'namingCacheDir') ?? join(cacheHome, 'nacos', 'naming', namespace);
    this.#cache = new NamingCache(dir, logger);
    this.#holder = new ServiceHolder(
      this.#cache,
      logger,
      optionalBoolean(options, 'pushEmptyProtection', false),
    );
    this.#beats = new BeatReactor(this.#api, logger);
    this.#pollIntervalMs =
      options.pollIntervalMs === undefined ? undefined : positiveInteger(options, 'pollIntervalMs', 0);
    this.#failoverScanMs = positiveInteger(options, 'failoverScanMs', 5000);
    this.#loadCacheAtStart = optionalBoolean(options, 'loadCacheAtStart', false);
    this.#poller = new UpdatePoller({
      refresh: (ref, signal) => this.#refresh(ref, signal).then(() => undefined),
      interval: (key) => this.#pollIntervalMs ?? Math.max(1000, this.#holder.get(key)?.cacheMillis ?? 10_000),
      logger,
    });
    const push = options.push ?? true;
    if (push !== true && push !== false && (push === null || typeof push !== 'object')) {
      throw new ClientError('CLIENT_INVALID_OPTION', 'push must be a boolean or an object');
    }
    const pushOptions: PushOptions = typeof push === 'object' ? push : {};
    this.#clientIp = optionalString(pushOptions, 'clientIp') ?? localIpv4();
    if (push !== false) {
      const port = pushOptions.port ?? 0;
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new ClientError(
          'CLIENT_INVALID_OPTION',
          `push.port must be an integer in 0..65535, got ${String(port)}`,
        );
      }
      this.#push = new PushReceiver({
        bindAddress: optionalString(pushOptions, 'bindAddress') ?? '0.0.0.0',
        port,
        logger,
        onService: (info) => this.#holder.accept(info, 'push'),
        dump: () => this.#holder.dump(),
      });
    }
  }

  /** Where snapshots are written; failover files are read from its `failover` folder. */
  get cacheDir(): string {
    return this.#cache.dir;
  }

  /**
   * Binds the push socket, loads snapshots (`loadCacheAtStart`) and reads the failover folder.
   * Every other method calls it first; calling it yourself surfaces start-up work early.
   */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#ready ??= this.#start();
    return this.#ready;
  }

  /** Registers an instance; ephemeral instances then beat until deregistered or closed. */
  async registerInstance(
    serviceName: string,
    instance: InstanceInput & ReadOptionsNoClusters,
  ): Promise<void> {
    const resolved = resolveInstance(serviceName, instance?.groupName, instance);
    await this.start();
    await this.#api.register(resolved, instance.signal);
    if (this.#closed) return;
    if (resolved.ephemeral) this.#beats.add(resolved);
  }

  /** Deregisters an instance and stops its beats. */
  async deregisterInstance(
    serviceName: string,
    instance: InstanceAddress & ReadOptionsNoClusters,
  ): Promise<void> {
    const ref = serviceRef(
      serviceName,
      instance?.groupName === undefined ? {} : { groupName: instance.groupName },
    );
    const address = resolveAddress(instance);
    await this.start();
    this.#beats.remove({ ...ref, ...address });
    await this.#api.deregister({ ...ref, ...address }, instance.signal);
  }

  /**
   * Every instance of a service (healthy or not). With `subscribe` (default true) the service
   * is kept up to date in the background and later reads are answered from memory. When no
   * server answers, the last known data (memory, then the snapshot file) is returned; a
   * failover file, when present, always wins.
   */
  async getAllInstances(
    serviceName: string,
    options: ReadOptions & { subscribe?: boolean } = {},
  ): Promise<Instance[]> {
    const ref = serviceRef(serviceName, options);
    const key = serviceKey(ref);
    await this.start();
    throwIfAborted(options.signal);
    if (this.#holder.isFailover(key)) return [...this.#holder.get(key)!.instances];
    const subscribe = options.subscribe ?? true;
    if (subscribe && this.#poller.has(key) && this.#holder.get(key) !== undefined) {
      return [...this.#holder.get(key)!.instances];
    }
    // Like the Nacos clients: a service read with subscribe stays fresh in the background.
    if (subscribe) this.#poller.start(ref);
    const info = await this.#readOrFallback(ref, options.signal);
    return [...(info?.instances ?? [])];
  }

  /** Instances with the given health (default healthy) that are enabled and have weight > 0. */
  async selectInstances(
    serviceName: string,
    options: ReadOptions & { healthy?: boolean; subscribe?: boolean } = {},
  ): Promise<Instance[]> {
    return usable(await this.getAllInstances(serviceName, options), options.healthy ?? true);
  }

  /** One healthy instance, chosen at random in proportion to weight. */
  async selectOneHealthyInstance(
    serviceName: string,
    options: ReadOptions & { subscribe?: boolean } = {},
  ): Promise<Instance> {
    const chosen = pickWeighted(await this.selectInstances(serviceName, options), this.#connection.random);
    if (!chosen) {
      throw new ClientError('CLIENT_NO_HEALTHY_INSTANCE', `service ${serviceName} has no healthy instance`);
    }
    return chosen;
  }

  /**
   * Calls `listener` with the service's instances as soon as they are known and after every
   * change (pushed by the server, polled, or from a failover file). Resolves after the first
   * read; when no server answers, the snapshot (if any) is delivered and polling keeps trying
   * (the listener hears from it once a server answers). Bad arguments and 4xx answers throw.
   */
  async subscribe(serviceName: string, listener: ServiceListener, options: ReadOptions = {}): Promise<void> {
    if (typeof listener !== 'function')
      throw new ClientError('CLIENT_INVALID_ARGUMENT', 'listener must be a function');
    const ref = serviceRef(serviceName, options);
    const key = serviceKey(ref);
    await this.start();
    this.#holder.addListener(key, listener);
    this.#poller.start(ref);
    if (this.#holder.get(key) !== undefined) return;
    try {
      await this.#readOrFallback(ref, options.signal);
    } catch (err) {
      // No server and no snapshot yet: the subscription stays, and polling delivers data later.
      if (isClientError(err) && err.code === 'CLIENT_SERVER_UNAVAILABLE') return;
      this.unsubscribe(serviceName, listener, options);
      throw err;
    }
  }

  /** Removes a listener (all of the service's listeners without one); polling stops with the last. */
  unsubscribe(serviceName: string, listener?: ServiceListener, options: ServiceSelector = {}): void {
    const ref = serviceRef(serviceName, options);
    const key = serviceKey(ref);
    if (this.#holder.removeListener(key, listener) === 0) this.#poller.stop(key);
  }

  stats(): NamingStats {
    return {
      ...this.#beats.counts,
      pushes: this.#push?.received ?? 0,
      logins: this.#connection.auth?.logins ?? 0,
      udpPort: this.#push?.port ?? 0,
    };
  }

  /**
   * Stops beats, polling, push and failover scans, and waits for snapshot writes. Instances are
   * not deregistered (ephemeral ones expire on the server once beats stop).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#beats.stopAll();
    this.#poller.stopAll();
    clearInterval(this.#scanTimer);
    await this.#ready?.catch(() => undefined);
    await this.#scanning;
    await this.#push?.close();
    await this.#cache.flush();
  }

  async #start(): Promise<void> {
    await this.#push?.start();
    if (this.#loadCacheAtStart) {
      for (const info of await this.#cache.readAllSnapshots()) this.#holder.acceptSnapshot(info);
    }
    await this.#scanFailover();
    if (this.#closed) return;
    this.#scanTimer = setInterval(() => void this.#scanFailover(), this.#failoverScanMs);
    this.#scanTimer.unref();
  }

  #scanFailover(): Promise<void> {
    this.#scanning ??= this.#cache
      .readFailover()
      .then((files) => this.#holder.setFailover(files))
      .finally(() => {
        this.#scanning = undefined;
      });
    return this.#scanning;
  }

  /** Reads a service from a server into the holder (which writes the snapshot and tells listeners). */
  async #refresh(ref: ServiceRef, signal: AbortSignal | undefined): Promise<ServiceInfo | undefined> {
    if (this.#closed) throw closedError();
    const udpPort = this.#push?.port ?? 0;
    const info = await this.#api.list(ref, { udpPort, clientIP: this.#clientIp }, signal);
    if (!this.#closed) this.#holder.accept(info, 'server');
    return this.#holder.get(serviceKey(ref));
  }

  /** Reads from a server; when none answers, from memory, then from the snapshot file. */
  async #readOrFallback(ref: ServiceRef, signal: AbortSignal | undefined): Promise<ServiceInfo | undefined> {
    const key = serviceKey(ref);
    try {
      return await this.#refresh(ref, signal);
    } catch (err) {
      if (
        !isClientError(err) ||
        (err.code !== 'CLIENT_SERVER_UNAVAILABLE' && err.code !== 'CLIENT_BAD_RESPONSE')
      )
        throw err;
      const known = this.#holder.get(key);
      if (known) return known;
      const snapshot = await this.#cache.readSnapshot(key);
      if (snapshot) {
        this.#holder.acceptSnapshot(snapshot);
        return this.#holder.get(key);
      }
      throw err;
    }
  }
}

/** `groupName` and `signal`, for calls about one instance. */
export interface ReadOptionsNoClusters {
  readonly groupName?: string;
  readonly signal?: AbortSignal;
}

function closedError(): ClientError {
  return new ClientError('CLIENT_CLOSED', 'the naming client is closed');
}

/** This host's first non-internal IPv4 address, else loopback. */
function localIpv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? [])
      if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}
