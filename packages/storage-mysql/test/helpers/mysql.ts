import { randomBytes } from 'node:crypto';
import { type Connection, createConnection } from 'mysql2/promise';
import { type MysqlStorageOptions, parseMysqlUrl } from '../../src/options.js';

/** Where the test server is: `REG_MYSQL_URL` or MariaDB's default root@127.0.0.1:3306. */
export const server = parseMysqlUrl(process.env.REG_MYSQL_URL ?? 'mysql://root:@127.0.0.1:3306');

const HOW =
  'start MariaDB on 127.0.0.1:3306 (root, empty password) or set REG_MYSQL_URL=mysql://user:pass@host:port';

/** Connects as the admin user (no database selected). */
export function adminConnection(): Promise<Connection> {
  return createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    connectTimeout: 2000,
  });
}

async function probe(): Promise<string | undefined> {
  try {
    const conn = await adminConnection();
    await conn.end();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

const failure = await probe();
if (failure !== undefined) {
  if (process.env.REG_MYSQL_REQUIRED === '1') {
    throw new Error(
      `MySQL unreachable at ${server.host}:${server.port} (${failure}) and REG_MYSQL_REQUIRED=1: ${HOW}`,
    );
  }
  console.warn(
    `[storage-mysql] skipping MySQL tests: ${server.host}:${server.port} unreachable (${failure}); to run them ${HOW}`,
  );
}

/** True when the server answers; test files use `describe.skipIf(!mysqlAvailable)`. */
export const mysqlAvailable = failure === undefined;

/** A fresh database `reg_t_<random>` created for one test file; `drop()` removes it (and its users). */
export interface TestDatabase {
  readonly name: string;
  /** Options of a storage over this database (one datasource, admin user, fast probes). */
  options(overrides?: Partial<MysqlStorageOptions>): MysqlStorageOptions;
  /** Creates a user `reg_t_<random>` with the given grant on this database; dropped with it. */
  createUser(privileges: string): Promise<{ user: string; password: string }>;
  /** Runs admin SQL against this database. */
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
  drop(): Promise<void>;
}

/** Creates a fresh database for a test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `reg_t_${randomBytes(6).toString('hex')}`;
  const admin = await adminConnection();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.query(`USE \`${name}\``);
  const users: string[] = [];
  return {
    name,
    options: (overrides = {}) => ({
      dataSources: [
        {
          index: 0,
          host: server.host,
          port: server.port,
          database: name,
          user: server.user,
          password: server.password,
          connectTimeout: 2000,
          timezone: 'local',
          ssl: false,
          url: `jdbc:mysql://${server.host}:${server.port}/${name}`,
        },
      ],
      pool: {
        maximumPoolSize: 8,
        minimumIdle: 1,
        connectionTimeout: 5000,
        validationTimeout: 2000,
        idleTimeout: 60_000,
      },
      queryTimeout: 10_000,
      masterCheckInterval: 60_000,
      ...overrides,
    }),
    createUser: async (privileges) => {
      const user = `reg_t_${randomBytes(5).toString('hex')}`;
      const password = randomBytes(12).toString('hex');
      // Identifiers cannot be bound; both are generated here from hex, never from input.
      await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
      await admin.query(`CREATE USER '${user}'@'localhost' IDENTIFIED BY '${password}'`);
      await admin.query(`GRANT ${privileges} ON \`${name}\`.* TO '${user}'@'%'`);
      await admin.query(`GRANT ${privileges} ON \`${name}\`.* TO '${user}'@'localhost'`);
      users.push(user);
      return { user, password };
    },
    query: async <T>(sql: string, params: unknown[] = []) => {
      const [rows] = await admin.query(sql, params);
      return rows as T;
    },
    drop: async () => {
      for (const user of users) {
        await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
        await admin.query(`DROP USER IF EXISTS '${user}'@'localhost'`);
      }
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
