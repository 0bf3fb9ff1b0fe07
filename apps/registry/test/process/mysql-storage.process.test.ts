import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningProcess, runRegistry, stop, waitForOk } from './registry-process.js';

// MariaDB as DEVELOPERS.md describes it; REG_MYSQL_URL points elsewhere.
const url = new URL(process.env.REG_MYSQL_URL ?? 'mysql://root:@127.0.0.1:3306');
const HOW =
  'start MariaDB on 127.0.0.1:3306 (root, empty password) or set REG_MYSQL_URL=mysql://user:pass@host:port';

async function connect(): Promise<Connection | undefined> {
  try {
    return await createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      connectTimeout: 2000,
    });
  } catch (err) {
    if (process.env.REG_MYSQL_REQUIRED === '1')
      throw new Error(`MySQL unreachable and REG_MYSQL_REQUIRED=1: ${HOW}`);
    console.warn(`[registry] skipping the MySQL storage test: ${(err as Error).message}; to run it ${HOW}`);
    return undefined;
  }
}

const admin = await connect();
const database = `reg_t_${randomBytes(6).toString('hex')}`;
const home = mkdtempSync(join(tmpdir(), 'reg-mysql-'));
let proc: RunningProcess | undefined;

beforeAll(async () => {
  await admin?.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
});
afterAll(async () => {
  await stop(proc);
  await admin?.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin?.end();
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(admin === undefined)('registry on MySQL storage', () => {
  it('switches adapters with spring.datasource.platform and creates Nacos tables', async () => {
    const port = await freePort();
    proc = runRegistry(['-m', 'standalone', '--port', String(port), '--data-dir', join(home, 'data')], {
      SPRING_DATASOURCE_PLATFORM: 'mysql',
      DB_NUM: '1',
      DB_URL_0: `jdbc:mysql://${url.hostname}:${url.port || 3306}/${database}?characterEncoding=utf8`,
      DB_USER: decodeURIComponent(url.username),
      DB_PASSWORD: decodeURIComponent(url.password),
    });
    await waitForOk(`http://127.0.0.1:${port}/nacos/v1/console/health/readiness`, proc, 20_000);
    expect(proc.stdout()).toContain('use mysql storage');
    if (admin === undefined) throw new Error('unreachable: the suite is skipped without MySQL');
    const [rows] = (await admin.query(
      'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY 1',
      [database],
    )) as [Array<{ t: string }>, unknown];
    expect(rows.map((r) => r.t)).toEqual(
      expect.arrayContaining(['config_info', 'his_config_info', 'tenant_info', 'users']),
    );
    // Nacos' schema script seeds nacos/nacos with this well-known hash; we never do.
    const [users] = (await admin.query(`SELECT password FROM \`${database}\`.users`)) as [
      Array<{ password: string }>,
      unknown,
    ];
    expect(users.map((u) => u.password)).not.toContain(
      '$2a$10$EuWPZHzz32dJN7jexM34MOeYirDdFAZm2kuWj7VEOJhhZkDrxfvUu',
    );
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
