import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlStorage } from '../src/mysql-storage.js';
import { createTestDatabase, mysqlAvailable, type TestDatabase } from './helpers/mysql.js';
import { NACOS_142_DDL, NACOS_SEED_HASH } from './helpers/nacos-ddl.js';

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
type Rows = Array<Record<string, unknown>>;

/** A database created by Nacos 1.4.2's own schema and filled with the INSERTs Nacos issues. */
describe.skipIf(!mysqlAvailable)('an existing Nacos 1.4 database', () => {
  let db: TestDatabase;
  let storage: MysqlStorage;
  const gmt = '2021-05-01 10:00:00';
  const gmtMs = new Date(2021, 4, 1, 10, 0, 0).getTime();

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.query(`ALTER DATABASE \`${db.name}\` CHARACTER SET utf8 COLLATE utf8_bin`);
    for (const ddl of NACOS_142_DDL) await db.query(ddl);
    await db.query('INSERT INTO users (username, password, enabled) VALUES (?, ?, TRUE)', [
      'nacos',
      NACOS_SEED_HASH,
    ]);
    await db.query("INSERT INTO roles (username, role) VALUES ('nacos', 'ROLE_ADMIN')");
    // What Nacos' PersistService does for a publish with tags, and its history row.
    await db.query(
      `INSERT INTO config_info (data_id, group_id, tenant_id, app_name, content, md5, src_ip, src_user, gmt_create, gmt_modified, c_desc, c_use, effect, type, c_schema)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        'app.yaml',
        'DEFAULT_GROUP',
        'dev',
        'shop',
        'a: 1',
        md5('a: 1'),
        '10.0.0.1',
        null,
        gmt,
        gmt,
        'the app',
        null,
        null,
        'yaml',
        null,
      ],
    );
    const [cfg] = await db.query<Rows>("SELECT id FROM config_info WHERE data_id = 'app.yaml'");
    const id = Number(cfg?.id);
    for (const tag of ['blue', 'green']) {
      await db.query(
        'INSERT INTO config_tags_relation (id, tag_name, tag_type, data_id, group_id, tenant_id) VALUES (?, ?, NULL, ?, ?, ?)',
        [id, tag, 'app.yaml', 'DEFAULT_GROUP', 'dev'],
      );
    }
    await db.query(
      `INSERT INTO his_config_info (id, data_id, group_id, tenant_id, app_name, content, md5, src_ip, src_user, gmt_modified, op_type)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, 'app.yaml', 'DEFAULT_GROUP', 'dev', 'shop', 'a: 1', md5('a: 1'), '10.0.0.1', null, gmt, 'I'],
    );
    await db.query(
      "INSERT INTO tenant_info (kp, tenant_id, tenant_name, tenant_desc, create_source, gmt_create, gmt_modified) VALUES ('1', ?, ?, ?, 'nacos', ?, ?)",
      ['dev', 'Development', 'dev team', gmtMs, gmtMs],
    );
    await db.query("INSERT INTO permissions (role, resource, action) VALUES ('ROLE_DEV', 'dev:*:*', 'rw')");
    storage = new MysqlStorage(db.options());
    await storage.open();
  });
  afterAll(async () => {
    await storage?.close();
    await db?.drop();
  });

  it('is validated, not recreated: only the reg_* tables are added, nothing is seeded', () => {
    expect(storage.schema?.created).toEqual(['reg_naming', 'reg_kv']);
    expect(storage.schema?.seededAdmin).toBe(false);
    // utf8 (utf8mb3) tables: 4-byte characters cannot be stored, and the adapter says so.
    expect(storage.supports.fourByteUtf8).toBe(false);
    expect(storage.schema?.srcIpMax).toEqual({ config_info: 20, his_config_info: 20 });
  });

  it('reads what Nacos wrote: config with NULL columns, tags, history, namespace, users, roles, permissions', async () => {
    const config = await storage.configs.get({ dataId: 'app.yaml', group: 'DEFAULT_GROUP', tenant: 'dev' });
    expect(config).toMatchObject({
      content: 'a: 1',
      md5: md5('a: 1'),
      appName: 'shop',
      desc: 'the app',
      type: 'yaml',
      use: '',
      schema: '',
      srcUser: '',
      srcIp: '10.0.0.1',
      tags: ['blue', 'green'],
      createdTime: gmtMs,
      modifiedTime: gmtMs,
    });
    const found = await storage.configs.search(
      { tenant: 'dev', mode: 'blur', dataId: 'app.*', tags: ['green'] },
      { pageNo: 1, pageSize: 10 },
    );
    expect(found.pageItems.map((c) => c.dataId)).toEqual(['app.yaml']);
    const history = await storage.history.list(
      { dataId: 'app.yaml', group: 'DEFAULT_GROUP', tenant: 'dev' },
      { pageNo: 1, pageSize: 10 },
    );
    expect(history.pageItems).toHaveLength(1);
    expect(history.pageItems[0]).toMatchObject({ opType: 'I', content: 'a: 1', modifiedTime: gmtMs });
    expect(await storage.namespaces.list()).toEqual([
      { id: 'dev', name: 'Development', desc: 'dev team', createdTime: gmtMs, modifiedTime: gmtMs },
    ]);
    const user = await storage.users.get('nacos');
    expect(user?.enabled).toBe(true);
    expect(bcrypt.compareSync('nacos', user?.password ?? '')).toBe(true);
    expect(await storage.roles.listByUsername('nacos')).toEqual([{ role: 'ROLE_ADMIN', username: 'nacos' }]);
    expect(await storage.permissions.listByRoles(['ROLE_DEV'])).toEqual([
      { role: 'ROLE_DEV', resource: 'dev:*:*', action: 'rw' },
    ]);
  });

  it('writes rows Nacos can read: md5, gmt fields, op_type I/U/D with the right content, tags', async () => {
    const key = { dataId: 'new.properties', group: 'DEFAULT_GROUP', tenant: '' };
    const t1 = Date.UTC(2024, 0, 2, 3, 4, 5);
    await storage.configs.publish({
      ...key,
      content: 'x=1',
      type: 'properties',
      tags: ['t'],
      srcUser: 'alice',
      srcIp: '2001:db8::1:2:3:4:5',
      time: t1,
    });
    await storage.configs.publish({ ...key, content: 'x=2', type: 'properties', time: t1 + 60_000 });
    const [row] = await db.query<Rows>(
      "SELECT id, content, md5, gmt_create, gmt_modified, type, tenant_id, app_name FROM config_info WHERE data_id = 'new.properties'",
    );
    expect(row).toMatchObject({
      content: 'x=2',
      md5: md5('x=2'),
      type: 'properties',
      tenant_id: '',
      app_name: '',
    });
    // DATETIME (second precision here) in the connection's time zone, as Nacos' JDBC writes it.
    expect(Number(row?.gmt_create instanceof Date ? row.gmt_create.getTime() : Number.NaN)).toBe(t1);
    expect(Number(row?.gmt_modified instanceof Date ? row.gmt_modified.getTime() : Number.NaN)).toBe(
      t1 + 60_000,
    );
    expect(
      await db.query<Rows>('SELECT tag_name, tag_type FROM config_tags_relation WHERE id = ?', [row?.id]),
    ).toEqual([]);
    await storage.configs.delete(key, { srcUser: 'bob', time: t1 + 120_000 });
    const his = await db.query<Rows>(
      'SELECT op_type, content, md5, src_user, src_ip, gmt_modified FROM his_config_info WHERE data_id = ? ORDER BY nid',
      ['new.properties'],
    );
    expect(his.map((h) => [String(h.op_type).trim(), h.content, h.md5])).toEqual([
      ['I', 'x=1', md5('x=1')],
      ['U', 'x=1', md5('x=1')],
      ['D', 'x=2', md5('x=2')],
    ]);
    // Nacos' src_ip is VARCHAR(20): a long IPv6 address is cut to fit instead of failing the write.
    expect(his[0]?.src_ip).toBe('2001:db8::1:2:3:4:5'.slice(0, 20));
    expect(his[2]?.src_user).toBe('bob');
    expect(Number(his[2]?.gmt_modified instanceof Date ? his[2].gmt_modified.getTime() : Number.NaN)).toBe(
      t1 + 120_000,
    );
  });

  it('creates namespaces the way Nacos does (kp 1, create_source nacos, gmt in ms)', async () => {
    await storage.namespaces.create({ id: 'prod', name: 'Production', time: 1_700_000_000_123 });
    const rows = await db.query<Rows>(
      "SELECT kp, tenant_name, tenant_desc, create_source, gmt_create, gmt_modified FROM tenant_info WHERE tenant_id = 'prod'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kp: '1',
      tenant_name: 'Production',
      tenant_desc: '',
      create_source: 'nacos',
    });
    expect(Number(rows[0]?.gmt_create)).toBe(1_700_000_000_123);
  });

  it('rejects characters outside the BMP on utf8 tables with a clear error, writing nothing', async () => {
    await expect(
      storage.configs.publish({ dataId: 'emoji', group: 'G', tenant: '', content: 'hi \u{1F600}' }),
    ).rejects.toMatchObject({
      code: 'STORAGE_INVALID_ARGUMENT',
      message: expect.stringMatching(/content .*outside the BMP/),
    });
    expect(await db.query<Rows>("SELECT id FROM config_info WHERE data_id = 'emoji'")).toEqual([]);
  });
});

describe.skipIf(!mysqlAvailable)('schema validation and creation', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a fresh database gets every table and the nacos/nacos admin (bcrypt, ROLE_ADMIN), once', async () => {
    const s = new MysqlStorage(db.options());
    await s.open();
    expect(s.schema?.seededAdmin).toBe(true);
    expect(s.schema?.fourByteUtf8).toBe(true);
    expect(s.schema?.created).toHaveLength(14);
    await s.close();
    // What we create: utf8mb4 with a NO PAD binary collation, and millisecond DATETIMEs.
    const cols = await db.query<Rows>(
      `SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, COLLATION_NAME AS coll FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'config_info' AND COLUMN_NAME IN ('data_id', 'gmt_create') ORDER BY COLUMN_NAME`,
      [db.name],
    );
    expect(cols).toEqual([
      { c: 'data_id', t: 'varchar(255)', coll: expect.stringMatching(/^utf8mb4_(nopad_bin|0900_bin)$/) },
      { c: 'gmt_create', t: 'datetime(3)', coll: null },
    ]);
    const [user] = await db.query<Rows>("SELECT password, enabled FROM users WHERE username = 'nacos'");
    expect(String(user?.password)).toMatch(/^\$2a\$10\$/);
    expect(bcrypt.compareSync('nacos', String(user?.password))).toBe(true);
    expect(await db.query<Rows>('SELECT username, role FROM roles')).toEqual([
      { username: 'nacos', role: 'ROLE_ADMIN' },
    ]);
    // A second start finds the users table and seeds nothing, even after the admin was removed.
    await db.query("DELETE FROM users WHERE username = 'nacos'");
    const again = new MysqlStorage(db.options());
    await again.open();
    expect(again.schema).toMatchObject({ created: [], seededAdmin: false });
    await again.close();
    expect(await db.query<Rows>('SELECT username FROM users')).toEqual([]);
  });

  it('an empty database behind a read-only user cannot be initialised: a clear error, nothing created', async () => {
    const other = await createTestDatabase();
    try {
      const ro = await other.createUser('SELECT');
      const ds = other.options().dataSources[0];
      if (ds === undefined) throw new Error('no datasource');
      const s = new MysqlStorage({
        ...other.options(),
        dataSources: [{ ...ds, user: ro.user, password: ro.password }],
      });
      const err = await s.open().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'STORAGE_CORRUPTED' });
      expect(String((err as Error).message)).toMatch(
        /missing tables config_info, .*no datasource is a confirmed master/,
      );
      await s.close();
      expect(await other.query<unknown[]>('SHOW TABLES')).toEqual([]);
    } finally {
      await other.drop();
    }
  });

  it('a missing column is a STORAGE_CORRUPTED error naming table.column, and open() fails cleanly', async () => {
    await db.query('ALTER TABLE his_config_info DROP COLUMN op_type');
    await db.query('ALTER TABLE config_info DROP COLUMN c_schema');
    const s = new MysqlStorage(db.options());
    const err = await s.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORAGE_CORRUPTED' });
    expect(String((err as Error).message)).toContain('column config_info.c_schema is missing');
    expect(String((err as Error).message)).toContain('column his_config_info.op_type is missing');
    await expect(s.configs.count('')).rejects.toMatchObject({ code: 'STORAGE_CLOSED' });
    await s.close();
  });

  it('a missing table with schema creation off is an error naming it', async () => {
    await db.query('DROP TABLE permissions');
    const s = new MysqlStorage({ ...db.options(), createSchema: false });
    await expect(s.open()).rejects.toMatchObject({
      code: 'STORAGE_CORRUPTED',
      message: expect.stringContaining('permissions'),
    });
    await s.close();
  });
});
