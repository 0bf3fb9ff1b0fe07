// The real `nacos` npm clients (NacosNamingClient, NacosConfigClient) with username/password
// against a registry process with nacos.core.auth.enabled=true: everything works with the
// admin's credentials, and a wrong password fails with the server's 403.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientOptions, NacosConfigClient as NacosConfigClientType } from 'nacos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePortPair,
  type NamingProcess,
  startNamingProcess,
  waitUntil,
} from './helpers/registry-process.js';

// See config.test.ts: the config SDK shares clients machine-wide over a cluster-client port
// unless each process and client is given its own.
process.env.NODE_CLUSTER_CLIENT_PORT = String(await freePortPair());
const { NacosConfigClient, NacosNamingClient } = await import('nacos');
let clientSeq = 0;
class IsolatedConfigClient extends NacosConfigClient {
  override get clusterOptions() {
    return { name: `reg-compat-auth-${process.pid}-${++clientSeq}` };
  }
}

const ADMIN_PASSWORD = 'compat-admin-password-1';
const USER = 'compat-user';
const USER_PASSWORD = 'compat-user-password-1';
const GROUP = 'DEFAULT_GROUP';
const SERVICE = 'compat-auth-svc';

/** The SDK naming client's methods this test uses (its bundled typings are incomplete). */
interface NamingClient {
  ready(): Promise<void>;
  close(): Promise<void>;
  registerInstance(service: string, instance: Record<string, unknown>, group?: string): Promise<void>;
  deregisterInstance(service: string, instance: Record<string, unknown>, group?: string): Promise<void>;
  getAllInstances(
    service: string,
    group?: string,
    clusters?: string,
    subscribe?: boolean,
  ): Promise<{ port: number }[]>;
}

const cacheDir = mkdtempSync(join(tmpdir(), 'reg-nacos-auth-cache-'));
const configClients: NacosConfigClientType[] = [];
const namingClients: NamingClient[] = [];
let server: NamingProcess | undefined;

function configClient(username: string, password: string): NacosConfigClientType {
  if (!server) throw new Error('no registry');
  const options: ClientOptions = {
    serverAddr: `127.0.0.1:${server.port}`,
    requestTimeout: 3_000,
    cacheDir,
    username,
    password,
  };
  const client = new IsolatedConfigClient(options);
  configClients.push(client);
  return client;
}

/** `warnings` collects what the SDK logs as warnings: it reports each server's refusal there. */
function namingClient(username: string, password: string, warnings: string[] = []): NamingClient {
  if (!server) throw new Error('no registry');
  const quiet = () => undefined;
  const keep = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  const options = {
    logger: { debug: quiet, info: quiet, warn: keep, error: keep },
    serverList: `127.0.0.1:${server.port}`,
    namespace: 'public',
    username,
    password,
  };
  type Options = ConstructorParameters<typeof NacosNamingClient>[0];
  const client = new NacosNamingClient(options as unknown as Options) as unknown as NamingClient;
  namingClients.push(client);
  return client;
}

/** One form call to the server as the admin (token from a login). */
async function asAdmin(method: string, path: string, form: Record<string, string>): Promise<string> {
  const login = await fetch(`${server?.base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'nacos', password: ADMIN_PASSWORD }),
    signal: AbortSignal.timeout(5_000),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const res = await fetch(`${server?.base}${path}?accessToken=${encodeURIComponent(accessToken)}`, {
    method,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(5_000),
  });
  return `${res.status} ${await res.text()}`;
}

beforeAll(async () => {
  server = startNamingProcess({
    port: await freePortPair(),
    properties: { 'nacos.core.auth.enabled': 'true', 'reg.auth.admin.password': ADMIN_PASSWORD },
  });
  await waitUntil(
    'registry ready with auth on',
    async () => {
      if (server?.child.exitCode !== null) throw new Error(`exited: ${server?.output()}`);
      const res = await fetch(`${server.base}/v1/console/health/readiness`, {
        signal: AbortSignal.timeout(1_000),
      });
      return res.status === 200;
    },
    15_000,
  );
  // A second, non-admin user for the wrong-password cases, so failed logins never throttle the admin.
  expect(await asAdmin('POST', '/v1/auth/users', { username: USER, password: USER_PASSWORD })).toMatch(
    /^200 /,
  );
}, 30_000);

afterAll(async () => {
  for (const c of configClients.splice(0)) c.close();
  for (const c of namingClients.splice(0)) await c.close().catch(() => undefined);
  await server?.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('nacos SDK clients with username/password against a registry with auth on', () => {
  it('the naming client registers, lists and deregisters', async () => {
    const client = namingClient('nacos', ADMIN_PASSWORD);
    await client.ready();
    await client.registerInstance(SERVICE, { ip: '127.0.0.1', port: 18090 });
    await client.registerInstance(SERVICE, { ip: '127.0.0.1', port: 18091 });
    const listed = await client.getAllInstances(SERVICE, GROUP, '', false);
    expect(listed.map((h) => h.port).sort()).toEqual([18090, 18091]);
    await client.deregisterInstance(SERVICE, { ip: '127.0.0.1', port: 18090 });
    expect((await client.getAllInstances(SERVICE, GROUP, '', false)).map((h) => h.port)).toEqual([18091]);
    // Without credentials the server refuses the same read.
    const anonymous = await fetch(`${server?.base}/v1/ns/instance/list?serviceName=${SERVICE}`);
    expect(anonymous.status).toBe(403);
  });

  it('the config client publishes, gets, is notified and removes', async () => {
    const client = configClient('nacos', ADMIN_PASSWORD);
    await client.ready();
    const dataId = `compat.auth.${Date.now()}`;
    expect(await client.publishSingle(dataId, GROUP, 'a=1')).toBe(true);
    expect(await client.getConfig(dataId, GROUP, {})).toBe('a=1');
    const seen: (string | null)[] = [];
    client.subscribe({ dataId, group: GROUP }, (content: string | null) => seen.push(content));
    await waitUntil('first notification', () => seen.at(-1) === 'a=1', 10_000);
    expect(await client.publishSingle(dataId, GROUP, 'a=2')).toBe(true);
    await waitUntil(`change notification (saw ${JSON.stringify(seen)})`, () => seen.at(-1) === 'a=2', 10_000);
    expect(await client.remove(dataId, GROUP, {})).toBe(true);
    expect(await client.getConfig(dataId, GROUP, {})).toBeNull();
  });

  it('a wrong password fails clearly in both clients', async () => {
    const warnings: string[] = [];
    const naming = namingClient(USER, 'not-the-password', warnings);
    await expect(naming.registerInstance(SERVICE, { ip: '127.0.0.1', port: 18092 })).rejects.toThrow(
      /failed to req API: \/nacos\/v1\/ns\/instance/,
    );
    // The SDK logs the server's answer for each attempt: 403 with Nacos' text.
    expect(warnings.join('\n')).toMatch(/code: 403 msg: .*unknown user!/);
    const config = configClient(USER, 'not-the-password');
    await expect(config.publishSingle('compat.auth.denied', GROUP, 'x')).rejects.toThrow(/403/);
    // Nothing was written.
    const admin = configClient('nacos', ADMIN_PASSWORD);
    expect(await admin.getConfig('compat.auth.denied', GROUP, {})).toBeNull();
    const listed = await namingClient('nacos', ADMIN_PASSWORD).getAllInstances(SERVICE, GROUP, '', false);
    expect(listed.map((h) => h.port)).toEqual([18091]);
  });
});
