// Auth against a real registry with auth on and a 2 s token lifetime: the client logs in,
// sends the token on every call, refreshes it before it expires, and reports bad credentials.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigClient, NamingClient } from '../src/index.js';
import { type RegistryProcess, startStandalone, waitFor } from './helpers/registry-process.js';

const PASSWORD = 'client-test-admin-password';
let server: RegistryProcess;
let home: string;
const closers: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'reg-client-auth-'));
  [server] = (await startStandalone(1, {
    'nacos.core.auth.enabled': 'true',
    'nacos.core.auth.plugin.nacos.token.expire.seconds': '2',
    'reg.auth.admin.password': PASSWORD,
  })) as [RegistryProcess];
});

afterAll(async () => {
  await Promise.all(closers.map((c) => c.close()));
  await server?.destroy();
  rmSync(home, { recursive: true, force: true });
});

describe('auth', () => {
  it('the server refuses calls without credentials', async () => {
    const anonymous = new NamingClient({ serverAddr: server.address, cacheHome: home, push: false });
    closers.push(anonymous);
    await expect(anonymous.registerInstance('secured', { ip: '10.0.0.1', port: 1 })).rejects.toMatchObject({
      code: 'CLIENT_AUTH_FAILED',
      status: 403,
    });
  });

  it('logs in, and refreshes the token before it expires while calls keep succeeding', async () => {
    const naming = new NamingClient({
      serverAddr: server.address,
      cacheHome: home,
      push: false,
      username: 'nacos',
      password: PASSWORD,
    });
    const config = new ConfigClient({
      serverAddr: server.address,
      cacheHome: home,
      username: 'nacos',
      password: PASSWORD,
    });
    closers.push(naming, config);
    await naming.registerInstance('secured', { ip: '10.0.0.2', port: 1 });
    await config.publishConfig('secured.txt', 'secret');
    expect(naming.stats().logins).toBe(1);

    // Calls over 3.5 s, longer than the 2 s token: the client must log in again before expiry
    // (at 90 % of the lifetime); an expired token would be refused with 403.
    const started = Date.now();
    let calls = 0;
    while (Date.now() - started < 3500 && calls < 200) {
      expect((await naming.getAllInstances('secured', { subscribe: false })).map((i) => i.ip)).toEqual([
        '10.0.0.2',
      ]);
      expect(await config.getConfig('secured.txt')).toBe('secret');
      calls++;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(naming.stats().logins).toBeGreaterThanOrEqual(2);
    expect(config.stats().logins).toBeGreaterThanOrEqual(2);
  });

  it('keeps a long poll working across token refreshes', async () => {
    const config = new ConfigClient({
      serverAddr: server.address,
      cacheHome: home,
      username: 'nacos',
      password: PASSWORD,
    });
    closers.push(config);
    const seen: Array<string | undefined> = [];
    await config.subscribe('rotating.txt', (e) => seen.push(e.content));
    await new Promise((r) => setTimeout(r, 2500));
    await config.publishConfig('rotating.txt', 'after expiry');
    await waitFor('the change', () => seen.includes('after expiry'), 8000);
  });

  it('wrong credentials fail with CLIENT_AUTH_FAILED', async () => {
    const naming = new NamingClient({
      serverAddr: server.address,
      cacheHome: home,
      push: false,
      username: 'nacos',
      password: 'wrong-password',
    });
    closers.push(naming);
    await expect(naming.getAllInstances('secured', { subscribe: false })).rejects.toMatchObject({
      code: 'CLIENT_AUTH_FAILED',
    });
  });
});
