import { createSocket, type Socket } from 'node:dgram';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseClientAgent } from '../../src/naming/client-agent.js';
import { NamingMetrics } from '../../src/naming/naming-metrics.js';
import { canPush, decodeAck, encodePush, GZIP_THRESHOLD_BYTES } from '../../src/naming/push-packet.js';
import { PushService, type Subscriber } from '../../src/naming/push-service.js';
import { DEFAULT_SWITCHES } from '../../src/naming/switches.js';

describe('push packets', () => {
  it('wraps the list as a JSON string with a JS-safe lastRefTime', () => {
    const packet = encodePush({ name: 'g@@s', hosts: [] }, 123);
    const parsed = JSON.parse(packet.toString());
    expect(parsed).toEqual({ type: 'dom', data: '{"name":"g@@s","hosts":[]}', lastRefTime: 123 });
  });

  it('gzips payloads from 1 KiB on', () => {
    const small = encodePush({ x: 'a'.repeat(100) }, 1);
    expect(small[0]).toBe(0x7b); // '{'
    const big = encodePush({ x: 'a'.repeat(GZIP_THRESHOLD_BYTES) }, 1);
    expect([big[0], big[1]]).toEqual([0x1f, 0x8b]);
    expect(JSON.parse(gunzipSync(big).toString()).type).toBe('dom');
  });

  it('reads acks with lastRefTime as number (Node) or string (Java)', () => {
    expect(decodeAck(Buffer.from('{"type":"push-ack","lastRefTime":42,"data":""}'))).toEqual({
      type: 'push-ack',
      lastRefTime: 42,
    });
    expect(decodeAck(Buffer.from('{"type":"push-ack","lastRefTime":"42","data":""}'))).toEqual({
      type: 'push-ack',
      lastRefTime: 42,
    });
    expect(decodeAck(Buffer.from('not json'))).toBeUndefined();
    expect(decodeAck(Buffer.from('{"type":"push-ack","lastRefTime":"1e99"}'))).toBeUndefined();
    expect(decodeAck(Buffer.from('{"type":"push-ack","lastRefTime":99999999999999999999}'))).toBeUndefined();
  });

  it('pushes only to known clients at or above the minimum version', () => {
    expect(canPush(parseClientAgent('Nacos-Java-Client:v1.0.0'), DEFAULT_SWITCHES)).toBe(true);
    expect(canPush(parseClientAgent('Nacos-C-Client:v1.0.11'), DEFAULT_SWITCHES)).toBe(false);
    expect(canPush(parseClientAgent('curl/8.0'), DEFAULT_SWITCHES)).toBe(false);
    expect(
      canPush(parseClientAgent('Nacos-Java-Client:v1.0.0'), {
        ...DEFAULT_SWITCHES,
        pushJavaVersion: '2.0.0',
      }),
    ).toBe(false);
  });
});

const sockets: Socket[] = [];
const services: PushService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const s of sockets.splice(0)) s.close();
});

/** A UDP client on 127.0.0.1 recording what it receives; it acks when `ack` says so. */
async function udpClient(ack: () => boolean) {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const received: { lastRefTime: number; data: unknown }[] = [];
  socket.on('message', (msg, rinfo) => {
    const packet = JSON.parse((msg[0] === 0x1f ? gunzipSync(msg) : msg).toString());
    received.push({ lastRefTime: packet.lastRefTime, data: JSON.parse(packet.data) });
    if (ack()) {
      socket.send(
        JSON.stringify({ type: 'push-ack', lastRefTime: packet.lastRefTime, data: '' }),
        rinfo.port,
        rinfo.address,
      );
    }
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, received };
}

async function waitFor(check: () => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function subscriber(port: number, clusters = ''): Subscriber {
  return {
    serviceKey: 'public##DEFAULT_GROUP@@orders',
    namespaceId: 'public',
    groupedName: 'DEFAULT_GROUP@@orders',
    clusters,
    agent: parseClientAgent('Nacos-Java-Client:v1.0.0'),
    agentText: 'Nacos-Java-Client:v1.0.0',
    app: '',
    env: '',
    ip: '127.0.0.1',
    port,
  };
}

async function service(options: { ttl?: number; enabled?: boolean } = {}) {
  const metrics = new NamingMetrics();
  const push = new PushService({
    build: (s) => ({ name: s.groupedName, clusters: s.clusters }),
    enabled: () => options.enabled ?? true,
    subscriberTtlMs: () => options.ttl ?? 60_000,
    metrics,
    pushDelayMs: 20,
    ackTimeoutMs: 100,
    sweepMs: 20,
  });
  services.push(push);
  const port = await push.start();
  return { push, metrics, port };
}

describe('the push service over real UDP on 127.0.0.1', () => {
  it('coalesces changes, pushes each subscriber its own view, and counts the ack', async () => {
    const client = await udpClient(() => true);
    const { push, metrics } = await service();
    push.subscribe(subscriber(client.port, 'DEFAULT'));
    push.serviceChanged('public##DEFAULT_GROUP@@orders');
    push.serviceChanged('public##DEFAULT_GROUP@@orders');
    push.serviceChanged('public##DEFAULT_GROUP@@other'); // no subscribers: nothing sent
    await waitFor(() => metrics.pushAcked === 1);
    expect(client.received).toHaveLength(1);
    expect(client.received[0]?.data).toEqual({ name: 'DEFAULT_GROUP@@orders', clusters: 'DEFAULT' });
    expect(push.pendingCount).toBe(0);
    expect(metrics.pushLatencyCount).toBe(1);
  });

  it('resends once without an ack, then counts a failure', async () => {
    const client = await udpClient(() => false);
    const { push, metrics } = await service();
    push.subscribe(subscriber(client.port));
    push.serviceChanged('public##DEFAULT_GROUP@@orders');
    await waitFor(() => metrics.pushFailed === 1);
    expect(client.received).toHaveLength(2);
    expect(client.received[0]?.lastRefTime).toBe(client.received[1]?.lastRefTime);
    expect(metrics.pushSent).toBe(2);
    expect(push.pendingCount).toBe(0);
  });

  it('drops subscribers that stop polling, and sends nothing when push is switched off', async () => {
    const expiring = await service({ ttl: 50 });
    expiring.push.subscribe(subscriber(9));
    expect(expiring.push.subscribers()).toHaveLength(1);
    await waitFor(() => expiring.push.subscribers().length === 0);

    const client = await udpClient(() => true);
    const off = await service({ enabled: false });
    off.push.subscribe(subscriber(client.port));
    off.push.serviceChanged('public##DEFAULT_GROUP@@orders');
    await new Promise((r) => setTimeout(r, 150));
    expect(client.received).toEqual([]);
    expect(off.metrics.pushSent).toBe(0);
  });

  it('ignores IPv6 targets and acks from another address', async () => {
    const { push, metrics, port } = await service();
    push.subscribe({ ...subscriber(1234), ip: '::1' });
    expect(push.subscribers()).toEqual([]);
    const client = await udpClient(() => false);
    push.subscribe(subscriber(client.port));
    push.serviceChanged('public##DEFAULT_GROUP@@orders');
    await waitFor(() => client.received.length === 1);
    // The right lastRefTime from the wrong port does not count as the subscriber's ack.
    const stranger = createSocket('udp4');
    sockets.push(stranger);
    await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', () => r()));
    const forged = JSON.stringify({
      type: 'push-ack',
      lastRefTime: client.received[0]?.lastRefTime,
      data: '',
    });
    await new Promise((r) => stranger.send(forged, port, '127.0.0.1', r));
    await new Promise((r) => setTimeout(r, 30));
    expect(metrics.pushAcked).toBe(0);
    expect(push.pendingCount).toBe(1);
  });
});
