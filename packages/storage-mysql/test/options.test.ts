import { describe, expect, it } from 'vitest';
import { MysqlStorage } from '../src/mysql-storage.js';
import {
  type MysqlStorageOptions,
  parseJdbcUrl,
  parseMysqlProperties,
  parseMysqlUrl,
  validateMysqlOptions,
} from '../src/options.js';

const base = {
  'spring.datasource.platform': 'mysql',
  'db.num': '1',
  'db.url.0':
    'jdbc:mysql://127.0.0.1:3306/nacos?characterEncoding=utf8&connectTimeout=1000&socketTimeout=3000&autoReconnect=true&useUnicode=true&useSSL=false&serverTimezone=UTC',
  'db.user': 'nacos',
  'db.password': 'secret',
};

function errorOf(fn: () => unknown): { code?: string; message?: string; location?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('parseMysqlProperties', () => {
  it("parses Nacos' application.properties keys with Nacos' defaults", () => {
    const o = parseMysqlProperties(base);
    expect(o.dataSources).toEqual([
      {
        index: 0,
        host: '127.0.0.1',
        port: 3306,
        database: 'nacos',
        user: 'nacos',
        password: 'secret',
        connectTimeout: 1000,
        timezone: 'Z',
        ssl: false,
        url: base['db.url.0'],
      },
    ]);
    expect(o.pool).toEqual({
      maximumPoolSize: 20,
      minimumIdle: 2,
      connectionTimeout: 30_000,
      validationTimeout: 10_000,
      idleTimeout: 600_000,
    });
    expect(o.queryTimeout).toBe(3000);
    expect(o.masterCheckInterval).toBe(10_000);
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('indexed user and password override the shared ones; missing index falls back to 0', () => {
    const o = parseMysqlProperties({
      ...base,
      'db.num': '3',
      'db.url.1': 'jdbc:mysql://[::1]:3307/nacos2',
      'db.url.2': 'jdbc:mariadb://db3/nacos3?serverTimezone=GMT%2B8',
      'db.user': undefined,
      'db.password': undefined,
      'db.user.0': 'u0',
      'db.password.0': 'p0',
      'db.user.1': 'u1',
      'db.password.1': 'p1',
    });
    expect(o.dataSources.map((d) => [d.host, d.port, d.database, d.user, d.password, d.timezone])).toEqual([
      ['127.0.0.1', 3306, 'nacos', 'u0', 'p0', 'Z'],
      ['::1', 3307, 'nacos2', 'u1', 'p1', 'local'],
      ['db3', 3306, 'nacos3', 'u0', 'p0', '+08:00'],
    ]);
  });

  it('reads pool settings, the query timeout and the master check interval', () => {
    const o = parseMysqlProperties(
      new Map(
        Object.entries({
          ...base,
          'db.pool.config.maximumPoolSize': '5',
          'db.pool.config.minimumIdle': '1',
          'db.pool.config.connectionTimeout': '2000',
          'db.pool.config.validationTimeout': '1500',
          'db.pool.config.idleTimeout': '60000',
          QUERYTIMEOUT: '7',
          'db.master.check.interval': '2500',
        }),
      ),
    );
    expect(o.pool).toEqual({
      maximumPoolSize: 5,
      minimumIdle: 1,
      connectionTimeout: 2000,
      validationTimeout: 1500,
      idleTimeout: 60_000,
    });
    expect(o.queryTimeout).toBe(7000);
    expect(o.masterCheckInterval).toBe(2500);
  });

  it.each([
    [{ 'spring.datasource.platform': undefined }, 'spring.datasource.platform'],
    [{ 'spring.datasource.platform': 'derby' }, 'spring.datasource.platform'],
    [{ 'db.num': undefined }, 'db.num'],
    [{ 'db.num': 'two' }, 'db.num'],
    [{ 'db.num': '0' }, 'db.num'],
    [{ 'db.num': '2' }, 'db.url.1'],
    [{ 'db.url.0': 'mysql://127.0.0.1/nacos' }, 'db.url.0'],
    [{ 'db.url.0': 'jdbc:mysql://127.0.0.1:99999/nacos' }, 'db.url.0'],
    [{ 'db.url.0': 'jdbc:mysql://127.0.0.1:3306/' }, 'db.url.0'],
    [{ 'db.url.0': 'jdbc:mysql://h1,h2/nacos' }, 'db.url.0'],
    [{ 'db.url.0': 'jdbc:mysql://127.0.0.1/nacos?useSSL=maybe' }, 'db.url.0'],
    [{ 'db.user': undefined }, 'db.user.0'],
    [{ 'db.pool.config.maximumPoolSize': '0' }, 'db.pool.config.maximumPoolSize'],
    [
      { 'db.pool.config.maximumPoolSize': '2', 'db.pool.config.minimumIdle': '3' },
      'db.pool.config.minimumIdle',
    ],
    [{ 'db.pool.config.connectionTimeout': '-1' }, 'db.pool.config.connectionTimeout'],
    [{ 'db.master.check.interval': '1e9' }, 'db.master.check.interval'],
  ])('rejects %o with an error naming %s', (change, key) => {
    const err = errorOf(() => parseMysqlProperties({ ...base, ...change }));
    expect(err.code).toBe('STORAGE_INVALID_ARGUMENT');
    expect(err.message?.startsWith(key)).toBe(true);
  });

  it('never puts the password in an error message', () => {
    const err = errorOf(() => parseMysqlProperties({ ...base, 'db.password': 'hunter2', 'db.num': '2' }));
    expect(err.message).not.toContain('hunter2');
  });
});

describe('parseJdbcUrl and parseMysqlUrl', () => {
  it('decodes percent-encoded parameters and keeps them', () => {
    const u = parseJdbcUrl('k', 'jdbc:mysql://db.example:3310/my%20db?a=1&b=x%26y&flag');
    expect(u.host).toBe('db.example');
    expect(u.port).toBe(3310);
    expect(u.database).toBe('my db');
    expect([...u.params]).toEqual([
      ['a', '1'],
      ['b', 'x&y'],
      ['flag', ''],
    ]);
  });
  it('parses REG_MYSQL_URL', () => {
    expect(parseMysqlUrl('mysql://root:p%40ss@127.0.0.1:3307')).toEqual({
      host: '127.0.0.1',
      port: 3307,
      user: 'root',
      password: 'p@ss',
      database: '',
    });
    expect(errorOf(() => parseMysqlUrl('postgres://x')).code).toBe('STORAGE_INVALID_ARGUMENT');
  });
});

describe('validateMysqlOptions (hand-written options)', () => {
  const good = parseMysqlProperties(base);
  it('accepts what parseMysqlProperties returns', () => {
    expect(() => validateMysqlOptions(good)).not.toThrow();
  });
  it.each([
    [{ dataSources: [] }, 'dataSources'],
    [{ queryTimeout: 0 }, 'queryTimeout'],
    [{ masterCheckInterval: 1.5 }, 'masterCheckInterval'],
    [{ pool: { ...good.pool, maximumPoolSize: 0 } }, 'pool.maximumPoolSize'],
    [{ dataSources: [{ ...good.dataSources[0], port: 70000 }] }, 'dataSources[0].port'],
    [{ dataSources: [{ ...good.dataSources[0], host: '' }] }, 'dataSources[0].host'],
  ])('rejects %o naming %s', (change, field) => {
    const err = errorOf(() => validateMysqlOptions({ ...good, ...change } as MysqlStorageOptions));
    expect(err.code).toBe('STORAGE_INVALID_ARGUMENT');
    expect(err.message?.startsWith(field)).toBe(true);
  });
  it('MysqlStorage validates in its constructor', () => {
    expect(errorOf(() => new MysqlStorage({ ...good, queryTimeout: -1 })).code).toBe(
      'STORAGE_INVALID_ARGUMENT',
    );
    expect(errorOf(() => new MysqlStorage({ ...good, retry: { attempts: 0, baseDelayMs: 1 } })).code).toBe(
      'STORAGE_INVALID_ARGUMENT',
    );
  });
});
