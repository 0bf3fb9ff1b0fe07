import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  bearer,
  call,
  login,
  type RegistryProcess,
  startRegistryProcess,
} from './registry-process.js';

/**
 * Hostile input on a real registry process (auth on, requests made as the admin so only input
 * validation stands in the way): path traversal in config names, oversized bodies, and clients
 * that send headers too slowly (slowloris). The tests run concurrently: the slow-header one waits
 * for the server's 10 s header timeout.
 */
describe.concurrent('hostile input against a registry process', () => {
  let reg: RegistryProcess;
  let admin: string;

  beforeAll(async () => {
    reg = await startRegistryProcess({ properties: { 'nacos.core.auth.enabled': 'true' } });
    admin = await login(reg.base, 'nacos', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await reg?.stop();
  });

  /**
   * Writes `head` (and `body`) on a raw socket. `answered` resolves with the first response line as
   * soon as it arrives (a server refusing a body may reset the connection right after answering),
   * or '' if the socket closes first; `afterMs` is when that happened.
   */
  function rawExchange(head: string, body?: Buffer) {
    const socket = connect(reg.port, '127.0.0.1');
    const started = Date.now();
    let received = '';
    const answered = new Promise<{ statusLine: string; afterMs: number }>((resolve) => {
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        if (received.includes('\r\n'))
          resolve({ statusLine: received.split('\r\n')[0] ?? '', afterMs: Date.now() - started });
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ statusLine: '', afterMs: Date.now() - started }));
    });
    const connected = new Promise<void>((resolve) => {
      socket.on('connect', () => {
        socket.write(head);
        if (body) socket.write(body);
        resolve();
      });
    });
    return { socket, answered, connected };
  }

  it('refuses path traversal and separators in dataId, group and tenant, and stores nothing', async () => {
    const hostile = [
      '..',
      '.',
      '../../etc/passwd',
      'a/b',
      'a\\b',
      'a\u0000b',
      '%2e%2e%2f',
      '..%2F..%2Fetc',
      'a/../../b',
    ];
    for (const name of hostile) {
      const forms: Record<string, string>[] = [
        { dataId: name, group: 'G' },
        { dataId: 'ok', group: name },
        { dataId: 'ok', group: 'G', tenant: name },
      ];
      for (const form of forms) {
        const publish = await call(reg.base, 'POST', '/v1/cs/configs', {
          form: { ...form, content: 'x' },
          headers: bearer(admin),
        });
        expect(publish.status, `publish ${JSON.stringify(form)}`).toBe(400);
        const read = await call(reg.base, 'GET', '/v1/cs/configs', { query: form, headers: bearer(admin) });
        expect([400, 404], `get ${JSON.stringify(form)}`).toContain(read.status);
        expect(read.text).not.toContain('root:');
      }
    }
    const all = await call(reg.base, 'GET', '/v1/cs/configs', {
      query: { search: 'blur', dataId: '', group: '', pageNo: '1', pageSize: '100' },
      headers: bearer(admin),
    });
    expect(all.status).toBe(200);
    expect(all.json<{ totalCount: number }>().totalCount).toBe(0);
  });

  it('answers 413 to a body over the limit, announced or streamed, and keeps serving', async () => {
    const announced = rawExchange(
      'POST /nacos/v1/cs/configs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
        `Content-Length: ${64 * 1024 * 1024}\r\n${`Authorization: Bearer ${admin}`}\r\n\r\n`,
      Buffer.from('dataId=a&group=G&content='),
    );
    const first = await Promise.race([announced.answered, timeout(10_000)]);
    announced.socket.destroy();
    expect(first.statusLine, `announced: ${JSON.stringify(first)}`).toBe('HTTP/1.1 413 Payload Too Large');

    // Chunked, no length announced: refused once the limit is crossed.
    const streamed = rawExchange(
      'POST /nacos/v1/cs/configs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
        'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    );
    await streamed.connected;
    const chunk = Buffer.from(`100000\r\n${'x'.repeat(0x100000)}\r\n`);
    for (let i = 0; i < 16 && !streamed.socket.destroyed; i++) {
      await new Promise<void>((resolve) => streamed.socket.write(chunk, () => resolve()));
    }
    const second = await Promise.race([streamed.answered, timeout(10_000)]);
    streamed.socket.destroy();
    expect(second.statusLine, `streamed: ${JSON.stringify(second)}`).toBe('HTTP/1.1 413 Payload Too Large');

    const json = await call(reg.base, 'POST', '/v1/cs/configs', {
      headers: { 'content-type': 'application/json', ...bearer(admin) },
    });
    expect(json.status).not.toBe(500);
    const alive = await call(reg.base, 'GET', '/v1/console/health/liveness');
    expect(alive.status).toBe(200);
  });

  it('closes a connection whose headers do not arrive in time, while serving others', async () => {
    const slow = rawExchange('GET /nacos/v1/console/health/liveness HTTP/1.1\r\nHost: x\r\n');
    // One header line every 2 s: never finishes within the 10 s limit.
    const drip = setInterval(() => slow.socket.write('X-Slow: 1\r\n'), 2_000);
    try {
      const meanwhile = await call(reg.base, 'GET', '/v1/console/health/liveness');
      expect(meanwhile.status).toBe(200);
      const result = await Promise.race([slow.answered, timeout(20_000)]);
      expect(result.statusLine).toBe('HTTP/1.1 408 Request Timeout');
      expect(result.afterMs).toBeGreaterThanOrEqual(9_000);
      expect(result.afterMs).toBeLessThan(15_000);
    } finally {
      clearInterval(drip);
      slow.socket.destroy();
    }
  });
});

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
  );
}
