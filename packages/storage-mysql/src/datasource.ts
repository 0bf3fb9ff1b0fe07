import {
  type Connection,
  createConnection,
  createPool,
  type Pool,
  type PoolConnection,
} from 'mysql2/promise';
import { describeDriverError, isReadOnlyError, StorageError } from './errors.js';
import type { DataSourceOptions, PoolOptions } from './options.js';
import { MASTER_PROBE_DATA_ID } from './schema.js';

/** What the last probe learnt about one datasource. */
export interface DataSourceStatus {
  /** `#index host:port/database`, for logs and errors. */
  readonly name: string;
  /** Answered `SELECT 1` on the last probe. */
  readonly healthy: boolean;
  /**
   * Passed every master check on the last probe: `@@read_only`, `@@innodb_read_only` and
   * `@@super_read_only` (where the server has them) are off, and the write probe succeeded.
   */
  readonly writable: boolean;
  /** Why it is unhealthy or not writable, `''` when it is both. */
  readonly reason: string;
  /** ms since the epoch of the last probe, 0 before the first. */
  readonly checkedAt: number;
}

/** Variables that make a server refuse writes. Absent ones (MariaDB has no super_read_only) are skipped. */
const READ_ONLY_VARIABLES = ['read_only', 'innodb_read_only', 'super_read_only'] as const;

/**
 * One datasource: a mysql2 pool and what the last probe found. The pool is created lazily by
 * {@link DataSource.open} and never reconnects on its own beyond mysql2's per-connection logic.
 */
export class DataSource {
  readonly options: DataSourceOptions;
  readonly name: string;
  private pool: Pool | undefined;
  private status: DataSourceStatus;
  /** The server does not log statements (binlog_format is not STATEMENT), so READ COMMITTED is allowed. Learnt by the first probe. */
  private rowLogging = false;

  constructor(options: DataSourceOptions) {
    this.options = options;
    this.name = `#${options.index} ${options.host}:${options.port}/${options.database}`;
    this.status = {
      name: this.name,
      healthy: false,
      writable: false,
      reason: 'not probed yet',
      checkedAt: 0,
    };
  }

  /** The last probe's result. */
  get lastStatus(): DataSourceStatus {
    return this.status;
  }

  /** Creates the pool (no connection is made until first use). */
  open(pool: PoolOptions): void {
    if (this.pool !== undefined) return;
    const o = this.options;
    this.pool = createPool({
      host: o.host,
      port: o.port,
      user: o.user,
      password: o.password,
      database: o.database,
      connectTimeout: o.connectTimeout,
      timezone: o.timezone,
      ...(o.ssl ? { ssl: {} } : {}),
      charset: 'utf8mb4',
      connectionLimit: pool.maximumPoolSize,
      maxIdle: Math.max(pool.minimumIdle, 1),
      idleTimeout: pool.idleTimeout,
      waitForConnections: true,
      queueLimit: 0,
      enableKeepAlive: true,
      // Never allow `a; b` in one call: a second line of defence behind parameterized queries.
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: false,
      dateStrings: false,
    });
    // Strict mode per session (never SET GLOBAL): a value that does not fit is an error, not a
    // silent truncation that would store something other than what was acknowledged.
    // READ COMMITTED per session: a `SELECT ... FOR UPDATE` of a key that does not exist yet
    // takes no gap lock, so concurrent first publishes of nearby keys do not deadlock each other;
    // two inserts of the same key still collide on the unique key and the loser is re-run.
    this.pool.pool.on('connection', (conn) => {
      conn.query("SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES')", () => {});
      // Not with statement-based binary logging: InnoDB refuses writes in READ COMMITTED there.
      if (this.rowLogging) conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', () => {});
    });
  }

  /**
   * A pooled connection, or a `STORAGE_IO` error after `timeoutMs`. A connection that arrives
   * after the timeout is released at once, so a slow pool never leaks.
   */
  async acquire(timeoutMs: number): Promise<PoolConnection> {
    const pool = this.pool;
    if (pool === undefined) throw new StorageError('STORAGE_CLOSED', `datasource ${this.name} is closed`);
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const pending = pool.getConnection();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        const err = Object.assign(new Error(`no connection from ${this.name} within ${timeoutMs} ms`), {
          code: 'REG_ACQUIRE_TIMEOUT',
        });
        reject(err);
      }, timeoutMs);
    });
    pending.then(
      (conn) => {
        if (timedOut) conn.release();
      },
      () => {},
    );
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Probes health and writability. Never throws: failures become the status. Uses a fresh
   * connection, not a pooled one: privilege changes (a revoked grant) apply to new sessions, and
   * a new connection is what a failover needs to work.
   */
  async probe(timeoutMs: number): Promise<DataSourceStatus> {
    const checkedAt = Date.now();
    if (this.pool === undefined) {
      this.status = { name: this.name, healthy: false, writable: false, reason: 'closed', checkedAt };
      return this.status;
    }
    const o = this.options;
    let conn: Connection;
    try {
      conn = await createConnection({
        host: o.host,
        port: o.port,
        user: o.user,
        password: o.password,
        database: o.database,
        connectTimeout: Math.min(timeoutMs, o.connectTimeout),
        timezone: o.timezone,
        ...(o.ssl ? { ssl: {} } : {}),
        charset: 'utf8mb4',
      });
    } catch (err) {
      this.status = {
        name: this.name,
        healthy: false,
        writable: false,
        reason: `unreachable: ${describeDriverError(err)}`,
        checkedAt,
      };
      return this.status;
    }
    conn.on('error', () => {});
    try {
      await conn.query({ sql: 'SELECT 1', timeout: timeoutMs });
      const [fmt] = await conn.query({ sql: 'SELECT @@global.binlog_format AS f', timeout: timeoutMs });
      this.rowLogging = String((fmt as Array<{ f: unknown }>)[0]?.f ?? '').toUpperCase() !== 'STATEMENT';
      for (const variable of READ_ONLY_VARIABLES) {
        let value: unknown;
        try {
          const [rows] = await conn.query({ sql: `SELECT @@global.${variable} AS v`, timeout: timeoutMs });
          value = (rows as Array<{ v: unknown }>)[0]?.v;
        } catch (err) {
          // ER_UNKNOWN_SYSTEM_VARIABLE: this server has no such switch (MariaDB: super_read_only).
          if ((err as { code?: string }).code === 'ER_UNKNOWN_SYSTEM_VARIABLE') continue;
          throw err;
        }
        if (value === 1 || value === '1' || value === 'ON' || value === true) {
          this.status = {
            name: this.name,
            healthy: true,
            writable: false,
            reason: `@@${variable} is on`,
            checkedAt,
          };
          return this.status;
        }
      }
      try {
        // Nacos' write probe: deletes a row that never exists, so it needs DELETE privilege and a
        // writable server but changes nothing.
        await conn.query({ sql: 'DELETE FROM config_info WHERE data_id = ?', timeout: timeoutMs }, [
          MASTER_PROBE_DATA_ID,
        ]);
      } catch (err) {
        if (isReadOnlyError(err)) {
          this.status = {
            name: this.name,
            healthy: true,
            writable: false,
            reason: `write probe refused: ${describeDriverError(err)}`,
            checkedAt,
          };
          return this.status;
        }
        // A fresh database without Nacos' tables: not read-only (checked above), so it may take
        // writes; open() then creates the schema there, which fails clearly without privileges.
        if ((err as { code?: string }).code !== 'ER_NO_SUCH_TABLE') throw err;
      }
      this.status = { name: this.name, healthy: true, writable: true, reason: '', checkedAt };
      return this.status;
    } catch (err) {
      this.status = {
        name: this.name,
        healthy: false,
        writable: false,
        reason: `probe failed: ${describeDriverError(err)}`,
        checkedAt,
      };
      return this.status;
    } finally {
      conn.destroy();
    }
  }

  /** Marks the source unusable until the next probe (after a connection loss or a refused write). */
  markDown(reason: string, writableOnly = false): void {
    this.status = {
      ...this.status,
      healthy: writableOnly ? this.status.healthy : false,
      writable: false,
      reason,
    };
  }

  /** Closes the pool; in-flight queries finish or fail. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool !== undefined) await pool.end();
  }
}
