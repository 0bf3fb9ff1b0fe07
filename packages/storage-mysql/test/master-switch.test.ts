import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlStorage } from '../src/mysql-storage.js';
import type { DataSourceOptions, MysqlStorageOptions } from '../src/options.js';
import { captureLogger } from './helpers/capture-logger.js';
import { CutProxy } from './helpers/cut-proxy.js';
import { createTestDatabase, mysqlAvailable, server, type TestDatabase } from './helpers/mysql.js';

/**
 * Two databases stand in for a primary and a replica. "Read-only" is made by privileges (a user
 * with only SELECT), because tests never change global settings such as `SET GLOBAL read_only`.
 */
describe.skipIf(!mysqlAvailable)('multi-datasource master choice', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  const open: MysqlStorage[] = [];

  function source(
    db: TestDatabase,
    index: number,
    user: { user: string; password: string },
    port = server.port,
  ): DataSourceOptions {
    const ds = db.options().dataSources[0];
    if (ds === undefined) throw new Error('no datasource');
    return {
      ...ds,
      index,
      user: user.user,
      password: user.password,
      port,
      host: port === server.port ? ds.host : '127.0.0.1',
    };
  }

  function storageOf(
    dataSources: DataSourceOptions[],
    logger = captureLogger(),
  ): { storage: MysqlStorage; logger: ReturnType<typeof captureLogger> } {
    const base: MysqlStorageOptions = a.options();
    const storage = new MysqlStorage({
      ...base,
      dataSources,
      logger,
      retry: { attempts: 2, baseDelayMs: 5 },
    });
    open.push(storage);
    return { storage, logger };
  }

  beforeAll(async () => {
    a = await createTestDatabase();
    b = await createTestDatabase();
    // Create the schema in both with the admin user, and a row in each to tell them apart.
    for (const db of [a, b]) {
      const s = new MysqlStorage(db.options());
      await s.open();
      await s.configs.publish({ dataId: 'where', group: 'G', tenant: '', content: db.name });
      await s.close();
    }
  });
  afterAll(async () => {
    for (const s of open) await s.close();
    await a?.drop();
    await b?.drop();
  });

  it('a reachable source that is read-only (SELECT only) never becomes master; writes go to the writable one', async () => {
    const ro = await a.createUser('SELECT');
    const rw = await b.createUser('ALL PRIVILEGES');
    const { storage, logger } = storageOf([source(a, 0, ro), source(b, 1, rw)]);
    await storage.open();
    expect(storage.master).toContain(b.name);
    const [sa, sb] = storage.dataSources();
    expect(sa).toMatchObject({ healthy: true, writable: false });
    expect(sa?.reason).toMatch(/write probe refused/);
    expect(sb).toMatchObject({ healthy: true, writable: true, reason: '' });
    await storage.configs.publish({ dataId: 'w1', group: 'G', tenant: '', content: 'x' });
    expect(await b.query<unknown[]>('SELECT id FROM config_info WHERE data_id = ?', ['w1'])).toHaveLength(1);
    expect(await a.query<unknown[]>('SELECT id FROM config_info WHERE data_id = ?', ['w1'])).toHaveLength(0);
    expect(
      logger.lines.some(
        (l) => l.level === 'warn' && l.msg === 'MYSQL MASTER SWITCH' && String(l.obj.to).includes(b.name),
      ),
    ).toBe(true);
  });

  it('switches master loudly when the master loses write privileges, and keeps it stable otherwise', async () => {
    const rwA = await a.createUser('ALL PRIVILEGES');
    const rwB = await b.createUser('ALL PRIVILEGES');
    const { storage, logger } = storageOf([source(a, 0, rwA), source(b, 1, rwB)]);
    await storage.open();
    expect(storage.master).toContain(a.name);
    await storage.recheck();
    expect(logger.lines.filter((l) => l.msg === 'MYSQL MASTER SWITCH')).toHaveLength(1);

    await a.query(`REVOKE ALL PRIVILEGES ON \`${a.name}\`.* FROM '${rwA.user}'@'%'`);
    await a.query(`REVOKE ALL PRIVILEGES ON \`${a.name}\`.* FROM '${rwA.user}'@'localhost'`);
    await a.query(`GRANT SELECT ON \`${a.name}\`.* TO '${rwA.user}'@'%'`);
    await a.query(`GRANT SELECT ON \`${a.name}\`.* TO '${rwA.user}'@'localhost'`);
    await storage.recheck();
    expect(storage.master).toContain(b.name);
    const switches = logger.lines.filter((l) => l.msg === 'MYSQL MASTER SWITCH');
    expect(switches).toHaveLength(2);
    expect(switches[1]?.obj).toMatchObject({
      from: expect.stringContaining(a.name),
      to: expect.stringContaining(b.name),
    });
    await storage.configs.publish({ dataId: 'after-switch', group: 'G', tenant: '', content: 'x' });
    expect(
      await b.query<unknown[]>('SELECT id FROM config_info WHERE data_id = ?', ['after-switch']),
    ).toHaveLength(1);
  });

  it('with no confirmed master, writes fail with STORAGE_UNAVAILABLE (nothing written) while reads keep working', async () => {
    const roA = await a.createUser('SELECT');
    const roB = await b.createUser('SELECT');
    const { storage, logger } = storageOf([source(a, 0, roA), source(b, 1, roB)]);
    await storage.open();
    expect(storage.master).toBeUndefined();
    expect(logger.lines.some((l) => l.level === 'error' && l.msg.startsWith('NO MYSQL MASTER'))).toBe(true);
    const err = await storage.configs
      .publish({ dataId: 'nope', group: 'G', tenant: '', content: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(String((err as Error).message)).toMatch(/no MySQL datasource is a confirmed master/);
    await expect(storage.namespaces.create({ id: 'ns', name: 'n' })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    expect((await storage.configs.get({ dataId: 'where', group: 'G', tenant: '' }))?.content).toBe(a.name);
    expect(await a.query<unknown[]>('SELECT id FROM config_info WHERE data_id = ?', ['nope'])).toHaveLength(
      0,
    );
  });

  it('fails over when the master becomes unreachable, and reads move with it', async () => {
    const proxy = await CutProxy.start(server.host, server.port);
    try {
      const rwA = await a.createUser('ALL PRIVILEGES');
      const rwB = await b.createUser('ALL PRIVILEGES');
      const { storage, logger } = storageOf([source(a, 0, rwA, proxy.port), source(b, 1, rwB)]);
      await storage.open();
      expect(storage.master).toContain(a.name);
      await proxy.close();
      // A write that finds the master gone: the lost connection demotes it and the re-probe elects #1.
      await storage.configs.publish({ dataId: 'failover', group: 'G', tenant: '', content: 'x' });
      expect(storage.master).toContain(b.name);
      expect(
        await b.query<unknown[]>('SELECT id FROM config_info WHERE data_id = ?', ['failover']),
      ).toHaveLength(1);
      expect((await storage.configs.get({ dataId: 'where', group: 'G', tenant: '' }))?.content).toBe(b.name);
      expect(
        logger.lines.some((l) => l.msg === 'MYSQL MASTER SWITCH' && String(l.obj.to).includes(b.name)),
      ).toBe(true);
      expect(storage.dataSources()[0]?.healthy).toBe(false);
    } finally {
      await proxy.close().catch(() => {});
    }
  });

  it('the periodic re-check alone moves the master (no call needed)', async () => {
    const rwA = await a.createUser('ALL PRIVILEGES');
    const rwB = await b.createUser('ALL PRIVILEGES');
    const storage = new MysqlStorage({
      ...a.options(),
      dataSources: [source(a, 0, rwA), source(b, 1, rwB)],
      masterCheckInterval: 100,
    });
    open.push(storage);
    await storage.open();
    expect(storage.master).toContain(a.name);
    await a.query(`REVOKE ALL PRIVILEGES ON \`${a.name}\`.* FROM '${rwA.user}'@'%'`);
    await a.query(`REVOKE ALL PRIVILEGES ON \`${a.name}\`.* FROM '${rwA.user}'@'localhost'`);
    // Bounded wait for the timer (not a timing assertion: any number of periods up to the bound passes).
    for (let i = 0; i < 200 && !storage.master?.includes(b.name); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(storage.master).toContain(b.name);
  });

  it('Nacos #2362: a source whose server reports read_only = ON never becomes master, though the write probe passes', async () => {
    // The proxy makes server #0 answer the read_only question with 1, as a replica with
    // read_only=ON would, without touching the real server's global settings.
    const proxy = await CutProxy.start(server.host, server.port);
    try {
      proxy.rewrite('SELECT @@global.read_only AS v', 'SELECT 1                  AS v');
      const rwA = await a.createUser('ALL PRIVILEGES');
      const rwB = await b.createUser('ALL PRIVILEGES');
      const { storage } = storageOf([source(a, 0, rwA, proxy.port), source(b, 1, rwB)]);
      await storage.open();
      expect(storage.master).toContain(b.name);
      expect(storage.dataSources()[0]).toMatchObject({
        healthy: true,
        writable: false,
        reason: '@@read_only is on',
      });
      await storage.configs.publish({ dataId: 'not-on-replica', group: 'G', tenant: '', content: 'x' });
      expect(
        await a.query<unknown[]>('SELECT id FROM config_info WHERE data_id = ?', ['not-on-replica']),
      ).toHaveLength(0);
      expect(
        await b.query<unknown[]>('SELECT id FROM config_info WHERE data_id = ?', ['not-on-replica']),
      ).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('a master that refuses a write between probes is demoted at once; the write fails cleanly and the next goes to #1', async () => {
    const proxy = await CutProxy.start(server.host, server.port);
    try {
      const rwA = await a.createUser('ALL PRIVILEGES');
      const rwB = await b.createUser('ALL PRIVILEGES');
      const { storage, logger } = storageOf([source(a, 0, rwA, proxy.port), source(b, 1, rwB)]);
      await storage.open();
      expect(storage.master).toContain(a.name);
      // From now on #0 refuses config inserts (permission denied, as a server turned read-only
      // would) and reports read_only on its next probe.
      proxy.rewrite('INSERT INTO config_info', 'INSERT INTO mysql.user ');
      proxy.rewrite('SELECT @@global.read_only AS v', 'SELECT 1                  AS v');
      const err = await storage.configs
        .publish({ dataId: 'refused', group: 'G', tenant: '', content: 'x' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'STORAGE_UNAVAILABLE',
        message: expect.stringMatching(/refuses writes/),
      });
      expect(logger.lines.some((l) => l.level === 'error' && l.msg.startsWith('NO MYSQL MASTER'))).toBe(true);
      await storage.recheck();
      expect(storage.master).toContain(b.name);
      await storage.configs.publish({ dataId: 'refused', group: 'G', tenant: '', content: 'x' });
      expect(
        await a.query<unknown[]>('SELECT id FROM config_info WHERE data_id = ?', ['refused']),
      ).toHaveLength(0);
      expect(
        await b.query<unknown[]>('SELECT id FROM config_info WHERE data_id = ?', ['refused']),
      ).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});
