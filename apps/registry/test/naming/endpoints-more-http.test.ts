import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, type NamingRegistry, startNamingRegistry } from './naming-harness.js';

let reg: NamingRegistry;
let req: ReturnType<typeof client>;
const sockets: Socket[] = [];
beforeAll(async () => {
  reg = await startNamingRegistry();
  req = client(reg.base);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await reg?.close();
});

async function udpSocket(): Promise<number> {
  const s = createSocket('udp4');
  sockets.push(s);
  s.on('message', (msg, rinfo) => {
    const packet = JSON.parse(msg.toString());
    s.send(
      JSON.stringify({ type: 'push-ack', lastRefTime: String(packet.lastRefTime), data: '' }),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s.address().port;
}

describe('service list selectors', () => {
  it('filters by instance or service metadata', async () => {
    await req('POST', '/v1/ns/instance', {
      serviceName: 'sel-a',
      ip: '10.8.0.1',
      port: 1,
      metadata: '{"zone":"east"}',
    });
    await req('POST', '/v1/ns/instance', {
      serviceName: 'sel-b',
      ip: '10.8.0.2',
      port: 1,
      metadata: '{"zone":"west"}',
    });
    await req('POST', '/v1/ns/service', { serviceName: 'sel-c', metadata: 'tier=gold' });
    const list = async (expression: string) =>
      (
        await req('GET', '/v1/ns/service/list', {
          pageNo: 1,
          pageSize: 10,
          selector: JSON.stringify({ type: 'label', expression }),
        })
      ).json();
    expect(await list("INSTANCE.metadata.zone = 'east'")).toEqual({ count: 1, doms: ['sel-a'] });
    expect(await list("SERVICE.metadata.tier = 'gold'")).toEqual({ count: 1, doms: ['sel-c'] });
    expect((await list("INSTANCE.metadata.zone = 'north'")).count).toBe(0);
    const bad = await req('GET', '/v1/ns/service/list', {
      pageNo: 1,
      pageSize: 10,
      selector: '{"type":"label","expression":"x"}',
    });
    expect([bad.status, bad.text]).toEqual([400, 'unsupported selector expression: x']);
  });
});

describe('subscribers and push state', () => {
  it('pages subscribers and reports push success, accepting Java-style string acks', async () => {
    await req('POST', '/v1/ns/instance', { serviceName: 'subs', ip: '10.8.1.1', port: 1 });
    const ports = [await udpSocket(), await udpSocket(), await udpSocket()];
    for (const udpPort of ports) await req('GET', '/v1/ns/instance/list', { serviceName: 'subs', udpPort });
    const page = (pageNo: number, pageSize: number) =>
      req('GET', '/v1/ns/service/subscribers', { serviceName: 'subs', pageNo, pageSize });
    expect((await page(1, 2)).json().subscribers).toHaveLength(2);
    expect((await page(2, 2)).json()).toMatchObject({ count: 3, subscribers: [{ ip: '127.0.0.1' }] });
    await req('POST', '/v1/ns/instance', { serviceName: 'subs', ip: '10.8.1.2', port: 1 });
    await eventually(async () => (await req('GET', '/v1/ns/operator/push/state')).json().succeed >= 3, 4000);
    const state = (await req('GET', '/v1/ns/operator/push/state', { detail: true, reset: true })).json();
    expect(state).toMatchObject({ total: state.succeed, ratio: 1, reset: true });
    expect(state.data).toHaveLength(3);
    expect((await req('GET', '/v1/ns/operator/push/state')).json()).toMatchObject({ succeed: 0, total: 0 });
  });
});

describe('health endpoints and catalog defaults', () => {
  it('lists checker types, accepts /health/instance with `valid`, and answers the catalog in detail by default', async () => {
    expect(Object.keys((await req('GET', '/v1/ns/health/checkers')).json()).sort()).toEqual([
      'HTTP',
      'MYSQL',
      'NONE',
      'TCP',
    ]);
    await req('PUT', '/v1/ns/operator/switches', { entry: 'check', value: 'false' });
    await req('POST', '/v1/ns/instance', {
      serviceName: 'hv',
      ip: '127.0.0.1',
      port: 7,
      ephemeral: false,
      clusterName: 'N',
    });
    await req('PUT', '/v1/ns/cluster', {
      serviceName: 'hv',
      clusterName: 'N',
      checkPort: 0,
      useInstancePort4Check: false,
      healthChecker: '{"type":"NONE"}',
      metadata: 'k=v',
    });
    const put = await req('PUT', '/v1/ns/health/instance', {
      serviceName: 'hv',
      ip: '127.0.0.1',
      port: 7,
      clusterName: 'N',
      valid: false,
    });
    expect(put.text).toBe('ok');
    expect((await req('GET', '/v1/ns/instance/statuses', { key: 'DEFAULT_GROUP@@hv' })).json()).toEqual({
      ips: ['127.0.0.1:7_false'],
    });
    const catalog = (await req('GET', '/v1/ns/catalog/services', { serviceNameParam: 'hv' })).json();
    expect(catalog).toEqual([
      {
        serviceName: 'hv',
        groupName: 'DEFAULT_GROUP',
        metadata: {},
        clusterMap: {
          N: {
            name: 'N',
            serviceName: 'DEFAULT_GROUP@@hv',
            healthChecker: { type: 'NONE' },
            defaultPort: 80,
            defaultCheckPort: 0,
            useIPPort4Check: false,
            metadata: { k: 'v' },
            hosts: [{ ip: '127.0.0.1', port: 7, valid: false, weight: 1, enabled: true, metadata: {} }],
          },
        },
      },
    ]);
    const missingParam = await req('PUT', '/v1/ns/cluster', {
      serviceName: 'hv',
      clusterName: 'N',
      checkPort: 1,
      useInstancePort4Check: true,
    });
    expect([missingParam.status, missingParam.text]).toEqual([400, "Param 'healthChecker' is required."]);
    const noService = await req('PUT', '/v1/ns/cluster', {
      serviceName: 'none',
      clusterName: 'N',
      checkPort: 1,
      useInstancePort4Check: true,
      healthChecker: '{"type":"TCP"}',
    });
    expect([noService.status, noService.text]).toEqual([400, 'service not found:DEFAULT_GROUP@@none']);
  });
});
