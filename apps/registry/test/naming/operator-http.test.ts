import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, type NamingRegistry, startNamingRegistry } from './naming-harness.js';

let reg: NamingRegistry;
let req: ReturnType<typeof client>;
let listener: Server;
let livePort: number;
beforeAll(async () => {
  reg = await startNamingRegistry();
  req = client(reg.base);
  // A real TCP listener for the server-side checks of persistent instances.
  listener = createServer((socket) => socket.destroy());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
  livePort = (listener.address() as { port: number }).port;
});
afterAll(async () => {
  await reg?.close();
  await new Promise((r) => listener?.close(r));
});

const answer = async (
  method: string,
  path: string,
  query: Record<string, string | number | boolean> = {},
) => {
  const r = await req(method, path, query);
  return [r.status, r.text];
};
const setSwitch = (entry: string, value: string) =>
  answer('PUT', '/v1/ns/operator/switches', { entry, value });

describe('switches and server modes (seed 000)', () => {
  it('shows and changes switches, refusing bad entries', async () => {
    expect((await req('GET', '/v1/ns/operator/switches')).json()).toMatchObject({
      serverMode: 'MIXED',
      clientBeatInterval: 5000,
    });
    expect(await setSwitch('clientBeatInterval', '4000')).toEqual([200, 'ok']);
    expect((await req('GET', '/v1/ns/ops/switches')).json().clientBeatInterval).toBe(4000);
    const beat = await req('PUT', '/v1/ns/instance/beat', { serviceName: 'x', ip: '10.4.0.1', port: 1 });
    expect(beat.json()).toEqual({ clientBeatInterval: 4000, code: 20404 });
    expect(await setSwitch('clientBeatInterval', '5000')).toEqual([200, 'ok']);
    expect(await setSwitch('nope', '1')).toEqual([400, 'update entry not found: nope']);
    expect(await answer('PUT', '/v1/ns/operator/switches', { entry: 'serverMode' })).toEqual([
      400,
      "Param 'value' is required.",
    ]);
  });

  it('AP accepts only ephemeral instances; CP needs the service first; MIXED takes both', async () => {
    expect(await setSwitch('serverMode', 'AP')).toEqual([200, 'ok']);
    expect(
      await answer('POST', '/v1/ns/instance', {
        serviceName: 'modes',
        ip: '127.0.0.1',
        port: livePort,
        ephemeral: false,
      }),
    ).toEqual([400, 'server mode is AP: persistent instances (ephemeral=false) are not accepted']);
    expect(
      await answer('POST', '/v1/ns/instance', { serviceName: 'modes', ip: '10.4.1.1', port: 1 }),
    ).toEqual([200, 'ok']);

    expect(await setSwitch('serverMode', 'CP')).toEqual([200, 'ok']);
    expect(
      await answer('POST', '/v1/ns/instance', {
        serviceName: 'cp-only',
        ip: '127.0.0.1',
        port: livePort,
        ephemeral: false,
      }),
    ).toEqual([400, 'service not found, namespace: public, service: DEFAULT_GROUP@@cp-only']);
    expect((await req('GET', '/v1/ns/service', { serviceName: 'cp-only' })).status).toBe(404);
    expect(await answer('POST', '/v1/ns/service', { serviceName: 'cp-only' })).toEqual([200, 'ok']);
    expect(
      await answer('POST', '/v1/ns/instance', {
        serviceName: 'cp-only',
        ip: '127.0.0.1',
        port: livePort,
        ephemeral: false,
      }),
    ).toEqual([200, 'ok']);

    expect(await setSwitch('serverMode', 'MIXED')).toEqual([200, 'ok']);
    expect(
      await answer('POST', '/v1/ns/instance', {
        serviceName: 'mixed',
        ip: '127.0.0.1',
        port: livePort,
        ephemeral: false,
      }),
    ).toEqual([200, 'ok']);
    const hosts = (await req('GET', '/v1/ns/instance/list', { serviceName: 'mixed' })).json().hosts;
    expect(hosts).toMatchObject([{ ip: '127.0.0.1', ephemeral: false, healthy: true }]);
  });
});

describe('server-side health checks of persistent instances', () => {
  it('marks an instance whose port is closed unhealthy, and never deletes it', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise((r) => dead.close(r));
    await req('POST', '/v1/ns/instance', {
      serviceName: 'checked',
      ip: '127.0.0.1',
      port: deadPort,
      ephemeral: false,
    });
    await req('POST', '/v1/ns/instance', {
      serviceName: 'checked',
      ip: '127.0.0.1',
      port: livePort,
      ephemeral: false,
    });
    const health = async () =>
      Object.fromEntries(
        (await req('GET', '/v1/ns/instance/statuses', { key: 'DEFAULT_GROUP@@checked' }))
          .json()
          .ips.map((s: string) => s.split('_')),
      );
    await eventually(async () => (await health())[`127.0.0.1:${deadPort}`] === 'false', 5000);
    expect(await health()).toEqual({ [`127.0.0.1:${deadPort}`]: 'false', [`127.0.0.1:${livePort}`]: 'true' });
    expect(reg.naming.metrics.healthFlips).toBeGreaterThanOrEqual(1);
    // The delete timeout does not apply: persistent instances stay until deregistered.
    await new Promise((r) => setTimeout(r, 300));
    expect(Object.keys(await health())).toHaveLength(2);
    expect(
      await answer('DELETE', '/v1/ns/instance', {
        serviceName: 'checked',
        ip: '127.0.0.1',
        port: deadPort,
        ephemeral: false,
      }),
    ).toEqual([200, 'ok']);
    expect(Object.keys(await health())).toEqual([`127.0.0.1:${livePort}`]);
  });

  it("uses the cluster's HTTP checker: path, headers and status decide", async () => {
    let status = 200;
    let seen = '';
    const web = createHttpServer((request, response) => {
      seen = `${request.url} ${request.headers['x-check']}`;
      response.statusCode = status;
      response.end();
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (web.address() as { port: number }).port;
      await req('POST', '/v1/ns/instance', {
        serviceName: 'web',
        ip: '127.0.0.1',
        port,
        ephemeral: false,
        clusterName: 'W',
      });
      const checker = JSON.stringify({
        type: 'HTTP',
        path: '/ready',
        headers: 'x-check=1',
        expectedResponseCode: 200,
      });
      expect(
        await answer('PUT', '/v1/ns/cluster', {
          serviceName: 'web',
          clusterName: 'W',
          checkPort: 80,
          useInstancePort4Check: true,
          healthChecker: checker,
        }),
      ).toEqual([200, 'ok']);
      const healthy = async () =>
        (
          await req('GET', '/v1/ns/instance', { serviceName: 'web', ip: '127.0.0.1', port, clusterName: 'W' })
        ).json().healthy;
      await eventually(() => seen === '/ready 1', 3000);
      expect(await healthy()).toBe(true);
      status = 500; // a hard failure flips at once
      await eventually(async () => (await healthy()) === false, 3000);
      status = 200;
      await eventually(async () => (await healthy()) === true, 3000);
    } finally {
      await new Promise((r) => web.close(r));
    }
  });

  it('PUT /health works only for clusters whose checker is NONE (set with PUT /cluster)', async () => {
    await req('POST', '/v1/ns/instance', {
      serviceName: 'manual',
      ip: '127.0.0.1',
      port: livePort,
      ephemeral: false,
      clusterName: 'M',
    });
    const put = (healthy: boolean) =>
      answer('PUT', '/v1/ns/health', {
        serviceName: 'manual',
        ip: '127.0.0.1',
        port: livePort,
        clusterName: 'M',
        healthy,
      });
    expect(await put(false)).toEqual([400, 'health check is still working, service: DEFAULT_GROUP@@manual']);
    expect(
      await answer('PUT', '/v1/ns/cluster', {
        serviceName: 'manual',
        clusterName: 'M',
        checkPort: 80,
        useInstancePort4Check: true,
        healthChecker: '{"type":"NONE"}',
      }),
    ).toEqual([200, 'ok']);
    expect(await put(false)).toEqual([200, 'ok']);
    expect(
      (
        await req('GET', '/v1/ns/instance', {
          serviceName: 'manual',
          ip: '127.0.0.1',
          port: livePort,
          clusterName: 'M',
        })
      ).json().healthy,
    ).toBe(false);
    const service = (await req('GET', '/v1/ns/catalog/service', { serviceName: 'manual' })).json();
    expect(service.clusters).toEqual([
      {
        name: 'M',
        serviceName: 'DEFAULT_GROUP@@manual',
        healthChecker: { type: 'NONE' },
        defaultPort: 80,
        defaultCheckPort: 80,
        useIPPort4Check: true,
        metadata: {},
      },
    ]);
    expect(
      await answer('PUT', '/v1/ns/cluster', {
        serviceName: 'manual',
        clusterName: 'M',
        checkPort: 80,
        useInstancePort4Check: true,
        healthChecker: '{"type":"SMOKE"}',
      }),
    ).toEqual([400, 'healthChecker format incorrect: {"type":"SMOKE"}']);
    expect(
      (await answer('PUT', '/v1/ns/health', { serviceName: 'manual', ip: '127.0.0.1', port: livePort }))[1],
    ).toBe("Param 'healthy' is required.");
  });
});

describe('operator and catalog endpoints', () => {
  it('reports metrics with status UP and counts', async () => {
    const m = (await req('GET', '/v1/ns/operator/metrics')).json();
    expect(m.status).toBe('UP');
    expect(m.serviceCount).toBeGreaterThan(0);
    expect(m.instanceCount).toBeGreaterThan(0);
    expect(m.responsibleServiceCount).toBe(m.serviceCount);
    expect(Object.keys(m).sort()).toEqual(
      [
        'status',
        'serviceCount',
        'instanceCount',
        'raftNotifyTaskCount',
        'responsibleServiceCount',
        'responsibleInstanceCount',
        'cpu',
        'load',
        'mem',
      ].sort(),
    );
  });

  it('lists servers in Nacos member shape, and answers the retired raft API as 1.4 does', async () => {
    const servers = (await req('GET', '/v1/ns/operator/servers', { healthy: true })).json().servers;
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({ ip: '127.0.0.1', state: 'UP' });
    expect(servers[0]).toHaveProperty('extendInfo');
    expect(await answer('GET', '/v1/ns/raft/leader')).toEqual([
      500,
      'caused: old raft protocol already stop;',
    ]);
    expect((await req('GET', '/v1/ns/health/server')).json().msg).toMatch(
      /^Hello! I am Nacos-Naming and healthy!/,
    );
    expect((await req('GET', '/v1/ns/operator/distro/server', { serviceName: 'x' })).json()).toEqual({
      responsibleServer: expect.any(String),
    });
  });

  it('serves the console catalog', async () => {
    await req('POST', '/v1/ns/instance', { serviceName: 'cat', groupName: 'shop', ip: '10.4.2.1', port: 1 });
    await req('POST', '/v1/ns/instance', {
      serviceName: 'cat',
      groupName: 'shop',
      ip: '10.4.2.2',
      port: 2,
      clusterName: 'B',
    });
    const list = (
      await req('GET', '/v1/ns/catalog/services', {
        withInstances: false,
        pageNo: 1,
        pageSize: 10,
        serviceNameParam: 'ca',
        groupNameParam: 'sho',
      })
    ).json();
    expect(list).toEqual({
      count: 1,
      serviceList: [
        {
          name: 'cat',
          groupName: 'shop',
          clusterCount: 2,
          ipCount: 2,
          healthyInstanceCount: 2,
          triggerFlag: 'false',
        },
      ],
    });
    const detailed = (
      await req('GET', '/v1/ns/catalog/services', { serviceNameParam: 'cat', instance: '10.4.2.2:2' })
    ).json();
    expect(detailed).toHaveLength(1);
    expect(detailed[0].clusterMap.B.hosts).toEqual([
      { ip: '10.4.2.2', port: 2, valid: true, weight: 1, enabled: true, metadata: {} },
    ]);
    const instances = (
      await req('GET', '/v1/ns/catalog/instances', {
        serviceName: 'shop@@cat',
        clusterName: 'DEFAULT',
        pageNo: 1,
        pageSize: 5,
      })
    ).json();
    expect(instances.count).toBe(1);
    expect(instances.list[0]).toMatchObject({
      ip: '10.4.2.1',
      instanceHeartBeatInterval: 5000,
      instanceHeartBeatTimeOut: 15000,
      ipDeleteTimeout: 30000,
      instanceIdGenerator: 'simple',
      app: 'DEFAULT',
    });
    expect(
      await answer('GET', '/v1/ns/catalog/instances', {
        serviceName: 'shop@@cat',
        clusterName: 'Z',
        pageNo: 1,
        pageSize: 5,
      }),
    ).toEqual([404, 'cluster Z is not found!']);
    expect(await answer('GET', '/v1/ns/catalog/service', { serviceName: 'none' })).toEqual([
      404,
      'service DEFAULT_GROUP@@none is not found!',
    ]);
  });
});
