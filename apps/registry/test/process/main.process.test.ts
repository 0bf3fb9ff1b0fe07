import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CLUSTER_SECRET_ENV,
  freeMemberPort,
  freePort,
  type RunningProcess,
  runRegistry,
  stop,
  waitForOk,
} from './registry-process.js';

let proc: RunningProcess | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await stop(proc);
  proc = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reg-main-'));
  created.push(dir);
  return dir;
}

describe('registry process', () => {
  it('starts standalone, logs its start line, serves liveness and stops on SIGTERM with exit 0', async () => {
    const port = await freePort();
    const dataDir = join(tempDir(), 'data');
    proc = runRegistry(['-m', 'standalone', '--port', String(port), '--data-dir', dataDir]);
    await waitForOk(`http://127.0.0.1:${port}/nacos/v1/console/health/liveness`, proc);
    const ready = await fetch(`http://127.0.0.1:${port}/nacos/v1/console/health/readiness`);
    expect(ready.status).toBe(200);

    const startLine = proc
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => typeof l.msg === 'string' && l.msg.includes('started successfully'));
    expect(startLine).toMatchObject({
      msg: 'reg started successfully in stand alone mode, use embedded storage',
      mode: 'standalone',
      storage: 'embedded',
      storageAt: join(dataDir, 'storage'),
      port,
      dataDir,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });

    const stoppedAt = Date.now();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
  });

  it('serves the first CP writes right after the start line (standalone elects itself before it)', async () => {
    const port = await freePort();
    proc = runRegistry(['-m', 'standalone', '--port', String(port), '--data-dir', join(tempDir(), 'd')]);
    const running = proc;
    const deadline = Date.now() + 15_000;
    while (!running.stdout().includes('started successfully') && Date.now() < deadline) {
      if (running.child.exitCode !== null) throw new Error(`exited early: ${running.stderr()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(running.stdout()).toContain('started successfully');
    const base = `http://127.0.0.1:${port}/nacos`;
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const publish = await fetch(
      `${base}/v1/cs/configs`,
      form({ dataId: 'first', group: 'G', content: 'v1' }),
    );
    expect(publish.status).toBe(200);
    expect(await publish.text()).toBe('true');
    const register = await fetch(
      `${base}/v1/ns/instance`,
      form({ serviceName: 'first-svc', ip: '10.0.0.1', port: '80', ephemeral: 'false' }),
    );
    expect(register.status).toBe(200);
    expect(await register.text()).toBe('ok');
    const read = await fetch(`${base}/v1/cs/configs?dataId=first&group=G`);
    expect(await read.text()).toBe('v1');
  });

  it('stops on SIGINT with exit 0', async () => {
    const port = await freePort();
    proc = runRegistry(['-m', 'standalone', '--port', String(port), '--data-dir', join(tempDir(), 'd')]);
    await waitForOk(`http://127.0.0.1:${port}/nacos/v1/console/health/liveness`, proc);
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
  });

  it('names the peer port in cluster mode', async () => {
    const port = await freeMemberPort();
    proc = runRegistry(['-m', 'cluster', '--port', String(port), '--data-dir', join(tempDir(), 'd')], {
      NACOS_MEMBER_LIST: `127.0.0.1:${port}`,
      ...CLUSTER_SECRET_ENV,
    });
    await waitForOk(`http://127.0.0.1:${port}/nacos/v1/console/health/liveness`, proc);
    expect(proc.stdout()).toContain(`"clusterPort":${port - 1000}`);
    expect(proc.stdout()).toContain('reg started successfully in cluster mode');
    expect(proc.stdout()).toContain(`"self":"127.0.0.1:${port}"`);
  });

  it('refuses cluster mode without a member list, or one that lacks this member', async () => {
    const home = tempDir();
    proc = runRegistry(
      ['-m', 'cluster', '--home', home, '--port', String(await freePort())],
      CLUSTER_SECRET_ENV,
    );
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('cluster mode needs');
    expect(proc.stderr()).toContain('nacos.member.list (or start with -m standalone)');

    proc = runRegistry(['-m', 'cluster', '--home', home, '--port', String(await freePort())], {
      NACOS_MEMBER_LIST: '127.0.0.1:1999,127.0.0.1:2999',
      ...CLUSTER_SECRET_ENV,
    });
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('self is not in the member list');
  });

  it('refuses cluster mode without a peer secret, naming the keys, before creating anything', async () => {
    const home = tempDir();
    const port = String(await freePort());
    proc = runRegistry(['-m', 'cluster', '--home', home, '--port', port], {
      NACOS_MEMBER_LIST: `127.0.0.1:${port}`,
    });
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('cluster mode needs a peer secret');
    expect(proc.stderr()).toContain('reg.cluster.secret');
    expect(proc.stderr()).toContain('nacos.core.auth.server.identity.key');
    expect(existsSync(join(home, 'data'))).toBe(false);

    proc = runRegistry(['-m', 'cluster', '--home', home, '--port', port], {
      NACOS_MEMBER_LIST: `127.0.0.1:${port}`,
      NACOS_CORE_AUTH_SERVER_IDENTITY_KEY: 'serverIdentity',
      NACOS_CORE_AUTH_SERVER_IDENTITY_VALUE: 'short',
    });
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('nacos.core.auth.server.identity.value: must be at least 16 characters');
  });

  it('exits non-zero with one line when the port is busy', async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(port, '127.0.0.1', resolve));
    proc = runRegistry(['-m', 'standalone', '--port', String(port), '--data-dir', join(tempDir(), 'd')]);
    expect(await proc.exited).toBe(1);
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `reg: port ${port} is already in use (server.port); stop the other process or choose another port with --port`,
    );
  });

  it('refuses an invalid configuration before binding, naming the key and line', async () => {
    const home = tempDir();
    mkdirSync(join(home, 'conf'));
    writeFileSync(
      join(home, 'conf', 'application.properties'),
      'nacos.standalone=true\nserver.port=eighty\n',
    );
    proc = runRegistry(['--home', home]);
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('server.port="eighty" (');
    expect(proc.stderr()).toContain('application.properties:2): expected a port number between 1 and 65535');
    expect(proc.stderr()).not.toContain('    at ');
  });

  it('refuses a data directory it cannot create', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    proc = runRegistry([
      '-m',
      'standalone',
      '--port',
      String(await freePort()),
      '--data-dir',
      join(file, 'data'),
    ]);
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(
      /^reg: cannot create the data directory .* \(reg\.data\.dir \/ --data-dir\)/,
    );
  });

  it('prints usage for --help and the version for --version', async () => {
    proc = runRegistry(['--help']);
    expect(await proc.exited).toBe(0);
    expect(proc.stdout()).toContain('-m, --mode <standalone|cluster>');
    proc = runRegistry(['--version']);
    expect(await proc.exited).toBe(0);
    expect(proc.stdout().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('keeps embedded storage under the data directory and refuses a second process on it', async () => {
    const port = await freePort();
    const dataDir = join(tempDir(), 'data');
    proc = runRegistry(['-m', 'standalone', '--port', String(port), '--data-dir', dataDir]);
    await waitForOk(`http://127.0.0.1:${port}/nacos/v1/console/health/liveness`, proc);
    expect(existsSync(join(dataDir, 'storage'))).toBe(true);
    const second = runRegistry([
      '-m',
      'standalone',
      '--port',
      String(await freePort()),
      '--data-dir',
      dataDir,
    ]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/^reg: cannot open embedded storage at .*storage: /);
    expect(second.stderr().trim().split('\n')).toHaveLength(1);
  });

  it('refuses an unknown datasource platform before binding, naming the key', async () => {
    proc = runRegistry(
      ['-m', 'standalone', '--port', String(await freePort()), '--data-dir', join(tempDir(), 'd')],
      {
        SPRING_DATASOURCE_PLATFORM: 'oracle',
      },
    );
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('spring.datasource.platform="oracle": expected mysql');
  });

  it('names the datasource key when MySQL settings are incomplete', async () => {
    proc = runRegistry(
      ['-m', 'standalone', '--port', String(await freePort()), '--data-dir', join(tempDir(), 'd')],
      {
        SPRING_DATASOURCE_PLATFORM: 'mysql',
      },
    );
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toMatch(/db\.num/);
  });

  it('rejects an unknown flag with exit 2', async () => {
    proc = runRegistry(['--bogus']);
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain("Unknown option '--bogus'");
  });
});
