import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  call,
  freeMemberPort,
  login,
  type RegistryProcess,
  startRegistryProcess,
  waitReady,
} from './registry-process.js';

/**
 * Auth across three member processes on embedded storage, with no token secret and no admin
 * password configured: the members agree on one generated secret through the `auth` CP module (a
 * token from one member works at every member), exactly one member prints the generated admin
 * password, users written at one member apply everywhere, and a deleted user's token stops working
 * at every member.
 */
describe('auth in a three-member cluster (auth on, nothing preconfigured)', () => {
  const members: RegistryProcess[] = [];

  beforeAll(async () => {
    const ports = [await freeMemberPort(), await freeMemberPort(), await freeMemberPort()];
    const clusterConf = `${ports.map((p) => `127.0.0.1:${p}`).join('\n')}\n`;
    const started = await Promise.all(
      ports.map((port) =>
        startRegistryProcess({
          port,
          clusterConf,
          waitReady: false,
          properties: { 'nacos.core.auth.enabled': 'true', 'reg.raft.election.timeout.ms': '300' },
          env: { REG_AUTH_ADMIN_PASSWORD: '', REG_CLUSTER_SECRET: 'security-cluster-peer-secret' },
        }),
      ),
    );
    members.push(...started);
    await Promise.all(members.map((m) => waitReady(m)));
  });
  afterAll(async () => {
    for (const m of members) await m.stop();
  });

  /** Polls `check` for up to `ms`; returns its last answer. */
  async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return check();
  }

  it('prints the generated admin password on exactly one member, and it works at every member', async () => {
    const printed = members.flatMap((m) =>
      m
        .stdout()
        .split('\n')
        .filter((line) => line.includes('initialPassword'))
        .map((line) => (JSON.parse(line) as { initialPassword: string }).initialPassword),
    );
    expect(printed).toHaveLength(1);
    for (const m of members) expect(await login(m.base, 'nacos', printed[0] as string)).toBeTruthy();
  });

  it('shares one generated secret: a token from one member is accepted by all', async () => {
    const secrets = members.map((m) => readFileSync(join(m.home, 'data', 'auth', 'token.secret'), 'utf8'));
    expect(new Set(secrets).size).toBe(1);
    const password = adminPassword(members);
    const token = await login(members[0]!.base, 'nacos', password);
    for (const m of members) {
      const answer = await call(m.base, 'GET', '/v1/auth/users', {
        query: { pageNo: '1', pageSize: '5' },
        headers: bearer(token),
      });
      expect(answer.status, m.base).toBe(200);
    }
  });

  it("applies users everywhere and stops a deleted user's token at every member", async () => {
    const [a, b, c] = members as [RegistryProcess, RegistryProcess, RegistryProcess];
    const admin = await login(a.base, 'nacos', adminPassword(members));
    const created = await call(b.base, 'POST', '/v1/auth/users', {
      form: { username: 'roamer', password: 'roamer-pw' },
      headers: bearer(admin),
    });
    expect(created.json()).toEqual({ code: 200, message: 'create user ok!', data: null });
    let token = '';
    expect(
      await eventually(async () => {
        const answer = await call(c.base, 'POST', '/v1/auth/login', {
          form: { username: 'roamer', password: 'roamer-pw' },
        });
        token = answer.status === 200 ? answer.json<{ accessToken: string }>().accessToken : '';
        return token !== '';
      }),
    ).toBe(true);
    const readNamespaces = (m: RegistryProcess) =>
      call(m.base, 'GET', '/v1/console/namespaces', { headers: bearer(token) });
    for (const m of members) expect((await readNamespaces(m)).status).toBe(200);

    await call(c.base, 'DELETE', '/v1/auth/users', { query: { username: 'roamer' }, headers: bearer(admin) });
    expect((await readNamespaces(c)).status).toBe(403);
    for (const m of [a, b]) {
      expect(await eventually(async () => (await readNamespaces(m)).status === 403, 3_000), m.base).toBe(
        true,
      );
    }
  });

  it("refuses 'User-Agent: Nacos-Server' at every member", async () => {
    for (const m of members) {
      const answer = await call(m.base, 'POST', '/v1/auth/users', {
        form: { username: 'evil', password: 'evil-pw' },
        headers: { 'User-Agent': 'Nacos-Server' },
      });
      expect(answer.status).toBe(403);
    }
  });
});

function adminPassword(members: RegistryProcess[]): string {
  for (const m of members) {
    const line = m
      .stdout()
      .split('\n')
      .find((l) => l.includes('initialPassword'));
    if (line) return (JSON.parse(line) as { initialPassword: string }).initialPassword;
  }
  throw new Error('no member printed the admin password');
}
