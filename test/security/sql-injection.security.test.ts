import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './mysql-database.js';
import {
  ADMIN_PASSWORD,
  bearer,
  call,
  login,
  type RegistryProcess,
  startRegistryProcess,
} from './registry-process.js';

/**
 * SQL injection through every parameter that reaches the MySQL adapter: names (dataId, group,
 * tenant), free text stored as is (content, appName, desc, tags, namespace names), and search
 * parameters (config blur search, user and role search, role and permission filters). Each
 * attempt must neither fail with a 500 nor change or reveal anything; afterwards the tables are
 * checked directly.
 */
const PAYLOADS = [
  "' OR '1'='1",
  "x'; DROP TABLE users; -- ",
  "%' OR 1=1 #",
  '" OR ""="',
  "\\'; DELETE FROM config_info; -- ",
  "') UNION SELECT username, password FROM users -- ",
  '%',
  '_',
];

describe('SQL injection against the MySQL adapter (registry process, auth on)', () => {
  let db: TestDatabase | undefined;
  let reg: RegistryProcess | undefined;
  let admin = '';

  beforeAll(async () => {
    db = await createTestDatabase('security');
    if (!db) return;
    reg = await startRegistryProcess({ properties: { 'nacos.core.auth.enabled': 'true', ...db.properties } });
    admin = await login(reg.base, 'nacos', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await reg?.stop();
    await db?.drop();
  });

  it('stores hostile text byte for byte and refuses hostile names, without a 500', async (ctx) => {
    if (!reg || !db) return ctx.skip();
    const base = reg.base;
    for (const [i, payload] of PAYLOADS.entries()) {
      const stored = await call(base, 'POST', '/v1/cs/configs', {
        form: {
          dataId: `text-${i}`,
          group: 'G',
          content: payload,
          appName: payload,
          desc: payload,
          config_tags: payload,
        },
        headers: bearer(admin),
      });
      expect([200, 400], `free text ${payload}: ${stored.text}`).toContain(stored.status);
      if (stored.status === 200) {
        const read = await call(base, 'GET', '/v1/cs/configs', {
          query: { dataId: `text-${i}`, group: 'G' },
          headers: bearer(admin),
        });
        expect(read.text).toBe(payload);
      }
      for (const form of [
        { dataId: payload, group: 'G' },
        { dataId: 'n', group: payload },
        { dataId: 'n', group: 'G', tenant: payload },
      ] as Record<string, string>[]) {
        const publish = await call(base, 'POST', '/v1/cs/configs', {
          form: { ...form, content: 'c' },
          headers: bearer(admin),
        });
        expect([200, 400], `publish ${JSON.stringify(form)}`).toContain(publish.status);
        const get = await call(base, 'GET', '/v1/cs/configs', { query: form, headers: bearer(admin) });
        expect([200, 400, 404], `get ${JSON.stringify(form)}`).toContain(get.status);
        const history = await call(base, 'GET', '/v1/cs/history', {
          query: { search: 'accurate', ...form, pageNo: '1', pageSize: '10' },
          headers: bearer(admin),
        });
        expect([200, 400], `history ${JSON.stringify(form)}`).toContain(history.status);
      }
      const namespace = await call(base, 'POST', '/v1/console/namespaces', {
        form: { customNamespaceId: `ns${i}`, namespaceName: payload, namespaceDesc: payload },
        headers: bearer(admin),
      });
      expect([200, 400], namespace.text).toContain(namespace.status);
    }
  });

  it('treats search input literally: no injected condition, no LIKE wildcard', async (ctx) => {
    if (!reg || !db) return ctx.skip();
    const base = reg.base;
    for (const dataId of ['abc', 'a_c', 'a%c']) {
      const answer = await call(base, 'POST', '/v1/cs/configs', {
        form: { dataId, group: 'S', content: dataId },
        headers: bearer(admin),
      });
      expect([200, 400]).toContain(answer.status);
    }
    const blur = async (dataId: string) => {
      const answer = await call(base, 'GET', '/v1/cs/configs', {
        query: { search: 'blur', dataId, group: 'S', pageNo: '1', pageSize: '100' },
        headers: bearer(admin),
      });
      expect(answer.status, `${dataId}: ${answer.text}`).toBe(200);
      return answer
        .json<{ pageItems: { dataId: string }[] }>()
        .pageItems.map((c) => c.dataId)
        .sort();
    };
    expect(await blur('a_c')).toEqual(['a_c']);
    expect(await blur('a*c')).toContain('abc');
    for (const payload of PAYLOADS) expect(await blur(payload), payload).toEqual([]);

    for (const payload of PAYLOADS) {
      const users = await call(base, 'GET', '/v1/auth/users/search', {
        query: { username: payload },
        headers: bearer(admin),
      });
      expect(users.status).toBe(200);
      // Search is "contains, literally": only a name that really contains the text comes back.
      expect(users.json<string[]>()).toEqual(['nacos'].filter((name) => name.includes(payload)));
      const roles = await call(base, 'GET', '/v1/auth/roles/search', {
        query: { role: payload },
        headers: bearer(admin),
      });
      expect(roles.json<string[]>()).toEqual(['ROLE_ADMIN'].filter((name) => name.includes(payload)));
      const byUser = await call(base, 'GET', '/v1/auth/roles', {
        query: { pageNo: '1', pageSize: '10', username: payload },
        headers: bearer(admin),
      });
      expect(byUser.json<{ totalCount: number }>().totalCount).toBe(0);
      const byRole = await call(base, 'GET', '/v1/auth/permissions', {
        query: { pageNo: '1', pageSize: '10', role: payload },
        headers: bearer(admin),
      });
      expect(byRole.json<{ totalCount: number }>().totalCount).toBe(0);
      const loginAttempt = await call(base, 'POST', '/v1/auth/login', {
        form: { username: payload, password: payload },
      });
      expect(loginAttempt.status).toBe(403);
    }
  });

  it('leaves every table in place with only what was written', async (ctx) => {
    if (!reg || !db) return ctx.skip();
    const tables = await db.query('SHOW TABLES');
    for (const table of ['config_info', 'his_config_info', 'users', 'roles', 'permissions', 'tenant_info']) {
      expect(tables).toContain(table);
    }
    expect(await db.query('SELECT username FROM users')).toEqual(['nacos']);
    const contents = await db.query(
      "SELECT content FROM config_info WHERE data_id LIKE 'text-%' ORDER BY data_id",
    );
    expect(contents.length).toBeGreaterThan(0);
    // Still usable: the admin logs in, and passwords are bcrypt hashes.
    expect(await login(reg.base, 'nacos', ADMIN_PASSWORD)).toBeTruthy();
    expect((await db.query('SELECT password FROM users'))[0]).toMatch(/^\$2a\$10\$/);
    // The adapter seeds Nacos' nacos/nacos into a new database; the registry replaced it at start.
    const seeded = await call(reg.base, 'POST', '/v1/auth/login', {
      form: { username: 'nacos', password: 'nacos' },
    });
    expect(seeded.status).toBe(403);
  });
});
