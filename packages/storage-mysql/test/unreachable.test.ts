import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MysqlStorage } from '../src/mysql-storage.js';
import { parseMysqlProperties } from '../src/options.js';

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// Needs no MySQL: runs everywhere.
describe('no reachable datasource', () => {
  it('open() fails with STORAGE_UNAVAILABLE naming each source and why, and leaves nothing running', async () => {
    const port = await closedPort();
    const options = parseMysqlProperties({
      'spring.datasource.platform': 'mysql',
      'db.num': '2',
      'db.url.0': `jdbc:mysql://127.0.0.1:${port}/nacos`,
      'db.url.1': `jdbc:mysql://127.0.0.1:${port}/nacos_b?connectTimeout=500`,
      'db.user': 'nacos',
      'db.password': 'pw',
      'db.pool.config.validationTimeout': '1000',
    });
    const storage = new MysqlStorage({ ...options, retry: { attempts: 2, baseDelayMs: 1 } });
    const err = await storage.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    const message = String((err as Error).message);
    expect(message).toContain(`#0 127.0.0.1:${port}/nacos: unreachable: ECONNREFUSED`);
    expect(message).toContain(`#1 127.0.0.1:${port}/nacos_b: unreachable: ECONNREFUSED`);
    expect(message).not.toContain('pw');
    expect(storage.master).toBeUndefined();
    await expect(storage.configs.get({ dataId: 'a', group: 'G', tenant: '' })).rejects.toMatchObject({
      code: 'STORAGE_CLOSED',
    });
    await storage.close();
  });
});
