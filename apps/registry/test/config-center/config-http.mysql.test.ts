import { afterAll } from 'vitest';
import { createTestDatabase, startConfigRegistry } from './registry-harness.js';
import { configRoutesSuite } from './suite-configs.js';
import { listenerRoutesSuite } from './suite-listeners.js';
import { namespaceRoutesSuite } from './suite-namespaces.js';

// The same cases over MySQL storage (one shared database written by the handling member,
// notifications through the log). Skips with a message when MariaDB is not reachable, unless
// REG_MYSQL_REQUIRED=1.
const database = await createTestDatabase();
afterAll(async () => {
  await database?.drop();
});

const start = () => {
  if (database === undefined) throw new Error('unreachable: the suites are skipped without MySQL');
  return startConfigRegistry(database.properties);
};
configRoutesSuite('MySQL', start, database === undefined);
listenerRoutesSuite('MySQL', start, database === undefined);
namespaceRoutesSuite('MySQL', start, database === undefined);
