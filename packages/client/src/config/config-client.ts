import { join } from 'node:path';
import { safeSegment } from '../cache-files.js';
import { ClientError, isClientError, throwIfAborted } from '../errors.js';
import { md5Hex } from '../md5.js';
import {
  type CommonClientOptions,
  type Connection,
  openConnection,
  optionalString,
  positiveInteger,
} from '../options.js';
import { ConfigApi, type PublishFields } from './config-api.js';
import { ConfigCache } from './config-cache.js';
import { type ConfigKey, configKey, configMapKey, tenantOf } from './config-key.js';
import { ConfigWatcher, type WatchedConfig } from './config-watcher.js';

export interface ConfigClientOptions extends CommonClientOptions {
  /**
   * Cache directory. Default `{cacheHome}/nacos/config/{serverName}_nacos`, where the server name
   * is `fixed-<host_port>-...[-<namespace>]` as in the Nacos Java client.
   */
  readonly configCacheDir?: string;
  /** `Long-Pulling-Timeout` of a long poll (ms). Default 30 000. */
  readonly longPollTimeoutMs?: number;
  /** Wait after a failed long poll (ms). Default 2000. */
  readonly retryDelayMs?: number;
  /** How often subscribed configs' failover files are read (ms). Default 5000. */
  readonly failoverScanMs?: number;
}

/** Which config, and an abort signal. */
export interface ConfigOptions {
  /** Default `DEFAULT_GROUP`. */
  readonly group?: string;
  readonly signal?: AbortSignal;
}

/** Where the content a listener receives came from. */
export type ConfigSource = 'server' | 'failover';

/** What a config listener receives after a change. */
export interface ConfigChangeEvent {
  readonly dataId: string;
  readonly group: string;
  /** The new content; undefined when the config was removed. */
  readonly content: string | undefined;
  readonly md5: string;
  readonly source: ConfigSource;
}

export type ConfigListener = (event: ConfigChangeEvent) => void;

interface Subscription {
  readonly watched: WatchedConfig;
  readonly listeners: Set<ConfigListener>;
  /** What servers last said. */
  serverContent: string | undefined;
  /** The failover file's content, while one exists. */
  failover: string | undefined;
  /** md5 of the content listeners last saw. */
  notifiedMd5: string;
}

/**
 * The config half of the client: get, publish (optionally compare-and-set), remove, and listen
 * by long polling. Reads fail over between servers; a failover file overrides servers; when no
 * server answers, reads come from the snapshot written after every successful read.
 */
export class ConfigClient {
  readonly #connection: Connection;
  readonly #api: ConfigApi;
  readonly #cache: ConfigCache;
  readonly #watcher: ConfigWatcher;
  readonly #tenant: string;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #scanTimer: NodeJS.Timeout;
  #scanning: Promise<void> | undefined;
  #closed = false;

  constructor(options: ConfigClientOptions) {
    this.#connection = openConnection(options, 'config');
    const { namespace, cacheHome, addresses, logger, requester } = this.#connection;
    this.#tenant = tenantOf(namespace);
    this.#api = new ConfigApi(requester);
    const serverName = `fixed-${addresses.map((a) => a.label.replace(/:(\d+)$/, '_$1')).join('-')}${this.#tenant ? `-${this.#tenant}` : ''}`;
    const dir =
      optionalString(options, 'configCacheDir') ??
      join(cacheHome, 'nacos', 'config', `${safeSegment(serverName)}_nacos`);
    this.#cache = new ConfigCache(dir, logger);
    this.#watcher = new ConfigWatcher({
      api: this.#api,
      tenant: this.#tenant,
      longPollTimeoutMs: positiveInteger(options, 'longPollTimeoutMs', 30_000),
      retryDelayMs: positiveInteger(options, 'retryDelayMs', 2000),
      logger,
      refresh: (entry, signal) => this.#refresh(entry, signal),
    });
    this.#scanTimer = setInterval(
      () => void this.#scanFailover(),
      positiveInteger(options, 'failoverScanMs', 5000),
    );
    this.#scanTimer.unref();
  }

  /** The cache directory (snapshots in `snapshot*`, failover files in `data/config-data*`). */
  get cacheDir(): string {
    return this.#cache.dir;
  }

  /**
   * The config's content, or undefined when it does not exist. A failover file wins; else the
   * servers answer (and the snapshot is updated); when none does, the last known content of a
   * subscription or the snapshot is returned, and without either the error is thrown.
   */
  async getConfig(dataId: string, options: ConfigOptions = {}): Promise<string | undefined> {
    const key = this.#key(dataId, options);
    this.#checkOpen();
    const failover = await this.#cache.readFailover(key);
    if (failover !== undefined) return failover;
    try {
      const content = await this.#api.get(key, options.signal);
      await this.#cache.writeSnapshot(key, content);
      return content;
    } catch (err) {
      if (!isClientError(err) || err.code !== 'CLIENT_SERVER_UNAVAILABLE') throw err;
      const known = this.#subscriptions.get(configMapKey(key))?.serverContent;
      if (known !== undefined) return known;
      const snapshot = await this.#cache.readSnapshot(key);
      if (snapshot !== undefined) return snapshot;
      throw err;
    }
  }

  /** Creates or replaces a config. With `casMd5`, a stale md5 throws CLIENT_CONFIG_CAS_MISMATCH. */
  async publishConfig(
    dataId: string,
    content: string,
    options: ConfigOptions & PublishFields = {},
  ): Promise<void> {
    const key = this.#key(dataId, options);
    if (typeof content !== 'string' || content.trim() === '') {
      throw new ClientError('CLIENT_INVALID_ARGUMENT', 'content must be a non-blank string');
    }
    for (const field of ['type', 'appName', 'casMd5'] as const) {
      if (options[field] !== undefined && typeof options[field] !== 'string') {
        throw new ClientError('CLIENT_INVALID_ARGUMENT', `${field} must be a string`);
      }
    }
    this.#checkOpen();
    await this.#api.publish(key, content, options, options.signal);
  }

  /** Removes a config (absent is fine). */
  async removeConfig(dataId: string, options: ConfigOptions = {}): Promise<void> {
    const key = this.#key(dataId, options);
    this.#checkOpen();
    await this.#api.remove(key, options.signal);
  }

  /**
   * Listens to a config: resolves with its current content (as `getConfig` reads it), then calls
   * `listener` after every change of the content it sees. Changes arrive by long polling.
   */
  async subscribe(
    dataId: string,
    listener: ConfigListener,
    options: ConfigOptions = {},
  ): Promise<string | undefined> {
    if (typeof listener !== 'function')
      throw new ClientError('CLIENT_INVALID_ARGUMENT', 'listener must be a function');
    const key = this.#key(dataId, options);
    this.#checkOpen();
    const existing = this.#subscriptions.get(configMapKey(key));
    if (existing) {
      existing.listeners.add(listener);
      return existing.failover ?? existing.serverContent;
    }
    const failover = await this.#cache.readFailover(key);
    let serverContent: string | undefined;
    let md5 = '';
    try {
      serverContent = await this.#api.get(key, options.signal);
      md5 = md5Hex(serverContent);
      await this.#cache.writeSnapshot(key, serverContent);
    } catch (err) {
      if (!isClientError(err) || err.code !== 'CLIENT_SERVER_UNAVAILABLE') throw err;
      // No server: start from the snapshot. Its md5 goes into the first poll, so a server that
      // holds something else (or nothing) names the config as changed once it answers.
      serverContent = await this.#cache.readSnapshot(key);
      md5 = md5Hex(serverContent);
    }
    throwIfAborted(options.signal);
    this.#checkOpen();
    const raced = this.#subscriptions.get(configMapKey(key));
    if (raced) {
      raced.listeners.add(listener);
      return raced.failover ?? raced.serverContent;
    }
    const subscription: Subscription = {
      watched: { ...key, md5 },
      listeners: new Set([listener]),
      serverContent,
      failover,
      notifiedMd5: md5Hex(failover ?? serverContent),
    };
    this.#subscriptions.set(configMapKey(key), subscription);
    this.#watcher.add(subscription.watched);
    return failover ?? serverContent;
  }

  /** Removes a listener (all of the config's listeners without one). */
  unsubscribe(dataId: string, listener?: ConfigListener, options: Omit<ConfigOptions, 'signal'> = {}): void {
    const key = this.#key(dataId, options);
    const subscription = this.#subscriptions.get(configMapKey(key));
    if (!subscription) return;
    if (listener === undefined) subscription.listeners.clear();
    else subscription.listeners.delete(listener);
    if (subscription.listeners.size === 0) {
      this.#subscriptions.delete(configMapKey(key));
      this.#watcher.remove(key);
    }
  }

  /** Counters for tests and metrics. */
  stats(): { readonly polls: number; readonly logins: number } {
    return { polls: this.#watcher.polls, logins: this.#connection.auth?.logins ?? 0 };
  }

  /** Stops long polling and failover scans and waits for snapshot writes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#scanTimer);
    await this.#watcher.close();
    await this.#scanning;
    await this.#cache.flush();
  }

  #key(dataId: string, options: ConfigOptions): ConfigKey {
    if (options === null || typeof options !== 'object')
      throw new ClientError('CLIENT_INVALID_ARGUMENT', 'options must be an object');
    return configKey(dataId, options.group, this.#tenant);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ClientError('CLIENT_CLOSED', 'the config client is closed');
  }

  /** After the server named a config as changed: read it, record it, tell listeners. */
  async #refresh(entry: WatchedConfig, signal: AbortSignal): Promise<void> {
    const subscription = this.#subscriptions.get(configMapKey(entry));
    if (!subscription) return;
    const content = await this.#api.get(entry, signal);
    subscription.serverContent = content;
    subscription.watched.md5 = md5Hex(content);
    await this.#cache.writeSnapshot(entry, content);
    this.#announce(subscription);
  }

  #scanFailover(): Promise<void> {
    this.#scanning ??= Promise.all(
      [...this.#subscriptions.values()].map(async (s) => {
        s.failover = await this.#cache.readFailover(s.watched);
        this.#announce(s);
      }),
    )
      .then(() => undefined)
      .finally(() => {
        this.#scanning = undefined;
      });
    return this.#scanning;
  }

  #announce(subscription: Subscription): void {
    const content = subscription.failover ?? subscription.serverContent;
    const md5 = md5Hex(content);
    if (md5 === subscription.notifiedMd5 || this.#closed) return;
    subscription.notifiedMd5 = md5;
    const { dataId, group } = subscription.watched;
    const event: ConfigChangeEvent = {
      dataId,
      group,
      content,
      md5,
      source: subscription.failover !== undefined ? 'failover' : 'server',
    };
    for (const listener of [...subscription.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.#connection.logger.error({ dataId, group, err: String(err) }, 'config listener threw');
      }
    }
  }
}
