import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, type AuthRegistry, call, login, startAuthRegistry } from './auth-harness.js';

describe('auth over HTTP, auth enabled, with the config and naming modules', () => {
  let reg: AuthRegistry;
  let admin: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    reg = await startAuthRegistry({ 'nacos.core.auth.enabled': 'true' });
    admin = await login(reg.base, 'nacos', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it("logs in as Nacos answers: token, ttl, globalAdmin, Authorization header; 403 'unknown user!' otherwise", async () => {
    const ok = await call(reg.base, 'POST', '/v1/auth/users/login', {
      query: { username: 'nacos', password: ADMIN_PASSWORD },
    });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ tokenTtl: 18000, globalAdmin: true, username: 'nacos' });
    const bad = await call(reg.base, 'POST', '/v1/auth/login', {
      form: { username: 'nacos', password: 'nacos' },
    });
    expect(bad.status).toBe(403);
    expect(bad.json()).toMatchObject({ status: 403, message: 'unknown user!', path: '/nacos/v1/auth/login' });
  });

  it('guards config and naming routes of the other modules, by resource', async () => {
    const noToken = await call(reg.base, 'GET', '/v1/cs/configs', { query: { dataId: 'a', group: 'G' } });
    expect(noToken.status).toBe(403);
    expect(noToken.json().message).toBe('user not found!');
    const naming = await call(reg.base, 'GET', '/v1/ns/instance/list', { query: { serviceName: 'svc' } });
    expect(naming.status).toBe(403);

    const publish = await call(reg.base, 'POST', '/v1/cs/configs', {
      form: { dataId: 'app.yaml', group: 'G', content: 'x: 1', accessToken: admin },
    });
    expect(publish.status, publish.text).toBe(200);

    // A user with read access to group G of the public namespace only.
    await call(reg.base, 'POST', '/v1/auth/users', {
      form: { username: 'reader', password: 'reader-pw' },
      headers: as(admin),
    });
    await call(reg.base, 'POST', '/v1/auth/roles', {
      form: { role: 'readers', username: 'reader' },
      headers: as(admin),
    });
    const grant = await call(reg.base, 'POST', '/v1/auth/permissions', {
      form: { role: 'readers', resource: ':G:config/*', action: 'r' },
      headers: as(admin),
    });
    expect(grant.json()).toEqual({ code: 200, message: 'add permission ok!', data: null });

    // Implicit login with username/password parameters, as the Node SDK does on every call.
    const read = await call(reg.base, 'GET', '/v1/cs/configs', {
      query: { dataId: 'app.yaml', group: 'G', username: 'reader', password: 'reader-pw' },
    });
    expect(read.status).toBe(200);
    expect(read.text).toBe('x: 1');
    const token = await login(reg.base, 'reader', 'reader-pw');
    const write = await call(reg.base, 'POST', '/v1/cs/configs', {
      form: { dataId: 'app.yaml', group: 'G', content: 'x: 2' },
      headers: as(token),
    });
    expect(write.status).toBe(403);
    expect(write.json().message).toBe('authorization failed!');
    const otherGroup = await call(reg.base, 'GET', '/v1/cs/configs', {
      query: { dataId: 'app.yaml', group: 'H', accessToken: token },
    });
    expect(otherGroup.status).toBe(403);
    const otherNamespace = await call(reg.base, 'GET', '/v1/cs/configs', {
      query: { dataId: 'app.yaml', group: 'G', tenant: 'ns1', accessToken: token },
    });
    expect(otherNamespace.status).toBe(403);
    const unchanged = await call(reg.base, 'GET', '/v1/cs/configs', {
      query: { dataId: 'app.yaml', group: 'G' },
      headers: as(admin),
    });
    expect(unchanged.text).toBe('x: 1');
  });

  it('keeps user management for admins, lets a user change only its own password', async () => {
    await call(reg.base, 'POST', '/v1/auth/users', {
      form: { username: 'mallory', password: 'm-pw' },
      headers: as(admin),
    });
    const token = await login(reg.base, 'mallory', 'm-pw');
    const create = await call(reg.base, 'POST', '/v1/auth/users', {
      form: { username: 'x', password: 'y' },
      headers: as(token),
    });
    expect(create.status).toBe(403);
    const grantSelf = await call(reg.base, 'POST', '/v1/auth/roles', {
      form: { role: 'ROLE_ADMIN', username: 'mallory' },
      headers: as(token),
    });
    expect(grantSelf.status).toBe(403);
    const other = await call(reg.base, 'PUT', '/v1/auth/users', {
      form: { username: 'nacos', newPassword: 'owned' },
      headers: as(token),
    });
    expect(other.status).toBe(403);
    const own = await call(reg.base, 'PUT', '/v1/auth/users', {
      form: { username: 'mallory', newPassword: 'm-pw-2' },
      headers: as(token),
    });
    expect(own.json()).toEqual({ code: 200, message: 'update user ok!', data: null });
    const users = await call(reg.base, 'GET', '/v1/auth/users', {
      query: { pageNo: '1', pageSize: '10' },
      headers: as(admin),
    });
    expect(users.json<{ pageItems: { username: string }[] }>().pageItems.map((u) => u.username)).toEqual([
      'mallory',
      'nacos',
      'reader',
    ]);
    expect(users.text).not.toContain('$2a$');
  });

  it('refuses bad paging without echoing it (CVE-2021-44667)', async () => {
    for (const value of ['<script>alert(1)</script>', '-1', '-0', '1e3', '99999999999']) {
      const answer = await call(reg.base, 'GET', '/v1/auth/users', {
        query: { pageNo: value, pageSize: '10' },
        headers: as(admin),
      });
      expect(answer.status, value).toBe(400);
      expect(answer.text).not.toContain(value);
    }
    const tooBig = await call(reg.base, 'GET', '/v1/auth/roles', {
      query: { pageNo: '1', pageSize: '100000' },
      headers: as(admin),
    });
    expect(tooBig.status).toBe(400);
  });

  it('refuses the first-admin call once an admin exists', async () => {
    const again = await call(reg.base, 'POST', '/v1/auth/users/admin', { form: { password: 'takeover-pw' } });
    expect(again.status).toBe(409);
    expect(again.json()).toEqual({ code: 409, message: 'have admin user cannot use it', data: null });
  });

  it('lets unknown and internal routes through to a global admin only', async () => {
    const reader = await login(reg.base, 'reader', 'reader-pw');
    const trailing = await call(reg.base, 'GET', '/v1/auth/users/', {
      query: { pageNo: '1', pageSize: '1' },
      headers: { 'User-Agent': 'Nacos-Server' },
    });
    expect(trailing.status).toBe(403);
    const derby = await call(reg.base, 'GET', '/v1/cs/ops/derby', {
      query: { sql: 'select 1' },
      headers: as(admin),
    });
    expect(derby.status).toBe(404);
    const metrics = await call(reg.base, 'GET', '/v1/ns/operator/metrics');
    expect(metrics.status).toBe(200);
    const namespacesAnonymous = await call(reg.base, 'GET', '/v1/console/namespaces');
    expect(namespacesAnonymous.status).toBe(403);
    const namespaces = await call(reg.base, 'GET', '/v1/console/namespaces', { headers: as(reader) });
    expect(namespaces.status).toBe(200);
    const create = await call(reg.base, 'POST', '/v1/console/namespaces', {
      form: { customNamespaceId: 'n1', namespaceName: 'n1' },
      headers: as(reader),
    });
    expect(create.status).toBe(403);
  });
});

describe('auth disabled (the default)', () => {
  let reg: AuthRegistry;
  beforeAll(async () => {
    reg = await startAuthRegistry();
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('leaves naming and config open but never user management', async () => {
    const publish = await call(reg.base, 'POST', '/v1/cs/configs', {
      form: { dataId: 'a', group: 'G', content: 'c' },
    });
    expect(publish.status).toBe(200);
    const users = await call(reg.base, 'GET', '/v1/auth/users', { query: { pageNo: '1', pageSize: '10' } });
    expect(users.status).toBe(403);
    const create = await call(reg.base, 'POST', '/v1/auth/users', { form: { username: 'x', password: 'y' } });
    expect(create.status).toBe(403);
    const token = await login(reg.base, 'nacos', ADMIN_PASSWORD);
    const listed = await call(reg.base, 'GET', '/v1/auth/users', {
      query: { pageNo: '1', pageSize: '10', accessToken: token },
    });
    expect(listed.status).toBe(200);
  });
});
