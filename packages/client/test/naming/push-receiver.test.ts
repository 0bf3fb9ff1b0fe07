// The UDP push receiver with a real socket on loopback: decoding (plain and gzipped), acks that
// echo lastRefTime exactly (also beyond 2^53), dump and unknown packets, and junk.
import { createSocket, type Socket } from 'node:dgram';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import type { ServiceInfo } from '../../src/naming/model.js';
import { PushReceiver } from '../../src/naming/push-receiver.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup() {
  const services: ServiceInfo[] = [];
  const receiver = new PushReceiver({
    bindAddress: '127.0.0.1',
    port: 0,
    logger: silentLogger,
    onService: (info) => services.push(info),
    dump: () =>
      Object.fromEntries(services.map((s) => [`${s.groupName}@@${s.serviceName}@@${s.clusters}`, s])),
  });
  const port = await receiver.start();
  const server: Socket = createSocket('udp4');
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  const replies: string[] = [];
  server.on('message', (m) => replies.push(m.toString()));
  cleanups.push(async () => {
    await receiver.close();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const send = (payload: Buffer | string) => server.send(payload, port, '127.0.0.1');
  const nextReply = async (count: number) => {
    for (let i = 0; i < 100 && replies.length < count; i++) await new Promise((r) => setTimeout(r, 20));
    return replies[count - 1];
  };
  return { receiver, services, send, nextReply };
}

const dom = (hosts: unknown[]) =>
  JSON.stringify({ name: 'G@@svc', clusters: '', cacheMillis: 10000, lastRefTime: 5, checksum: 'c', hosts });

describe('PushReceiver', () => {
  it('takes a dom push, hands over the service and acks with the same lastRefTime digits', async () => {
    const { services, send, nextReply, receiver } = await setup();
    send(
      `{"type":"dom","data":${JSON.stringify(dom([{ ip: '1.1.1.1', port: 80 }]))},"lastRefTime":123456789012345678}`,
    );
    expect(await nextReply(1)).toBe('{"type":"push-ack","lastRefTime":123456789012345678,"data":""}');
    expect(services[0]).toMatchObject({ serviceName: 'svc', groupName: 'G', clusters: '' });
    expect(services[0]?.instances.map((i) => i.ip)).toEqual(['1.1.1.1']);
    expect(receiver.received).toBe(1);
  });

  it('unzips gzipped pushes', async () => {
    const { services, send, nextReply } = await setup();
    const hosts = Array.from({ length: 40 }, (_, i) => ({ ip: `10.0.0.${i}`, port: 80 }));
    send(gzipSync(JSON.stringify({ type: 'dom', data: dom(hosts), lastRefTime: 7 })));
    expect(await nextReply(1)).toContain('"type":"push-ack","lastRefTime":7');
    expect(services[0]?.instances).toHaveLength(40);
  });

  it('answers dump with every known service and other types with unknown-ack', async () => {
    const { send, nextReply } = await setup();
    send(JSON.stringify({ type: 'dom', data: dom([{ ip: '2.2.2.2', port: 1 }]), lastRefTime: 1 }));
    await nextReply(1);
    send(JSON.stringify({ type: 'dump', lastRefTime: 2 }));
    const dump = JSON.parse((await nextReply(2)) ?? '{}') as { type: string; data: string };
    expect(dump.type).toBe('dump-ack');
    expect(Object.keys(JSON.parse(dump.data))).toEqual(['G@@svc@@']);
    send(JSON.stringify({ type: 'what', lastRefTime: 3 }));
    expect(await nextReply(3)).toBe('{"type":"unknown-ack","lastRefTime":3,"data":""}');
  });

  it('drops junk without acking or handing anything over', async () => {
    const { services, send, nextReply } = await setup();
    send('not json');
    send(Buffer.from([0x1f, 0x8b, 0x00, 0x01]));
    send(JSON.stringify({ type: 'dom', data: '{"hosts":"no"}', lastRefTime: 4 }));
    send(JSON.stringify({ type: 'what', lastRefTime: 9 }));
    // Only the last packet is answered.
    expect(await nextReply(1)).toContain('"lastRefTime":9');
    expect(services).toEqual([]);
  });
});
