/**
 * Config writes/s and reads/s of MysqlStorage against a real MariaDB/MySQL.
 *
 *   npm run bench -w @reg/storage-mysql            (REG_MYSQL_URL=mysql://user:pass@host:port to point elsewhere)
 *
 * Creates a database `reg_b_<random>`, runs every scenario ROUNDS times, prints the median of
 * each and drops the database. Env: ROUNDS (5), OPS (2000 per round), CONCURRENCY (16).
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { createConnection } from 'mysql2/promise';
import { MysqlStorage } from '../src/mysql-storage.js';
import { parseMysqlUrl } from '../src/options.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const OPS = Number(process.env.OPS ?? 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const server = parseMysqlUrl(process.env.REG_MYSQL_URL ?? 'mysql://root:@127.0.0.1:3306');

async function run(concurrency: number, ops: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= ops) return;
        await op(i);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return ops / seconds;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  const name = `reg_b_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const storage = new MysqlStorage({
    dataSources: [
      {
        index: 0,
        host: server.host,
        port: server.port,
        database: name,
        user: server.user,
        password: server.password,
        connectTimeout: 5000,
        timezone: 'local',
        ssl: false,
        url: `jdbc:mysql://${server.host}:${server.port}/${name}`,
      },
    ],
    pool: {
      maximumPoolSize: 20,
      minimumIdle: 2,
      connectionTimeout: 30_000,
      validationTimeout: 10_000,
      idleTimeout: 600_000,
    },
    queryTimeout: 30_000,
    masterCheckInterval: 10_000,
    seedAdmin: false,
  });
  try {
    await storage.open();
    const content = 'x'.repeat(256);
    const results: Record<string, number[]> = {};
    const record = (k: string, v: number): void => {
      results[k] ??= [];
      results[k].push(v);
    };
    for (let round = 0; round < ROUNDS; round++) {
      const prefix = `r${round}-`;
      record(
        'publish new (insert), 1 writer',
        await run(1, Math.min(OPS, 500), (i) =>
          storage.configs.publish({ dataId: `${prefix}s${i}`, group: 'G', tenant: '', content }),
        ),
      );
      record(
        `publish new (insert), ${CONCURRENCY} writers`,
        await run(CONCURRENCY, OPS, (i) =>
          storage.configs.publish({ dataId: `${prefix}c${i}`, group: 'G', tenant: '', content }),
        ),
      );
      record(
        `publish update, ${CONCURRENCY} writers`,
        await run(CONCURRENCY, OPS, (i) =>
          storage.configs.publish({
            dataId: `${prefix}c${i}`,
            group: 'G',
            tenant: '',
            content: `${content}${i}`,
          }),
        ),
      );
      record(
        `get by key, ${CONCURRENCY} readers`,
        await run(CONCURRENCY, OPS * 2, (i) =>
          storage.configs.get({ dataId: `${prefix}c${i % OPS}`, group: 'G', tenant: '' }),
        ),
      );
      record(
        `search page of 10, ${CONCURRENCY} readers`,
        await run(CONCURRENCY, Math.min(OPS, 500), () =>
          storage.configs.search(
            { tenant: '', mode: 'blur', dataId: `${prefix}c1*` },
            { pageNo: 1, pageSize: 10 },
          ),
        ),
      );
    }
    const [version] = (await admin.query('SELECT VERSION() AS v'))[0] as Array<{ v: string }>;
    console.log(
      `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, server ${version?.v}`,
    );
    console.log(`rounds: ${ROUNDS}, ops per round: ${OPS}, content: 256 bytes\n`);
    console.log('| scenario | ops/s (median) | min | max |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [k, v] of Object.entries(results)) {
      console.log(
        `| ${k} | ${Math.round(median(v))} | ${Math.round(Math.min(...v))} | ${Math.round(Math.max(...v))} |`,
      );
    }
  } finally {
    await storage.close();
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
}

await main();
