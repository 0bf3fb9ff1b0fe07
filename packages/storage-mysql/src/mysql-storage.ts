import {
  type FaultInjector,
  type FaultPoint,
  type Logger,
  noopLogger,
  type Storage,
  StorageError,
  type StorageSupports,
} from '@reg/storage';
import { MysqlPermissionStore, MysqlRoleStore, MysqlUserStore } from './auth-store.js';
import { MysqlCluster, type RetryOptions } from './cluster.js';
import { MysqlConfigStore } from './config-store.js';
import type { StoreContext } from './context.js';
import type { DataSourceStatus } from './datasource.js';
import { MysqlHistoryStore } from './history-store.js';
import { MysqlKvStore } from './kv-store.js';
import { MysqlNamespaceStore } from './namespace-store.js';
import { MysqlNamingStore } from './naming-store.js';
import { type MysqlStorageOptions, validateMysqlOptions } from './options.js';
import { ensureSchema, type SchemaInfo } from './schema-manager.js';

/** Constructor options of {@link MysqlStorage}: the validated datasource options plus behaviour switches. */
export interface MysqlStorageConfig extends MysqlStorageOptions {
  /** Structural pino subset; defaults to a no-op. Master switches are logged at `warn`/`error`. */
  readonly logger?: Logger;
  /** Create missing tables at `open()` (default true). */
  readonly createSchema?: boolean;
  /** Seed `nacos`/`nacos` with `ROLE_ADMIN` when `open()` creates the `users` table (default true, as nacos-mysql.sql). */
  readonly seedAdmin?: boolean;
  /** Expose {@link MysqlStorage.faults} for tests (default false). */
  readonly faultInjection?: boolean;
  /** Retry policy for lost connections (default 3 attempts, 50 ms doubling). */
  readonly retry?: RetryOptions;
}

/**
 * `@reg/storage`'s {@link Storage} on MySQL/MariaDB with Nacos 1.4's schema, shared by every
 * member of a cluster, with Nacos-style multi-datasource failover (see {@link MysqlCluster}).
 */
export class MysqlStorage implements Storage {
  readonly configs: MysqlConfigStore;
  readonly history: MysqlHistoryStore;
  readonly namespaces: MysqlNamespaceStore;
  readonly users: MysqlUserStore;
  readonly roles: MysqlRoleStore;
  readonly permissions: MysqlPermissionStore;
  readonly naming: MysqlNamingStore;
  readonly kv: MysqlKvStore;
  readonly faults?: FaultInjector;
  private readonly cluster: MysqlCluster;
  private readonly config: MysqlStorageConfig;
  private readonly logger: Logger;
  private schemaInfo: SchemaInfo | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;
  private closing: Promise<void> = Promise.resolve();
  private readonly armed = new Set<FaultPoint>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(config: MysqlStorageConfig) {
    validateMysqlOptions(config);
    const r = config.retry;
    if (
      r !== undefined &&
      (!Number.isInteger(r.attempts) ||
        r.attempts < 1 ||
        r.attempts > 10 ||
        !Number.isInteger(r.baseDelayMs) ||
        r.baseDelayMs < 0 ||
        r.baseDelayMs > 10_000)
    ) {
      throw new StorageError(
        'STORAGE_INVALID_ARGUMENT',
        'retry: attempts must be 1..10 and baseDelayMs 0..10000',
      );
    }
    this.config = config;
    this.logger = config.logger ?? noopLogger;
    this.cluster = new MysqlCluster(config, this.logger, config.retry);
    const ctx: StoreContext = {
      cluster: this.cluster,
      // Calls already admitted by the gate below finish even while close() waits for them.
      schema: () => {
        if (this.schemaInfo === undefined) {
          throw new StorageError('STORAGE_CLOSED', 'the MySQL storage is not open (call open())');
        }
        return this.schemaInfo;
      },
      takeFault: (point) => this.armed.delete(point),
    };
    const gate = (): void => {
      if (this.closed) throw new StorageError('STORAGE_CLOSED', 'the MySQL storage is closed');
      ctx.schema();
    };
    // Every store call passes the gate (open, not closed) before it touches the database.
    const open = <T extends object>(store: T): T =>
      new Proxy(store, {
        get: (target, prop, receiver) => {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (prop === 'export') {
              gate();
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            }
            try {
              gate();
            } catch (err) {
              return Promise.reject(err);
            }
            // Tracked so close() can wait for calls in flight.
            const pending = Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args));
            this.inFlight.add(pending);
            const done = (): void => {
              this.inFlight.delete(pending);
            };
            pending.then(done, done);
            return pending;
          };
        },
      });
    this.configs = open(new MysqlConfigStore(ctx));
    this.history = open(new MysqlHistoryStore(ctx));
    this.namespaces = open(new MysqlNamespaceStore(ctx));
    this.users = open(new MysqlUserStore(ctx));
    this.roles = open(new MysqlRoleStore(ctx));
    this.permissions = open(new MysqlPermissionStore(ctx));
    this.naming = open(new MysqlNamingStore(ctx));
    this.kv = open(new MysqlKvStore(ctx));
    if (config.faultInjection === true) {
      this.faults = {
        failNext: (point) => {
          this.armed.add(point);
        },
        clear: () => this.armed.clear(),
      };
    }
  }

  /** See {@link StorageSupports}. `fourByteUtf8` is known after `open()` (false on a Nacos `utf8` database). */
  get supports(): StorageSupports {
    return {
      persistent: true,
      fourByteUtf8: this.schemaInfo?.fourByteUtf8 ?? true,
      faultInjection: this.faults !== undefined,
    };
  }

  /** The schema found or created by `open()`. */
  get schema(): SchemaInfo | undefined {
    return this.schemaInfo;
  }

  /** The current master's name (`#index host:port/db`), or `undefined` while writes are refused. */
  get master(): string | undefined {
    return this.cluster.masterName;
  }

  /** Every datasource's last probe, for `/v1/cs/health`-style reporting. */
  dataSources(): readonly DataSourceStatus[] {
    return this.cluster.status();
  }

  /** Re-probes every datasource now (the periodic check runs every `masterCheckInterval`). */
  recheck(): Promise<void> {
    return this.cluster.probe();
  }

  /**
   * Opens the pools, probes the datasources, then creates or validates the schema on the master
   * (or validates it on a readable source when there is no master). Idempotent.
   */
  open(): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError('STORAGE_CLOSED', 'the MySQL storage is closed'));
    this.opening ??= this.doOpen().catch(async (err: unknown) => {
      this.opening = undefined;
      await this.cluster.close().catch(() => {});
      throw err;
    });
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    await this.cluster.start();
    const ensure = {
      create: this.config.createSchema !== false,
      seedAdmin: this.config.seedAdmin !== false,
      logger: this.logger,
    };
    const info =
      this.cluster.masterName !== undefined
        ? await this.cluster.write('create or validate schema', (sql) => ensureSchema(sql, ensure))
        : await this.cluster.read('validate schema', (sql) =>
            ensureSchema(sql, {
              ...ensure,
              create: false,
              noCreateReason: 'no datasource is a confirmed master to create them on',
            }),
          );
    this.schemaInfo = info;
    this.logger.info(
      { master: this.cluster.masterName ?? null, created: info.created, fourByteUtf8: info.fourByteUtf8 },
      'MySQL storage open',
    );
  }

  /**
   * Refuses new calls (`STORAGE_CLOSED`), waits for the calls in flight to finish, then stops
   * probing and closes every pool. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return this.closing;
    this.closed = true;
    this.closing = (async () => {
      await this.opening?.catch(() => {});
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      await this.cluster.close();
    })();
    return this.closing;
  }
}
