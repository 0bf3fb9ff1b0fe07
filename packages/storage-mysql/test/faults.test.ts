import { hasStorageCode } from '@reg/storage';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MysqlStorage } from '../src/mysql-storage.js';
import { CutProxy } from './helpers/cut-proxy.js';
import { createTestDatabase, mysqlAvailable, server, type TestDatabase } from './helpers/mysql.js';

async function rowCounts(
  db: TestDatabase,
  dataId: string,
): Promise<{ configs: number; history: number; tags: number }> {
  const [c] = await db.query<Array<{ n: number }>>(
    'SELECT COUNT(*) AS n FROM config_info WHERE data_id = ?',
    [dataId],
  );
  const [h] = await db.query<Array<{ n: number }>>(
    'SELECT COUNT(*) AS n FROM his_config_info WHERE data_id = ?',
    [dataId],
  );
  const [t] = await db.query<Array<{ n: number }>>(
    'SELECT COUNT(*) AS n FROM config_tags_relation WHERE data_id = ?',
    [dataId],
  );
  return { configs: Number(c?.n), history: Number(h?.n), tags: Number(t?.n) };
}

describe.skipIf(!mysqlAvailable)('connections cut mid-transaction (TCP proxy)', () => {
  let db: TestDatabase;
  let proxy: CutProxy;
  let storage: MysqlStorage;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await CutProxy.start(server.host, server.port);
    const base = db.options();
    const ds = base.dataSources[0];
    if (ds === undefined) throw new Error('no datasource');
    storage = new MysqlStorage({
      ...base,
      dataSources: [{ ...ds, host: '127.0.0.1', port: proxy.port }],
      retry: { attempts: 3, baseDelayMs: 5 },
    });
    await storage.open();
  });
  afterEach(() => proxy.disarm());
  afterAll(async () => {
    await storage?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('a cut before the history row, every attempt: rejects with STORAGE_IO and leaves no config, tag or history row', async () => {
    proxy.cutOn('INSERT INTO his_config_info', 100);
    const err = await storage.configs
      .publish({ dataId: 'cut-always', group: 'G', tenant: '', content: 'v1', tags: ['t'] })
      .catch((e: unknown) => e);
    expect(hasStorageCode(err, 'STORAGE_IO')).toBe(true);
    expect(String((err as Error).message)).toMatch(/connection lost.*nothing was written/);
    expect(proxy.cuts).toBeGreaterThanOrEqual(3);
    expect(await rowCounts(db, 'cut-always')).toEqual({ configs: 0, history: 0, tags: 0 });
    proxy.disarm();
    await storage.recheck();
    // The storage recovers once the network does.
    await storage.configs.publish({ dataId: 'cut-always', group: 'G', tenant: '', content: 'v2' });
    expect(await rowCounts(db, 'cut-always')).toEqual({ configs: 1, history: 1, tags: 0 });
  });

  it('a single cut is retried with backoff: exactly one config row and one history row land', async () => {
    proxy.cutOn('INSERT INTO his_config_info', 1);
    const before = proxy.cuts;
    const res = await storage.configs.publish({ dataId: 'cut-once', group: 'G', tenant: '', content: 'v1' });
    expect(proxy.cuts).toBe(before + 1);
    expect(res.opType).toBe('I');
    expect(await rowCounts(db, 'cut-once')).toEqual({ configs: 1, history: 1, tags: 0 });
  });

  it('a cut of the update half way keeps the old content and no U row', async () => {
    await storage.configs.publish({ dataId: 'cut-update', group: 'G', tenant: '', content: 'old' });
    proxy.cutOn('INSERT INTO his_config_info', 100);
    await expect(
      storage.configs.publish({ dataId: 'cut-update', group: 'G', tenant: '', content: 'new' }),
    ).rejects.toMatchObject({ code: 'STORAGE_IO' });
    proxy.disarm();
    await storage.recheck();
    const [row] = await db.query<Array<{ content: string }>>(
      'SELECT content FROM config_info WHERE data_id = ?',
      ['cut-update'],
    );
    expect(row?.content).toBe('old');
    expect(await rowCounts(db, 'cut-update')).toEqual({ configs: 1, history: 1, tags: 0 });
  });

  it('a cut on COMMIT is reported as an unknown outcome, and the server rolled everything back', async () => {
    // The whole COM_QUERY packet (length 7, sequence 0, command 3, "COMMIT"), so that the
    // session setup's "READ COMMITTED" does not match.
    proxy.cutOn('\x07\x00\x00\x00\x03COMMIT', 1);
    const err = await storage.configs
      .publish({ dataId: 'cut-commit', group: 'G', tenant: '', content: 'v1' })
      .catch((e: unknown) => e);
    expect(hasStorageCode(err, 'STORAGE_IO')).toBe(true);
    expect(String((err as Error).message)).toMatch(/during COMMIT; the outcome is unknown/);
    await storage.recheck();
    expect(await rowCounts(db, 'cut-commit')).toEqual({ configs: 0, history: 0, tags: 0 });
  });

  it('a batch of naming ops cut half way lands nothing', async () => {
    proxy.cutOn('third-value', 100);
    await expect(
      storage.naming.batch([
        { type: 'put', kind: 'service', key: 'a', value: '"first"' },
        { type: 'put', kind: 'service', key: 'b', value: '"second"' },
        { type: 'put', kind: 'service', key: 'c', value: 'third-value' },
      ]),
    ).rejects.toMatchObject({ code: 'STORAGE_IO' });
    proxy.disarm();
    await storage.recheck();
    const [n] = await db.query<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM reg_naming');
    expect(Number(n?.n)).toBe(0);
  });

  it('reads retry after every connection is cut', async () => {
    await storage.configs.publish({ dataId: 'read-after-cut', group: 'G', tenant: '', content: 'v' });
    proxy.cutAll();
    expect((await storage.configs.get({ dataId: 'read-after-cut', group: 'G', tenant: '' }))?.content).toBe(
      'v',
    );
  });

  it('open() that failed while the database was unreachable can be retried once it is back', async () => {
    const ds = db.options().dataSources[0];
    if (ds === undefined) throw new Error('no datasource');
    // The client's handshake names the user: cutting on it refuses every new connection.
    proxy.cutOn(ds.user, 1000);
    const late = new MysqlStorage({
      ...db.options(),
      dataSources: [{ ...ds, host: '127.0.0.1', port: proxy.port }],
      retry: { attempts: 2, baseDelayMs: 1 },
    });
    try {
      await expect(late.open()).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      proxy.disarm();
      await late.open();
      expect(late.master).toContain(db.name);
      expect((await late.configs.get({ dataId: 'cut-once', group: 'G', tenant: '' }))?.content).toBe('v1');
    } finally {
      await late.close();
    }
  });
});
