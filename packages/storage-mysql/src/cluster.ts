import type { Logger } from '@reg/storage';
import type { PoolConnection } from 'mysql2/promise';
import { DataSource, type DataSourceStatus } from './datasource.js';
import {
  isConnectionError,
  isDuplicateKey,
  isReadOnlyError,
  isRetryableTxError,
  StorageError,
  toStorageError,
} from './errors.js';
import type { MysqlStorageOptions } from './options.js';

/** A parameterized statement runner bound to one connection (inside or outside a transaction). */
export interface Sql {
  /** Runs one statement with `?` placeholders and returns its rows (or result header). */
  query<T = unknown>(sql: string, params?: readonly unknown[], options?: { timeoutMs?: number }): Promise<T>;
}

/** Retry policy for lost connections. Bounded in count, so a dead database fails fast enough. */
export interface RetryOptions {
  /** Attempts in total, >= 1 (default 3). */
  readonly attempts: number;
  /** First backoff in ms, doubled per attempt (default 50). */
  readonly baseDelayMs: number;
}

const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 50 };

/** How often one write is re-run after a deadlock or a lost insert race before giving up. */
const CONFLICT_ATTEMPTS = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The datasources and the master choice (Nacos' multi-datasource HA, hardened after #2362).
 *
 * - A source is *master-eligible* only when it answers, none of `@@read_only`,
 *   `@@innodb_read_only`, `@@super_read_only` is on, and Nacos' write probe (a DELETE of a row
 *   that never exists) succeeds. A reachable source that is read-only never takes writes.
 * - The master stays master while it is eligible (no needless switches); otherwise the first
 *   eligible source in `db.url.N` order takes over. Every change is logged at `warn`/`error`.
 * - No eligible source: writes fail with `STORAGE_UNAVAILABLE`; reads keep working on any
 *   healthy source.
 * - Reads go to the master when there is one (so a read after an acknowledged write sees it)
 *   and to the other healthy sources otherwise.
 */
export class MysqlCluster {
  readonly sources: readonly DataSource[];
  private readonly options: MysqlStorageOptions;
  private readonly logger: Logger;
  private readonly retry: RetryOptions;
  private master: DataSource | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private closed = false;
  /** Whether a master decision was made yet (the first one is always logged). */
  private decided = false;

  constructor(options: MysqlStorageOptions, logger: Logger, retry: RetryOptions = DEFAULT_RETRY) {
    this.options = options;
    this.logger = logger;
    this.retry = retry;
    this.sources = options.dataSources.map((ds) => new DataSource(ds));
  }

  /** Opens the pools, runs the first probe and starts the periodic re-check (`masterCheckInterval`). */
  async start(): Promise<void> {
    // A failed open() closed everything; a later open() starts afresh.
    this.closed = false;
    this.decided = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const s of this.sources) s.open(this.options.pool);
    await this.probe();
    this.timer = setInterval(() => {
      this.probe().catch((err: unknown) => this.logger.error({ err }, 'master probe crashed'));
    }, this.options.masterCheckInterval);
    this.timer.unref();
  }

  /** The current master's name, or `undefined` when no source is a confirmed master. */
  get masterName(): string | undefined {
    return this.master?.name;
  }

  /** Every source's last probe result, in `db.url.N` order. */
  status(): readonly DataSourceStatus[] {
    return this.sources.map((s) => s.lastStatus);
  }

  /**
   * Probes every source now and re-decides the master. Concurrent calls share one probe.
   * Resolves when the decision is made; never rejects for a failing source.
   */
  probe(): Promise<void> {
    if (this.probing !== undefined) return this.probing;
    this.probing = this.runProbe().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private async runProbe(): Promise<void> {
    if (this.closed) return;
    const results = await Promise.all(this.sources.map((s) => s.probe(this.options.pool.validationTimeout)));
    if (this.closed) return;
    for (const r of results) {
      if (!r.healthy) this.logger.warn({ source: r.name, reason: r.reason }, 'datasource unhealthy');
    }
    const previous = this.master;
    const next = previous?.lastStatus.writable ? previous : this.sources.find((s) => s.lastStatus.writable);
    this.setMaster(
      next,
      previous === undefined || previous.lastStatus.writable ? 'probe' : previous.lastStatus.reason,
    );
  }

  private setMaster(next: DataSource | undefined, reason: string): void {
    const previous = this.master;
    const first = !this.decided;
    this.decided = true;
    // The very first decision is logged even when it is "no master": an operator must see it.
    if (previous === next && !(first && next === undefined)) return;
    this.master = next;
    if (next === undefined) {
      this.logger.error(
        { from: previous?.name, reason, sources: this.status() },
        'NO MYSQL MASTER: writes are refused until a datasource passes the master checks',
      );
    } else {
      this.logger.warn({ from: previous?.name ?? null, to: next.name, reason }, 'MYSQL MASTER SWITCH');
    }
  }

  private requireOpen(): void {
    if (this.closed) throw new StorageError('STORAGE_CLOSED', 'the MySQL storage is closed');
  }

  private sql(conn: PoolConnection): Sql {
    const timeout = this.options.queryTimeout;
    return {
      query: async <T>(
        sql: string,
        params: readonly unknown[] = [],
        options: { timeoutMs?: number } = {},
      ): Promise<T> => {
        const [rows] = await conn.query({ sql, timeout: options.timeoutMs ?? timeout }, params as unknown[]);
        return rows as T;
      },
    };
  }

  /**
   * Runs a read on the master, or on any healthy source when there is none. A lost connection
   * is retried with backoff on the next candidate; after the last attempt it is `STORAGE_IO`.
   */
  async read<T>(what: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
    this.requireOpen();
    let lastErr: unknown;
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      if (attempt > 0) await sleep(this.retry.baseDelayMs * 2 ** (attempt - 1));
      this.requireOpen();
      const candidates = this.readCandidates();
      const source = candidates[attempt % Math.max(candidates.length, 1)];
      if (source === undefined) {
        lastErr = new StorageError(
          'STORAGE_UNAVAILABLE',
          `${what}: no healthy MySQL datasource (${this.describeSources()})`,
        );
        // Wait for the probe (bounded by the validation timeout) so the next attempt sees a source
        // that came back, instead of failing every attempt while the probe is still running.
        await this.probe();
        continue;
      }
      let conn: PoolConnection | undefined;
      try {
        conn = await source.acquire(this.options.pool.connectionTimeout);
        const result = await fn(this.sql(conn));
        conn.release();
        return result;
      } catch (err) {
        if (conn !== undefined) {
          if (isConnectionError(err)) conn.destroy();
          else conn.release();
        }
        if (!isConnectionError(err)) throw toStorageError(err, what, source.name);
        lastErr = err;
        source.markDown(`connection lost: ${(err as { code?: string }).code ?? 'error'}`);
        this.logger.warn(
          { source: source.name, attempt: attempt + 1, err },
          'read retried after connection loss',
        );
        if (source === this.master) this.setMaster(undefined, 'master connection lost');
        void this.probe();
      }
    }
    throw toStorageError(lastErr, `${what} (after ${this.retry.attempts} attempts)`);
  }

  private readCandidates(): DataSource[] {
    const healthy = this.sources.filter((s) => s.lastStatus.healthy && s !== this.master);
    return this.master === undefined ? healthy : [this.master, ...healthy];
  }

  private describeSources(): string {
    return this.sources.map((s) => `${s.name}: ${s.lastStatus.reason || 'ok'}`).join('; ');
  }

  /**
   * Runs `fn` in one transaction on the master. Deadlocks, lock-wait timeouts and duplicate
   * keys from racing inserts (all rolled back by the server) are retried up to
   * {@link CONFLICT_ATTEMPTS} times; a connection lost *before* COMMIT was sent is retried with
   * backoff (nothing landed). A connection lost *during* COMMIT is `STORAGE_IO` saying the
   * outcome is unknown: retrying could apply the change twice. No master: `STORAGE_UNAVAILABLE`,
   * nothing written. `retry: false` turns every retry off (for a source that cannot be replayed).
   */
  async write<T>(what: string, fn: (sql: Sql) => Promise<T>, options: { retry?: boolean } = {}): Promise<T> {
    this.requireOpen();
    const retry = options.retry !== false;
    let lastErr: unknown;
    let connectionAttempts = 0;
    let conflictAttempts = 0;
    for (;;) {
      this.requireOpen();
      const master = this.master;
      if (master === undefined) {
        throw new StorageError(
          'STORAGE_UNAVAILABLE',
          `${what}: no MySQL datasource is a confirmed master (${this.describeSources()})`,
          {
            ...(lastErr === undefined ? {} : { cause: lastErr }),
          },
        );
      }
      let conn: PoolConnection | undefined;
      let committing = false;
      try {
        conn = await master.acquire(this.options.pool.connectionTimeout);
        await conn.beginTransaction();
        const result = await fn(this.sql(conn));
        committing = true;
        await conn.commit();
        conn.release();
        return result;
      } catch (err) {
        if (conn !== undefined) {
          if (isConnectionError(err)) {
            conn.destroy();
          } else {
            try {
              await conn.rollback();
              conn.release();
            } catch {
              conn.destroy();
            }
          }
        }
        if (isConnectionError(err)) {
          master.markDown(`connection lost: ${(err as { code?: string }).code ?? 'error'}`);
          this.setMaster(undefined, `connection to ${master.name} lost`);
          if (committing) {
            void this.probe();
            throw new StorageError(
              'STORAGE_IO',
              `${what}: connection to ${master.name} lost during COMMIT; the outcome is unknown`,
              {
                cause: err,
                location: master.name,
              },
            );
          }
          lastErr = err;
          connectionAttempts++;
          if (!retry || connectionAttempts >= this.retry.attempts) {
            void this.probe();
            throw toStorageError(
              err,
              `${what} (connection lost after ${connectionAttempts} attempt(s); nothing was written)`,
              master.name,
            );
          }
          this.logger.warn(
            { source: master.name, attempt: connectionAttempts, err },
            'write retried after connection loss',
          );
          await sleep(this.retry.baseDelayMs * 2 ** (connectionAttempts - 1));
          await this.probe();
          continue;
        }
        if (isReadOnlyError(err)) {
          // The master stopped taking writes between probes (read_only switched on, grant revoked).
          master.markDown(`write refused: ${(err as { code?: string }).code ?? 'error'}`, true);
          this.setMaster(undefined, `${master.name} refused a write`);
          void this.probe();
          throw toStorageError(err, what, master.name);
        }
        if (
          retry &&
          (isRetryableTxError(err) || isDuplicateKey(err)) &&
          conflictAttempts < CONFLICT_ATTEMPTS
        ) {
          conflictAttempts++;
          lastErr = err;
          // Small random backoff: racing writers of one key spread out instead of colliding again.
          await sleep(Math.floor(Math.random() * 5 * conflictAttempts));
          continue;
        }
        throw toStorageError(err, what, master.name);
      }
    }
  }

  /**
   * A connection of its own (the master, else a healthy source) for a multi-statement read
   * session such as a consistent export. The caller must call `release()` exactly once.
   */
  async session(what: string): Promise<{ sql: Sql; release: () => void }> {
    this.requireOpen();
    const source = this.readCandidates()[0];
    if (source === undefined)
      throw new StorageError(
        'STORAGE_UNAVAILABLE',
        `${what}: no healthy MySQL datasource (${this.describeSources()})`,
      );
    let conn: PoolConnection;
    try {
      conn = await source.acquire(this.options.pool.connectionTimeout);
    } catch (err) {
      throw toStorageError(err, what, source.name);
    }
    let released = false;
    const inner = this.sql(conn);
    return {
      sql: {
        query: async <T>(
          sql: string,
          params?: readonly unknown[],
          options?: { timeoutMs?: number },
        ): Promise<T> => {
          try {
            return await inner.query<T>(sql, params, options);
          } catch (err) {
            throw toStorageError(err, what, source.name);
          }
        },
      },
      release: () => {
        if (released) return;
        released = true;
        // A session may end mid-transaction (an abandoned export): never return that to the pool.
        conn.destroy();
      },
    };
  }

  /** Stops probing and closes every pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.probing?.catch(() => {});
    await Promise.all(this.sources.map((s) => s.close()));
    this.master = undefined;
  }
}
