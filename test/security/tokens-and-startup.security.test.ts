import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, call, login, type RegistryProcess, startRegistryProcess } from './registry-process.js';

/**
 * Token lifetime, the per-installation secret and the first admin, on real processes: an expired
 * token is refused; a fresh data directory has no nacos/nacos but a generated password printed
 * once; the secret survives a restart (tokens stay valid) and is kept with mode 0600; a configured
 * secret that anyone knows stops the start.
 */
const started: RegistryProcess[] = [];
afterAll(async () => {
  for (const proc of started) await proc.stop();
});

async function start(...args: Parameters<typeof startRegistryProcess>): Promise<RegistryProcess> {
  const proc = await startRegistryProcess(...args);
  started.push(proc);
  return proc;
}

/** The password a first start printed, from the JSON line on stdout. */
function printedPasswords(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.includes('initialPassword'))
    .map((line) => (JSON.parse(line) as { initialPassword: string }).initialPassword);
}

describe('tokens and start-up (auth on)', () => {
  it('refuses an expired token', async () => {
    const reg = await start({
      properties: {
        'nacos.core.auth.enabled': 'true',
        'nacos.core.auth.plugin.nacos.token.expire.seconds': '1',
      },
    });
    const token = await login(reg.base, 'nacos', 'security-tests-admin-pw');
    const fresh = await call(reg.base, 'GET', '/v1/auth/users', {
      query: { pageNo: '1', pageSize: '1' },
      headers: bearer(token),
    });
    expect(fresh.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_100));
    const stale = await call(reg.base, 'GET', '/v1/auth/users', {
      query: { pageNo: '1', pageSize: '1' },
      headers: bearer(token),
    });
    expect(stale.status).toBe(403);
    expect(stale.json().message).toBe('token expired!');
  });

  it('prints a generated admin password once, keeps the secret across a restart, never accepts nacos/nacos', async () => {
    const properties = { 'nacos.core.auth.enabled': 'true' };
    const first = await start({ properties, env: { REG_AUTH_ADMIN_PASSWORD: '' } });
    const passwords = printedPasswords(first.stdout());
    expect(passwords).toHaveLength(1);
    const password = passwords[0] as string;
    expect(password.length).toBeGreaterThanOrEqual(16);
    const defaultLogin = await call(first.base, 'POST', '/v1/auth/login', {
      form: { username: 'nacos', password: 'nacos' },
    });
    expect(defaultLogin.status).toBe(403);
    const token = await login(first.base, 'nacos', password);
    const secretFile = join(first.home, 'data', 'auth', 'token.secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);

    await first.stop(true);
    const second = await start({ properties, env: { REG_AUTH_ADMIN_PASSWORD: '' }, home: first.home });
    expect(printedPasswords(second.stdout())).toEqual([]);
    const stillValid = await call(second.base, 'GET', '/v1/auth/users', {
      query: { pageNo: '1', pageSize: '5' },
      headers: bearer(token),
    });
    expect(stillValid.status).toBe(200);
    expect(await login(second.base, 'nacos', password)).toBeTruthy();
  });

  it("refuses to start with Nacos' published secret, naming the key", async () => {
    const reg = await start({
      properties: {
        'nacos.core.auth.enabled': 'true',
        'nacos.core.auth.default.token.secret.key':
          'SecretKey012345678901234567890123456789012345678901234567890123456789',
      },
      waitReady: false,
    });
    expect(await reg.exited).toBe(2);
    expect(reg.stderr()).toContain(
      "nacos.core.auth.default.token.secret.key: is Nacos' published default secret",
    );
    expect(reg.stderr()).not.toContain('SecretKey0123');
  });
});
