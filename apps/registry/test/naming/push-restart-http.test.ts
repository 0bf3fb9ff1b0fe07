import { createSocket, type Socket } from 'node:dgram';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { client, eventually, type NamingRegistry, startNamingRegistry } from './naming-harness.js';

let reg: NamingRegistry | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await reg?.close();
  reg = undefined;
});

describe('UDP push through the list endpoint', () => {
  it('subscribes a pushing client, pushes changes to its socket and takes its ack', async () => {
    reg = await startNamingRegistry();
    const req = client(reg.base);
    const received: {
      lastRefTime: number;
      data: { name: string; clusters: string; hosts: { ip: string }[]; cacheMillis: number };
    }[] = [];
    const udp = createSocket('udp4');
    socket = udp;
    udp.on('message', (msg, rinfo) => {
      const packet = JSON.parse((msg[0] === 0x1f ? gunzipSync(msg) : msg).toString());
      received.push({ lastRefTime: packet.lastRefTime, data: JSON.parse(packet.data) });
      udp.send(
        JSON.stringify({ type: 'push-ack', lastRefTime: packet.lastRefTime, data: '' }),
        rinfo.port,
        rinfo.address,
      );
    });
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const udpPort = udp.address().port;

    await req('POST', '/v1/ns/instance', { serviceName: 'pushed', ip: '10.6.0.1', port: 1 });
    const first = await req('GET', '/v1/ns/instance/list', {
      serviceName: 'DEFAULT_GROUP@@pushed',
      clusters: 'DEFAULT',
      udpPort,
      clientIP: '10.255.255.1',
    });
    expect(first.json().cacheMillis).toBe(10000);
    const subs = (await req('GET', '/v1/ns/service/subscribers', { serviceName: 'pushed' })).json();
    // Pushes go to the address the request came from, not to the claimed clientIP.
    expect(subs).toEqual({
      count: 1,
      subscribers: [
        {
          addrStr: `127.0.0.1:${udpPort}`,
          agent: 'Nacos-Java-Client:v1.0.0',
          app: '',
          ip: '127.0.0.1',
          namespaceId: 'public',
          serviceName: 'DEFAULT_GROUP@@pushed',
        },
      ],
    });

    await req('POST', '/v1/ns/instance', { serviceName: 'pushed', ip: '10.6.0.2', port: 1 });
    await eventually(() => received.length >= 1, 4000);
    const last = received.at(-1)?.data;
    expect(last).toMatchObject({ name: 'DEFAULT_GROUP@@pushed', clusters: 'DEFAULT', cacheMillis: 10000 });
    expect(last?.hosts.map((h) => h.ip).sort()).toEqual(['10.6.0.1', '10.6.0.2']);
    expect(Number.isSafeInteger(received[0]?.lastRefTime)).toBe(true);
    await eventually(() => reg?.naming.metrics.pushAcked === received.length, 2000);

    // Beats change nothing a client sees: no push for them.
    const before = received.length;
    for (let i = 0; i < 3; i++) {
      await req('PUT', '/v1/ns/instance/beat', { serviceName: 'pushed', ip: '10.6.0.1', port: 1 });
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(received.length).toBe(before);

    // Clients without a push-capable agent only poll.
    const curl = client(reg.base, 'curl/8');
    await curl('GET', '/v1/ns/instance/list', { serviceName: 'other', udpPort });
    expect((await req('GET', '/v1/ns/service/subscribers', { serviceName: 'other' })).json().count).toBe(0);
  });
});

describe('restart', () => {
  it('keeps services, persistent instances and switches; ephemeral instances come back by beating', async () => {
    reg = await startNamingRegistry();
    const home = reg.home;
    let req = client(reg.base);
    await req('PUT', '/v1/ns/operator/switches', { entry: 'check', value: 'false' });
    await req('POST', '/v1/ns/service', {
      serviceName: 'durable',
      protectThreshold: 0.4,
      metadata: 'team=a',
    });
    await req('POST', '/v1/ns/instance', {
      serviceName: 'durable',
      ip: '127.0.0.1',
      port: 9,
      ephemeral: false,
    });
    await req('POST', '/v1/ns/instance', { serviceName: 'durable', ip: '10.7.0.1', port: 1 });
    await reg.close(true);
    reg = await startNamingRegistry({}, home);
    req = client(reg.base);
    expect((await req('GET', '/v1/ns/service', { serviceName: 'durable' })).json()).toMatchObject({
      protectThreshold: 0.4,
      metadata: { team: 'a' },
    });
    expect((await req('GET', '/v1/ns/operator/switches')).json().healthCheckEnabled).toBe(false);
    const hosts = (await req('GET', '/v1/ns/instance/list', { serviceName: 'durable' })).json().hosts;
    expect(hosts.map((h: { ip: string; ephemeral: boolean }) => [h.ip, h.ephemeral])).toEqual([
      ['127.0.0.1', false],
    ]);
    // The client's next beat carries its data and re-registers it.
    const beat = JSON.stringify({
      serviceName: 'DEFAULT_GROUP@@durable',
      ip: '10.7.0.1',
      port: 1,
      cluster: '',
    });
    expect(
      (await req('PUT', '/v1/ns/instance/beat', { serviceName: 'DEFAULT_GROUP@@durable', beat })).json().code,
    ).toBe(10200);
    const after = (await req('GET', '/v1/ns/instance/list', { serviceName: 'durable' })).json().hosts;
    expect(after.map((h: { ip: string }) => h.ip)).toEqual(['127.0.0.1', '10.7.0.1']);
  });
});
