import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlStorage } from '../src/mysql-storage.js';
import { createTestDatabase, mysqlAvailable, type TestDatabase } from './helpers/mysql.js';

const INJECTIONS = [
  "' OR '1'='1",
  "x'; DROP TABLE config_info; --",
  'x"; DELETE FROM users; #',
  "\\'; SELECT SLEEP(5); --",
  '%',
  '_',
  '%_%',
  '|%',
  '../../etc/passwd',
  '..\\..\\windows',
  'a\u0000b'.replace('\u0000', ''),
  '名字/配置',
  'trailing ',
  ' leading',
  '`backtick`',
  '*',
];

describe.skipIf(!mysqlAvailable)('hostile input against SQL', () => {
  let db: TestDatabase;
  let storage: MysqlStorage;
  beforeAll(async () => {
    db = await createTestDatabase();
    storage = new MysqlStorage(db.options());
    await storage.open();
  });
  afterAll(async () => {
    await storage?.close();
    await db?.drop();
  });

  it('stores every injection string as data, byte for byte, in every key field; the tables survive', async () => {
    for (const s of INJECTIONS) {
      await storage.configs.publish({
        dataId: s,
        group: s,
        tenant: s,
        content: s,
        appName: s,
        desc: s,
        tags: [s.trim() || 'x'],
      });
    }
    for (const s of INJECTIONS) {
      const got = await storage.configs.get({ dataId: s, group: s, tenant: s });
      expect(got?.content).toBe(s);
      expect(await storage.configs.count(s)).toBe(1);
    }
    const [n] = await db.query<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM config_info');
    expect(Number(n?.n)).toBe(INJECTIONS.length);
    expect(await db.query<unknown[]>('SELECT username FROM users')).toHaveLength(1);
  });

  it("'a' and 'a ' are different keys (NO PAD collation), also in accurate search", async () => {
    await storage.configs.publish({ dataId: 'pad', group: 'G', tenant: 'pad-ns', content: '1' });
    await storage.configs.publish({ dataId: 'pad ', group: 'G', tenant: 'pad-ns', content: '2' });
    expect((await storage.configs.get({ dataId: 'pad', group: 'G', tenant: 'pad-ns' }))?.content).toBe('1');
    expect((await storage.configs.get({ dataId: 'pad ', group: 'G', tenant: 'pad-ns' }))?.content).toBe('2');
    const page = await storage.configs.search(
      { tenant: 'pad-ns', mode: 'accurate', dataId: 'pad' },
      { pageNo: 1, pageSize: 10 },
    );
    expect(page.pageItems.map((c) => c.content)).toEqual(['1']);
  });

  it('blur search treats %, _ and | literally and only * as a wildcard', async () => {
    const ns = 'blur-ns';
    for (const id of ['a%b', 'axb', 'a_b', 'a|b', 'aXYZb'])
      await storage.configs.publish({ dataId: id, group: 'G', tenant: ns, content: id });
    const find = async (pattern: string): Promise<string[]> =>
      (
        await storage.configs.search(
          { tenant: ns, mode: 'blur', dataId: pattern },
          { pageNo: 1, pageSize: 100 },
        )
      ).pageItems.map((c) => c.dataId);
    expect(await find('a%b')).toEqual(['a%b']);
    expect(await find('a_b')).toEqual(['a_b']);
    expect(await find('a|b')).toEqual(['a|b']);
    expect(await find('a*b')).toEqual(['a%b', 'axb', 'a_b', 'a|b', 'aXYZb']);
    expect(await find("' OR 1=1 --")).toEqual([]);
  });

  it('naming prefixes and kv keys with wildcard characters match literally', async () => {
    await storage.naming.batch([
      { type: 'put', kind: 'service', key: 'ns@@%@@svc', value: '1' },
      { type: 'put', kind: 'service', key: 'ns@@x@@svc', value: '2' },
      { type: 'put', kind: 'service', key: 'ns@@_@@svc', value: '3' },
    ]);
    const list = await storage.naming.list('service', { pageNo: 1, pageSize: 10 }, 'ns@@%');
    expect(list.pageItems.map((e) => e.key)).toEqual(['ns@@%@@svc']);
    await storage.kv.batch([{ type: 'put', key: "'; DROP TABLE reg_kv; --", value: new Uint8Array([1]) }]);
    expect(await storage.kv.get("'; DROP TABLE reg_kv; --")).toEqual(new Uint8Array([1]));
  });

  it('oversized and malformed input is STORAGE_INVALID_ARGUMENT and writes nothing', async () => {
    const before = await storage.configs.count('');
    await expect(
      storage.configs.publish({ dataId: 'd'.repeat(10_000), group: 'G', tenant: '', content: 'x' }),
    ).rejects.toMatchObject({
      code: 'STORAGE_INVALID_ARGUMENT',
    });
    await expect(
      storage.configs.publish({ dataId: 'nul\u0000', group: 'G', tenant: '', content: 'x' }),
    ).rejects.toMatchObject({
      code: 'STORAGE_INVALID_ARGUMENT',
    });
    await expect(
      storage.kv.batch([{ type: 'put', key: '\u{1F600}'.repeat(1000), value: new Uint8Array(1) }]),
    ).rejects.toMatchObject({
      code: 'STORAGE_INVALID_ARGUMENT',
      message: expect.stringContaining('3072'),
    });
    expect(await storage.configs.count('')).toBe(before);
  });
});
