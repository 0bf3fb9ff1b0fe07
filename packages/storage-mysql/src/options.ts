import { StorageError } from './errors.js';

/** Connection settings of one datasource, parsed from `db.url.N`, `db.user[.N]`, `db.password[.N]`. */
export interface DataSourceOptions {
  /** `db.url.N` index; also the probing order (lower first, as Nacos). */
  readonly index: number;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  /** Connect timeout in ms (JDBC `connectTimeout`, else the pool's `connectionTimeout`). */
  readonly connectTimeout: number;
  /** mysql2 `timezone` for DATETIME columns: `'local'`, `'Z'` or `'+hh:mm'` (JDBC `serverTimezone`). */
  readonly timezone: string;
  /** JDBC `useSSL=true`: connect with TLS. */
  readonly ssl: boolean;
  /** The URL as given, with nothing secret in it (passwords are separate keys). For logs. */
  readonly url: string;
}

/** Pool settings, Nacos' `db.pool.config.*` (HikariCP names) with Nacos' defaults. */
export interface PoolOptions {
  /** `maximumPoolSize` (20): connections per datasource. Invariant: >= 1. */
  readonly maximumPoolSize: number;
  /** `minimumIdle` (2): idle connections kept open. Invariant: <= maximumPoolSize. */
  readonly minimumIdle: number;
  /** `connectionTimeout` (30000 ms): longest wait to obtain a connection. */
  readonly connectionTimeout: number;
  /** `validationTimeout` (10000 ms): longest a health or master probe may take. */
  readonly validationTimeout: number;
  /** `idleTimeout` (600000 ms): an idle connection above `minimumIdle` is closed after it. */
  readonly idleTimeout: number;
}

/** Validated options of {@link MysqlStorage}, from {@link parseMysqlProperties} or written directly. */
export interface MysqlStorageOptions {
  /** At least one; `db.num` of them. */
  readonly dataSources: readonly DataSourceOptions[];
  readonly pool: PoolOptions;
  /** Statement timeout in ms (Nacos' `QUERYTIMEOUT`, 3000). */
  readonly queryTimeout: number;
  /** Master re-check period in ms (`db.master.check.interval`, 10000 as Nacos). */
  readonly masterCheckInterval: number;
}

const POOL_DEFAULTS: PoolOptions = {
  maximumPoolSize: 20,
  minimumIdle: 2,
  connectionTimeout: 30_000,
  validationTimeout: 10_000,
  idleTimeout: 600_000,
};

/** Hard bounds so a typo cannot open thousands of connections or wait for days. */
const LIMITS = {
  maximumPoolSize: [1, 1000],
  minimumIdle: [0, 1000],
  connectionTimeout: [250, 600_000],
  validationTimeout: [250, 600_000],
  idleTimeout: [1000, 86_400_000],
  queryTimeout: [100, 3_600_000],
  masterCheckInterval: [100, 3_600_000],
  'db.num': [1, 16],
} as const;

function bad(key: string, message: string): StorageError {
  return new StorageError('STORAGE_INVALID_ARGUMENT', `${key}: ${message}`, { location: key });
}

function intIn(key: string, raw: string, [min, max]: readonly [number, number]): number {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) throw bad(key, `expected a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(text);
  if (n < min || n > max) throw bad(key, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** The parts of a JDBC MySQL URL, see {@link parseJdbcUrl}. */
export interface JdbcUrl {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** Query parameters, names as given. */
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Parses `jdbc:mysql://host[:port]/database[?k=v&...]` (also `jdbc:mariadb:`, IPv6 as `[::1]`).
 * Throws `STORAGE_INVALID_ARGUMENT` naming `key` for anything else, including multi-host URLs.
 */
export function parseJdbcUrl(key: string, raw: string): JdbcUrl {
  const text = raw.trim();
  const m =
    /^jdbc:(?:mysql|mariadb):\/\/(\[[0-9a-fA-F:.]+\]|[^/:?#,[\]@]+)(?::(\d+))?\/([^?#/]+)(?:\?([^#]*))?$/.exec(
      text,
    );
  if (m === null) {
    throw bad(key, `expected jdbc:mysql://host[:port]/database[?params], got ${JSON.stringify(raw)}`);
  }
  const hostPart = m[1] ?? '';
  const host = hostPart.startsWith('[') ? hostPart.slice(1, -1) : hostPart;
  const port = m[2] === undefined ? 3306 : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw bad(key, `port must be 1..65535, got ${m[2]}`);
  let database: string;
  try {
    database = decodeURIComponent(m[3] ?? '');
  } catch (cause) {
    throw new StorageError(
      'STORAGE_INVALID_ARGUMENT',
      `${key}: database name is not valid percent-encoding`,
      { cause, location: key },
    );
  }
  if (database === '' || database.length > 64 || database.includes('\0')) {
    throw bad(key, 'database name must be 1..64 characters without NUL');
  }
  const params = new Map<string, string>();
  for (const pair of (m[4] ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      params.set(decodeURIComponent(name), decodeURIComponent(value));
    } catch (cause) {
      throw new StorageError(
        'STORAGE_INVALID_ARGUMENT',
        `${key}: parameter ${JSON.stringify(name)} is not valid percent-encoding`,
        {
          cause,
          location: key,
        },
      );
    }
  }
  return { host, port, database, params };
}

/** JDBC `serverTimezone` to mysql2 `timezone`: UTC/GMT → `Z`, `GMT+8`/`+08:00` → `+08:00`, absent → `local`. */
function timezoneOf(value: string | undefined): string {
  if (value === undefined || value === '') return 'local';
  if (/^(UTC|GMT|Z|Etc\/UTC)$/i.test(value)) return 'Z';
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(value);
  if (m !== null) {
    const hours = Number(m[2]);
    const minutes = Number(m[3] ?? '0');
    if (hours <= 14 && minutes < 60)
      return `${m[1]}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  }
  // Named zones (Asia/Shanghai) have no fixed offset; the process' own zone is what Nacos' JVM
  // would use when it runs in that zone, so fall back to it rather than guess.
  return 'local';
}

function booleanParam(key: string, name: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw bad(key, `parameter ${name} must be true or false, got ${JSON.stringify(value)}`);
}

/**
 * Turns Nacos' datasource properties into validated {@link MysqlStorageOptions}.
 *
 * Reads `spring.datasource.platform` (must be `mysql`), `db.num`, `db.url.N`, `db.user[.N]`,
 * `db.password[.N]` (index N falls back to the unindexed key, then to index 0, as Nacos),
 * `db.pool.config.{maximumPoolSize,minimumIdle,connectionTimeout,validationTimeout,idleTimeout}`,
 * `db.query.timeout` (or Nacos' `QUERYTIMEOUT`, seconds) and `db.master.check.interval` (ms).
 * Every failure is a `StorageError` `STORAGE_INVALID_ARGUMENT` whose message starts with the key.
 */
export function parseMysqlProperties(
  props: Readonly<Record<string, string | undefined>> | ReadonlyMap<string, string>,
): MysqlStorageOptions {
  const get = (key: string): string | undefined => {
    const v =
      props instanceof Map ? props.get(key) : (props as Readonly<Record<string, string | undefined>>)[key];
    return v === undefined ? undefined : String(v);
  };
  const platform = get('spring.datasource.platform');
  if (platform === undefined || platform.trim() === '') {
    throw bad('spring.datasource.platform', 'must be "mysql" to use MySQL storage (it is unset)');
  }
  if (platform.trim().toLowerCase() !== 'mysql') {
    throw bad(
      'spring.datasource.platform',
      `must be "mysql" to use MySQL storage, got ${JSON.stringify(platform)}`,
    );
  }
  const numRaw = get('db.num');
  if (numRaw === undefined) throw bad('db.num', 'is required (the number of db.url.N entries)');
  const num = intIn('db.num', numRaw, LIMITS['db.num']);

  const poolInt = (name: keyof PoolOptions): number => {
    const key = `db.pool.config.${name}`;
    const raw = get(key);
    return raw === undefined ? POOL_DEFAULTS[name] : intIn(key, raw, LIMITS[name]);
  };
  const pool: PoolOptions = {
    maximumPoolSize: poolInt('maximumPoolSize'),
    minimumIdle: poolInt('minimumIdle'),
    connectionTimeout: poolInt('connectionTimeout'),
    validationTimeout: poolInt('validationTimeout'),
    idleTimeout: poolInt('idleTimeout'),
  };
  if (pool.minimumIdle > pool.maximumPoolSize) {
    throw bad(
      'db.pool.config.minimumIdle',
      `must not exceed maximumPoolSize (${pool.maximumPoolSize}), got ${pool.minimumIdle}`,
    );
  }

  const dataSources: DataSourceOptions[] = [];
  for (let i = 0; i < num; i++) {
    const urlKey = `db.url.${i}`;
    const url = get(urlKey);
    if (url === undefined || url.trim() === '') throw bad(urlKey, `is required because db.num is ${num}`);
    const jdbc = parseJdbcUrl(urlKey, url);
    const user = get(`db.user.${i}`) ?? get('db.user') ?? get('db.user.0');
    if (user === undefined || user.trim() === '')
      throw bad(`db.user.${i}`, 'is required (or db.user for every datasource)');
    if (user.length > 80) throw bad(`db.user.${i}`, 'is longer than 80 characters');
    const password = get(`db.password.${i}`) ?? get('db.password') ?? get('db.password.0') ?? '';
    const jdbcTimeout = jdbc.params.get('connectTimeout');
    dataSources.push({
      index: i,
      host: jdbc.host,
      port: jdbc.port,
      database: jdbc.database,
      user: user.trim(),
      password,
      connectTimeout:
        jdbcTimeout === undefined
          ? pool.connectionTimeout
          : intIn(`${urlKey} connectTimeout`, jdbcTimeout, [250, 600_000]),
      timezone: timezoneOf(jdbc.params.get('serverTimezone')),
      ssl: booleanParam(urlKey, 'useSSL', jdbc.params.get('useSSL')),
      url: url.trim(),
    });
  }

  const qtKey = get('db.query.timeout') !== undefined ? 'db.query.timeout' : 'QUERYTIMEOUT';
  const qtRaw = get(qtKey);
  // Nacos' QUERYTIMEOUT is in seconds; db.query.timeout is ours, in ms like every other key here.
  const queryTimeout =
    qtRaw === undefined
      ? 3000
      : qtKey === 'QUERYTIMEOUT'
        ? intIn(qtKey, qtRaw, [1, 3600]) * 1000
        : intIn(qtKey, qtRaw, LIMITS.queryTimeout);
  const mcRaw = get('db.master.check.interval');
  const masterCheckInterval =
    mcRaw === undefined ? 10_000 : intIn('db.master.check.interval', mcRaw, LIMITS.masterCheckInterval);
  return Object.freeze({
    dataSources: Object.freeze(dataSources),
    pool: Object.freeze(pool),
    queryTimeout,
    masterCheckInterval,
  });
}

/**
 * Parses `mysql://user:pass@host:port[/database]` (the `REG_MYSQL_URL` form used by tests and
 * benches) into connection parts. The database defaults to `''` (none selected).
 */
export function parseMysqlUrl(raw: string): {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
} {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new StorageError('STORAGE_INVALID_ARGUMENT', `REG_MYSQL_URL: not a URL: ${JSON.stringify(raw)}`, {
      cause,
    });
  }
  if (url.protocol !== 'mysql:')
    throw bad('REG_MYSQL_URL', `expected mysql://user:pass@host:port, got ${JSON.stringify(raw)}`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
  };
}

/**
 * Checks options written by hand (not from {@link parseMysqlProperties}) with the same bounds.
 * `MysqlStorage`'s constructor calls it. Throws `STORAGE_INVALID_ARGUMENT` naming the field.
 */
export function validateMysqlOptions(options: MysqlStorageOptions): void {
  if (typeof options !== 'object' || options === null) throw bad('options', 'must be an object');
  const inRange = (field: string, value: unknown, [min, max]: readonly [number, number]): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw bad(field, `must be an integer between ${min} and ${max}, got ${String(value)}`);
    }
  };
  if (!Array.isArray(options.dataSources) || options.dataSources.length === 0)
    throw bad('dataSources', 'needs at least one datasource');
  inRange('dataSources.length', options.dataSources.length, LIMITS['db.num']);
  options.dataSources.forEach((ds, i) => {
    const f = `dataSources[${i}]`;
    if (typeof ds !== 'object' || ds === null) throw bad(f, 'must be an object');
    if (typeof ds.host !== 'string' || ds.host === '') throw bad(`${f}.host`, 'must be a non-empty string');
    inRange(`${f}.port`, ds.port, [1, 65535]);
    if (typeof ds.database !== 'string' || ds.database === '' || ds.database.length > 64)
      throw bad(`${f}.database`, 'must be 1..64 characters');
    if (typeof ds.user !== 'string' || ds.user === '') throw bad(`${f}.user`, 'must be a non-empty string');
    if (typeof ds.password !== 'string') throw bad(`${f}.password`, 'must be a string');
    inRange(`${f}.connectTimeout`, ds.connectTimeout, [250, 600_000]);
  });
  const p = options.pool;
  if (typeof p !== 'object' || p === null) throw bad('pool', 'must be an object');
  for (const k of [
    'maximumPoolSize',
    'minimumIdle',
    'connectionTimeout',
    'validationTimeout',
    'idleTimeout',
  ] as const) {
    inRange(`pool.${k}`, p[k], LIMITS[k]);
  }
  if (p.minimumIdle > p.maximumPoolSize) throw bad('pool.minimumIdle', 'must not exceed maximumPoolSize');
  inRange('queryTimeout', options.queryTimeout, LIMITS.queryTimeout);
  inRange('masterCheckInterval', options.masterCheckInterval, LIMITS.masterCheckInterval);
}
