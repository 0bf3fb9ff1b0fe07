import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  bearer,
  call,
  login,
  type RegistryProcess,
  rawCall,
  startRegistryProcess,
} from './registry-process.js';

/**
 * Black-box attacks on a real registry process with auth enabled: CVE-2021-29441 (User-Agent
 * Nacos-Server) and its path-variant follow-ups, default identity headers, forged tokens
 * (QVD-2023-6271), deleted users, privilege escalation by non-admins, the Derby ops endpoint.
 * Every attempt must be refused AND change nothing, which is checked afterwards as the admin.
 */
const NACOS_DEFAULT_SECRET = 'SecretKey012345678901234567890123456789012345678901234567890123456789';
const DENIED = [401, 403, 404];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function hs256Token(payload: unknown, key: Buffer, header: unknown = { alg: 'HS256' }): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}
const farFuture = () => Math.floor(Date.now() / 1000) + 3600;

describe('auth bypass attempts against a registry process (auth on)', () => {
  let reg: RegistryProcess;
  let admin: string;

  beforeAll(async () => {
    reg = await startRegistryProcess({ properties: { 'nacos.core.auth.enabled': 'true' } });
    admin = await login(reg.base, 'nacos', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await reg?.stop();
  });

  const userList = async () =>
    (
      await call(reg.base, 'GET', '/v1/auth/users', {
        query: { pageNo: '1', pageSize: '100' },
        headers: bearer(admin),
      })
    )
      .json<{ pageItems: { username: string }[] }>()
      .pageItems.map((u) => u.username);

  it("refuses the User-Agent 'Nacos-Server' bypass and identity headers on every protected route and path variant", async () => {
    const before = await userList();
    const agents = ['Nacos-Server', 'Nacos-Server:v2.4.0', 'nacos-server'];
    const extraHeaders: Record<string, string>[] = [
      {},
      { serverIdentity: 'security' },
      { 'Nacos-Server': 'true' },
    ];
    const routes: [string, string, string][] = [
      ['POST', '/v1/auth/users', 'username=evil&password=evil-pw'],
      ['GET', '/v1/auth/users', 'pageNo=1&pageSize=10'],
      ['POST', '/v1/auth/roles', 'role=ROLE_ADMIN&username=evil'],
      ['POST', '/v1/cs/configs', 'dataId=pwn&group=G&content=x'],
      ['GET', '/v1/cs/configs', 'dataId=pwn&group=G'],
      ['POST', '/v1/console/namespaces', 'customNamespaceId=pwn&namespaceName=pwn'],
      ['POST', '/v1/ns/instance', 'serviceName=pwn&ip=10.0.0.1&port=80&ephemeral=false'],
    ];
    const variants = (path: string) => [
      `/nacos${path}`,
      `/nacos${path}/`,
      `/nacos${path.replace('/v1/', '//v1/')}`,
      `/nacos${path};x`,
      `/nacos/v1/../${path.slice(1)}`,
      `/nacos${path.replace(/\/([a-z]+)$/, '%2F$1')}`,
      `/nacos${path.toUpperCase()}`,
      `/nacos/nacos${path}`,
    ];
    let attempts = 0;
    for (const [method, path, params] of routes) {
      for (const url of variants(path)) {
        for (const ua of agents) {
          for (const extra of extraHeaders) {
            const answer = await rawCall(
              reg.port,
              method,
              method === 'GET' ? `${url}?${params}` : url,
              { 'User-Agent': ua, 'content-type': 'application/x-www-form-urlencoded', ...extra },
              method === 'GET' ? undefined : params,
            );
            attempts++;
            expect(
              DENIED,
              `${method} ${url} UA=${ua} ${JSON.stringify(extra)} -> ${answer.status}`,
            ).toContain(answer.status);
          }
        }
      }
    }
    expect(attempts).toBe(routes.length * 8 * agents.length * extraHeaders.length);
    // Nothing happened: no user, no config, no namespace, no service.
    expect(await userList()).toEqual(before);
    const config = await call(reg.base, 'GET', '/v1/cs/configs', {
      query: { dataId: 'pwn', group: 'G' },
      headers: bearer(admin),
    });
    expect(config.status).toBe(404);
    const namespaces = await call(reg.base, 'GET', '/v1/console/namespaces', { headers: bearer(admin) });
    expect(namespaces.text).not.toContain('pwn');
    const service = await call(reg.base, 'GET', '/v1/ns/instance/list', {
      query: { serviceName: 'pwn' },
      headers: bearer(admin),
    });
    expect(service.json<{ hosts: unknown[] }>().hosts).toEqual([]);
  });

  it("refuses tokens forged with Nacos' published secret, an empty key, alg none, another installation's key, or an edited payload", async () => {
    const payload = { sub: 'nacos', exp: farFuture() };
    const forged = [
      hs256Token(payload, Buffer.from(NACOS_DEFAULT_SECRET, 'base64')),
      hs256Token(payload, Buffer.from(NACOS_DEFAULT_SECRET)),
      hs256Token(payload, Buffer.alloc(0)),
      `${b64({ alg: 'none' })}.${b64(payload)}.`,
      hs256Token(payload, Buffer.alloc(32, 42)),
    ];
    const genuine = await login(reg.base, 'nacos', ADMIN_PASSWORD);
    const [header, , signature] = genuine.split('.');
    forged.push(`${header}.${b64({ sub: 'somebody-else', exp: farFuture() })}.${signature}`);
    forged.push('x'.repeat(10_000));
    for (const token of forged) {
      for (const headers of [bearer(token), {}]) {
        const answer = await call(reg.base, 'GET', '/v1/auth/users', {
          query: {
            pageNo: '1',
            pageSize: '10',
            ...(Object.keys(headers).length === 0 ? { accessToken: token } : {}),
          },
          headers,
        });
        expect(answer.status, token.slice(0, 40)).toBe(403);
        expect(answer.json().message).toBe('token invalid!');
      }
    }
  });

  it("stops a deleted user's token at once", async () => {
    await call(reg.base, 'POST', '/v1/auth/users', {
      form: { username: 'temp', password: 'temp-pw' },
      headers: bearer(admin),
    });
    await call(reg.base, 'POST', '/v1/auth/roles', {
      form: { role: 'temps', username: 'temp' },
      headers: bearer(admin),
    });
    await call(reg.base, 'POST', '/v1/auth/permissions', {
      form: { role: 'temps', resource: ':*:*', action: 'rw' },
      headers: bearer(admin),
    });
    const token = await login(reg.base, 'temp', 'temp-pw');
    const before = await call(reg.base, 'GET', '/v1/cs/configs', {
      query: { dataId: 'nothing', group: 'G' },
      headers: bearer(token),
    });
    expect(before.status).toBe(404);
    const deleted = await call(reg.base, 'DELETE', '/v1/auth/users', {
      query: { username: 'temp' },
      headers: bearer(admin),
    });
    expect(deleted.json()).toEqual({ code: 200, message: 'delete user ok!', data: null });
    const after = await call(reg.base, 'GET', '/v1/cs/configs', {
      query: { dataId: 'nothing', group: 'G' },
      headers: bearer(token),
    });
    expect(after.status).toBe(403);
    expect(after.json().message).toBe('user not found!');
  });

  it('refuses a non-admin creating users, granting roles or permissions, and changing others', async () => {
    await call(reg.base, 'POST', '/v1/auth/users', {
      form: { username: 'plain', password: 'plain-pw' },
      headers: bearer(admin),
    });
    await call(reg.base, 'POST', '/v1/auth/roles', {
      form: { role: 'everything', username: 'plain' },
      headers: bearer(admin),
    });
    // Even a permission on everything grants no console rights.
    await call(reg.base, 'POST', '/v1/auth/permissions', {
      form: { role: 'everything', resource: '*', action: 'rw' },
      headers: bearer(admin),
    });
    const token = await login(reg.base, 'plain', 'plain-pw');
    const before = await userList();
    const attempts: [string, string, Record<string, string>][] = [
      ['POST', '/v1/auth/users', { username: 'evil', password: 'evil-pw' }],
      ['POST', '/v1/auth/roles', { role: 'ROLE_ADMIN', username: 'plain' }],
      ['POST', '/v1/auth/roles', { role: 'everything', username: 'nacos' }],
      ['POST', '/v1/auth/permissions', { role: 'everything', resource: 'console/*', action: 'rw' }],
      ['DELETE', '/v1/auth/users', { username: 'nacos' }],
      ['PUT', '/v1/auth/users', { username: 'nacos', newPassword: 'hijacked' }],
      ['POST', '/v1/auth/users/admin', { password: 'takeover-pw' }],
    ];
    for (const [method, path, form] of attempts) {
      const answer = await call(reg.base, method, path, { form, headers: bearer(token) });
      expect([403, 409], `${method} ${path} -> ${answer.status} ${answer.text}`).toContain(answer.status);
    }
    expect(await userList()).toEqual(before);
    expect(await login(reg.base, 'nacos', ADMIN_PASSWORD)).toBeTruthy();
    const roles = await call(reg.base, 'GET', '/v1/auth/roles', {
      query: { pageNo: '1', pageSize: '100', username: 'plain' },
      headers: bearer(admin),
    });
    expect(roles.json<{ pageItems: { role: string }[] }>().pageItems.map((r) => r.role)).toEqual([
      'everything',
    ]);
  });

  it('never accepts nacos/nacos, and keeps the Derby SQL endpoints absent', async () => {
    const defaultLogin = await call(reg.base, 'POST', '/v1/auth/login', {
      form: { username: 'nacos', password: 'nacos' },
    });
    expect(defaultLogin.status).toBe(403);
    for (const headers of [bearer(admin), { 'User-Agent': 'Nacos-Server' }, {}] as Record<string, string>[]) {
      const derby = await call(reg.base, 'GET', '/v1/cs/ops/derby', {
        query: { sql: 'select * from users' },
        headers,
      });
      expect(derby.status).toBe(404);
      const removal = await call(reg.base, 'POST', '/v1/cs/ops/data/removal', {
        form: { file: 'x' },
        headers,
      });
      expect(removal.status).toBe(404);
    }
  });
});
