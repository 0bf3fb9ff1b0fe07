import { runStorageConformance } from '@reg/storage/conformance';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MysqlStorage } from '../src/mysql-storage.js';
import { tableSpecs } from '../src/schema.js';
import { createTestDatabase, mysqlAvailable, type TestDatabase } from './helpers/mysql.js';

/**
 * `@reg/storage`'s conformance suite, unchanged, against MariaDB. One database for the file
 * (created and dropped here); each case starts from emptied tables, which is what "a fresh,
 * empty store" means for a shared SQL database and keeps the run fast.
 */
describe.skipIf(!mysqlAvailable)('MySQL conformance', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    const s = new MysqlStorage(db.options());
    await s.open();
    await s.close();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const make = (): MysqlStorage =>
    new MysqlStorage({ ...db.options(), seedAdmin: false, faultInjection: true });

  runStorageConformance(
    'MysqlStorage',
    async () => {
      for (const t of tableSpecs('utf8mb4_bin')) await db.query(`DELETE FROM ${t.name}`);
      let storage = make();
      await storage.open();
      return {
        storage,
        reopen: async () => {
          await storage.close();
          storage = make();
          await storage.open();
          return storage;
        },
        cleanup: () => storage.close(),
      };
    },
    { describe, it, expect, beforeEach, afterEach },
    { persistent: true, fourByteUtf8: true, faultInjection: true },
  );
});
