import { md5Hex } from '@reg/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlStorage } from '../src/mysql-storage.js';
import { createTestDatabase, mysqlAvailable, type TestDatabase } from './helpers/mysql.js';

/** Several registry members share one database in MySQL mode: the guarantees must hold across them. */
describe.skipIf(!mysqlAvailable)('members sharing one database', () => {
  let db: TestDatabase;
  let members: MysqlStorage[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    members = [
      new MysqlStorage(db.options()),
      new MysqlStorage(db.options()),
      new MysqlStorage(db.options()),
    ];
    // Concurrent first starts: schema creation and admin seeding must not collide.
    await Promise.all(members.map((m) => m.open()));
  });
  afterAll(async () => {
    for (const m of members) await m.close();
    await db?.drop();
  });

  it('concurrent starts create the schema once and seed one admin', async () => {
    expect(await db.query<unknown[]>("SELECT username FROM users WHERE username = 'nacos'")).toHaveLength(1);
    expect(await db.query<unknown[]>("SELECT role FROM roles WHERE username = 'nacos'")).toHaveLength(1);
  });

  it('casMd5 is a compare-and-set across members: of 24 racing publishes expecting one md5, exactly one wins', async () => {
    const key = { dataId: 'shared', group: 'G', tenant: '' };
    await (members[0] as MysqlStorage).configs.publish({ ...key, content: 'v0' });
    const expected = md5Hex('v0');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        (members[i % members.length] as MysqlStorage).configs.publish({
          ...key,
          content: `v${i + 1}`,
          casMd5: expected,
        }),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const o of lost)
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'STORAGE_CAS_MISMATCH' });
    const history = await (members[1] as MysqlStorage).history.list(key, { pageNo: 1, pageSize: 100 });
    expect(history.pageItems.map((h) => h.opType)).toEqual(['U', 'I']);
    expect(history.pageItems[0]?.content).toBe('v0');
    const stored = await (members[2] as MysqlStorage).configs.get(key);
    expect(stored?.content).toBe(
      (won[0] as PromiseFulfilledResult<{ config: { content: string } }>).value.config.content,
    );
  });

  it('create-only publishes (casMd5 "") racing on a new key from every member: one insert, the rest mismatch', async () => {
    const key = { dataId: 'create-once', group: 'G', tenant: 'ns' };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 15 }, (_, i) =>
        (members[i % members.length] as MysqlStorage).configs.publish({
          ...key,
          content: `c${i}`,
          casMd5: '',
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const [n] = await db.query<Array<{ n: number }>>(
      "SELECT COUNT(*) AS n FROM his_config_info WHERE data_id = 'create-once'",
    );
    expect(Number(n?.n)).toBe(1);
  });
});
