import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PersistentHealthChecker } from '../../src/naming/health-checker.js';
import { defaultProbe, httpProbe, tcpProbe } from '../../src/naming/health-probes.js';
import { applyInstanceOp } from '../../src/naming/instance-ops.js';
import type { InstanceRecord, StoredService } from '../../src/naming/model.js';
import { serviceKeyOf } from '../../src/naming/names.js';
import { instance } from './fixtures.js';

const servers: (Server | TcpServer)[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(() => r(undefined)));
});

async function listen<T extends Server | TcpServer>(server: T): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const address = s.address();
  await new Promise((r) => s.close(() => r(undefined)));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('probes against real listeners', () => {
  it('TCP: a listening port is healthy, a closed one is not', async () => {
    const open = await listen(createServer((socket) => socket.destroy()));
    expect(await tcpProbe('127.0.0.1', open)).toBe('ok');
    expect(await tcpProbe('127.0.0.1', await closedPort())).toBe('fail');
  });

  it('HTTP: expected status ok, 503 soft, 500 hard, headers sent', async () => {
    let seenHeader: string | undefined;
    const port = await listen(
      createHttpServer((req, res) => {
        seenHeader = req.headers['x-probe'] as string | undefined;
        res.statusCode = req.url === '/ok' ? 200 : req.url === '/busy' ? 503 : 500;
        res.end();
      }),
    );
    const http = (path: string) => ({
      type: 'HTTP' as const,
      path,
      headers: 'x-probe=yes|other=1',
      expectedResponseCode: 200,
    });
    expect(await httpProbe('127.0.0.1', port, http('/ok'))).toBe('ok');
    expect(seenHeader).toBe('yes');
    expect(await httpProbe('127.0.0.1', port, http('/busy'))).toBe('soft-fail');
    expect(await httpProbe('127.0.0.1', port, http('/broken'))).toBe('fail');
    expect(
      await defaultProbe('127.0.0.1', await closedPort(), {
        type: 'HTTP',
        path: '/',
        headers: '',
        expectedResponseCode: 200,
      }),
    ).toBe('fail');
  });
});

function setup(options: {
  leader?: () => boolean;
  checker?: StoredService['clusters'][string]['healthChecker'];
  checkTimes?: number;
}) {
  const key = serviceKeyOf('public', 'DEFAULT_GROUP@@orders');
  const service: StoredService = {
    key,
    protectThreshold: 0,
    metadata: {},
    selector: { type: 'none' },
    enabled: true,
    createdAt: 0,
    clusters: options.checker
      ? {
          DEFAULT: {
            name: 'DEFAULT',
            healthChecker: options.checker,
            checkPort: 80,
            useInstancePort4Check: true,
            metadata: {},
          },
        }
      : {},
  };
  const state = { list: [] as readonly InstanceRecord[] };
  const reports: boolean[] = [];
  const checker = new PersistentHealthChecker({
    isLeader: options.leader ?? (() => true),
    enabled: () => true,
    checkTimes: () => options.checkTimes ?? 3,
    targets: () => [{ key: 'k', service, instances: state.list }],
    probe: defaultProbe,
    report: async (_key, at, healthy) => {
      reports.push(healthy);
      state.list = applyInstanceOp(state.list, { t: 'health', at, healthy });
    },
    onError: (err) => {
      throw err;
    },
  });
  return { state, reports, checker };
}

describe('the persistent health checker', () => {
  it('flips after checkTimes failures and back after checkTimes successes (TCP)', async () => {
    const port = await listen(createServer((socket) => socket.destroy()));
    const { state, reports, checker } = setup({});
    state.list = [instance('127.0.0.1', { port, ephemeral: false })];
    await checker.tick();
    expect(reports).toEqual([]);
    // Close the listener: three failed rounds flip it.
    await new Promise((r) => servers.pop()?.close(() => r(undefined)));
    for (let i = 0; i < 2; i++) await checker.tick();
    expect(reports).toEqual([]);
    await checker.tick();
    expect(reports).toEqual([false]);
    expect(state.list[0]?.healthy).toBe(false);
    // Listen again on the same port: three good rounds flip it back.
    const again = createServer((socket) => socket.destroy());
    servers.push(again);
    await new Promise<void>((r) => again.listen(port, '127.0.0.1', () => r()));
    for (let i = 0; i < 3; i++) await checker.tick();
    expect(reports).toEqual([false, true]);
  });

  it('a hard HTTP failure flips at once; marked and ephemeral instances are left alone', async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.statusCode = 500;
        res.end();
      }),
    );
    const { state, reports, checker } = setup({
      checker: { type: 'HTTP', path: '/health', headers: '', expectedResponseCode: 200 },
    });
    state.list = [
      instance('127.0.0.1', { port, ephemeral: false }),
      instance('127.0.0.3', { port, ephemeral: false, marked: true }),
      instance('127.0.0.2', { port, ephemeral: true }),
    ];
    await checker.tick();
    expect(reports).toEqual([false]);
  });

  it('only the leader checks; NONE clusters are never probed', async () => {
    let leader = false;
    const { state, reports, checker } = setup({ leader: () => leader, checkTimes: 1 });
    state.list = [instance('127.0.0.1', { port: await closedPort(), ephemeral: false })];
    await checker.tick();
    expect(reports).toEqual([]);
    leader = true;
    await checker.tick();
    expect(reports).toEqual([false]);
    const none = setup({ checker: { type: 'NONE' }, checkTimes: 1 });
    none.state.list = [instance('127.0.0.1', { port: await closedPort(), ephemeral: false })];
    await none.checker.tick();
    expect(none.reports).toEqual([]);
  });
});
