import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const url = new URL(process.env.REG_MYSQL_URL ?? 'mysql://root:@127.0.0.1:3306');
const HOW =
  'start MariaDB on 127.0.0.1:3306 (root, empty password, `mysql` client on PATH) or set REG_MYSQL_URL=mysql://user:pass@host:port';

/** Runs SQL through the `mysql` command-line client (no driver dependency in this workspace); rows as tab-separated lines. */
async function sql(statement: string, database?: string): Promise<string[]> {
  const args = [
    '-h',
    url.hostname,
    '-P',
    url.port || '3306',
    '-u',
    decodeURIComponent(url.username),
    '--batch',
    '--skip-column-names',
  ];
  if (url.password) args.push(`-p${decodeURIComponent(url.password)}`);
  if (database) args.push(database);
  args.push('-e', statement);
  const { stdout } = await run('mysql', args, { timeout: 10_000 });
  return stdout.split('\n').filter((line) => line !== '');
}

export interface TestDatabase {
  /** The registry's datasource properties. */
  readonly properties: Record<string, string>;
  /** SQL against this database, for checking what the registry wrote. */
  query(statement: string): Promise<string[]>;
  drop(): Promise<void>;
}

/**
 * A throwaway database for one test file, or undefined (with a printed reason) when MySQL is not
 * reachable, unless REG_MYSQL_REQUIRED=1, which turns that into a failure.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase | undefined> {
  try {
    await sql('SELECT 1');
  } catch (err) {
    if (process.env.REG_MYSQL_REQUIRED === '1')
      throw new Error(`MySQL unreachable and REG_MYSQL_REQUIRED=1: ${HOW}`);
    console.warn(
      `[${label}] skipping the MySQL tests: ${(err as Error).message.split('\n')[0]}; to run them ${HOW}`,
    );
    return undefined;
  }
  const database = `reg_sec_${randomBytes(6).toString('hex')}`;
  await sql(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  return {
    properties: {
      'spring.datasource.platform': 'mysql',
      'db.num': '1',
      'db.url.0': `jdbc:mysql://${url.hostname}:${url.port || 3306}/${database}?characterEncoding=utf8`,
      'db.user': decodeURIComponent(url.username),
      'db.password': decodeURIComponent(url.password),
    },
    query: (statement) => sql(statement, database),
    drop: async () => {
      await sql(`DROP DATABASE IF EXISTS \`${database}\``);
    },
  };
}
