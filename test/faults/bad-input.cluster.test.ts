import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../cluster/harness/cluster.js';
import { type HttpCall, type HttpOutcome, httpCall } from '../cluster/harness/http-client.js';
import type { MemberProcess } from '../cluster/harness/member-process.js';

/**
 * Section 2.2 of the reliability research, at the process level: bad input sent to one member of
 * a running 3-member cluster gets a clear 4xx, and afterwards every member still serves, the
 * cluster still has a leader, and the data written before is intact everywhere. Categories 1
 * (identity), 7 (storage injection) and 9 (SSRF) are covered by test/security against the same
 * binary; category 8 is answered 501 here (import is not supported).
 */
let cluster: Cluster;
let target: MemberProcess;
const GROUP = 'REG_BAD_INPUT';
const baseline = new Map<string, string>();

// A fresh connection per call: a refusal may close its connection (431, 413), and a pooled
// socket closed that way would make the next call look like a network failure.
const call = (c: Omit<HttpCall, 'timeoutMs'>): Promise<HttpOutcome> =>
  httpCall(target.port, { timeoutMs: 10_000, fresh: true, ...c });

function expectClearRefusal(out: HttpOutcome, what: string): void {
  expect(out.kind, `${what}: ${out.kind === 'answered' ? '' : out.message}`).toBe('answered');
  if (out.kind !== 'answered') return;
  expect(out.status, `${what}: ${out.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(out.status, `${what}: ${out.text.slice(0, 200)}`).toBeLessThan(500);
  expect(out.text.length, `${what} says why`).toBeGreaterThan(0);
}

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, label: 'bad-input' });
  target = cluster.members[1]!;
  for (let i = 0; i < 5; i++) {
    const dataId = `bad-input-baseline-${i}`;
    const out = await call({
      method: 'POST',
      path: '/nacos/v1/cs/configs',
      form: { dataId, group: GROUP, content: `v${i}` },
    });
    expect(out.kind === 'answered' && out.status).toBe(200);
    baseline.set(dataId, `v${i}`);
  }
}, 120_000);

afterAll(async () => {
  // Every member survived all of it and still holds the baseline.
  let intact = false;
  try {
    for (const m of cluster.members) {
      expect(m.unexpectedExits(), `m${m.index} crashed`).toEqual([]);
      for (const [dataId, content] of baseline) {
        const out = await httpCall(m.port, {
          method: 'GET',
          path: '/nacos/v1/cs/configs',
          query: { dataId, group: GROUP },
          timeoutMs: 10_000,
        });
        expect(out.kind === 'answered' && out.text, `${dataId} at m${m.index}`).toBe(content);
      }
    }
    await cluster.leader(20_000);
    intact = true;
  } finally {
    await cluster.destroy(!intact);
  }
}, 120_000);

describe('bad input against a running cluster member', () => {
  it('2 route tricks never reach a handler they should not, and nothing fails with 5xx', async () => {
    const paths = [
      '/nacos/v1/cs/configs/',
      '//nacos/v1/cs/configs',
      '/nacos/v1/cs/configs;x=1',
      '/nacos/v1/cs/..%2Fcs/configs',
      '/nacos/v1/cs%2Fconfigs',
      '/NACOS/V1/CS/CONFIGS',
      '/nacos/v1/cs/configs/../../../etc/passwd',
    ];
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']) {
        // A variant that reaches the config handler may legitimately act on this throwaway key.
        const out = await call({
          method,
          path,
          query: { dataId: 'bad-input-route', group: GROUP, content: 'r' },
        });
        expect(out.kind, `${method} ${path}`).toBe('answered');
        if (out.kind === 'answered') expect(out.status, `${method} ${path}`).toBeLessThan(500);
      }
    }
  });

  it('3 names with separators, control characters, RTL marks, 10 KB or empty are refused', async () => {
    // `..` alone is a legal Nacos service name (dots are in its charset), so it is tried on configs only.
    expectClearRefusal(
      await call({
        method: 'POST',
        path: '/nacos/v1/cs/configs',
        form: { dataId: '..', group: GROUP, content: 'x' },
      }),
      'config dataId ".."',
    );
    const names = ['../x', 'a/b', 'a\u0000b', 'a\u0007b', 'a\u202eb', 'x'.repeat(10_240)];
    for (const name of names) {
      const shown = JSON.stringify(name.slice(0, 12));
      expectClearRefusal(
        await call({
          method: 'POST',
          path: '/nacos/v1/cs/configs',
          form: { dataId: name, group: GROUP, content: 'x' },
        }),
        `config dataId ${shown}`,
      );
      expectClearRefusal(
        await call({
          method: 'POST',
          path: '/nacos/v1/ns/instance',
          query: { serviceName: name, ip: '127.0.0.1', port: '1' },
        }),
        `serviceName ${shown}`,
      );
    }
    for (const serviceName of ['a@@b@@c', '@@b', 'a@@']) {
      expectClearRefusal(
        await call({
          method: 'POST',
          path: '/nacos/v1/ns/instance',
          query: { serviceName, ip: '127.0.0.1', port: '1' },
        }),
        `grouped name ${serviceName}`,
      );
    }
    expectClearRefusal(
      await call({
        method: 'POST',
        path: '/nacos/v1/cs/configs',
        form: { dataId: '', group: GROUP, content: 'x' },
      }),
      'empty dataId',
    );
  });

  it('4 out-of-range and non-numeric numbers are refused; huge pages are capped', async () => {
    for (const port of ['-1', '65536', 'abc', '1e3']) {
      expectClearRefusal(
        await call({
          method: 'POST',
          path: '/nacos/v1/ns/instance',
          query: { serviceName: 'bad-input-svc', ip: '127.0.0.1', port },
        }),
        `port ${port}`,
      );
    }
    for (const weight of ['NaN', 'Infinity', '-1', '10001']) {
      expectClearRefusal(
        await call({
          method: 'POST',
          path: '/nacos/v1/ns/instance',
          query: { serviceName: 'bad-input-svc', ip: '127.0.0.1', port: '80', weight },
        }),
        `weight ${weight}`,
      );
    }
    for (const [pageNo, pageSize] of [
      ['-1', '10'],
      ['1', '-5'],
      ['x', '10'],
    ]) {
      expectClearRefusal(
        await call({
          method: 'GET',
          path: '/nacos/v1/cs/configs',
          query: { search: 'blur', dataId: '*', group: GROUP, pageNo: pageNo!, pageSize: pageSize! },
        }),
        `page ${pageNo}/${pageSize}`,
      );
    }
    const huge = await call({
      method: 'GET',
      path: '/nacos/v1/cs/configs',
      query: { search: 'blur', dataId: '*', group: GROUP, pageNo: '1', pageSize: '1000000000' },
    });
    expect(huge.kind === 'answered' && huge.status).toBeLessThan(500);
  });

  it('5 malformed, prototype-polluting and deeply nested structured fields are refused', async () => {
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    for (const metadata of ['{"a":', '[1,2]', '{"__proto__":{"polluted":"yes"}}', deep]) {
      const out = await call({
        method: 'POST',
        path: '/nacos/v1/ns/instance',
        query: { serviceName: 'bad-input-svc', ip: '127.0.0.1', port: '81', metadata },
      });
      if (metadata.includes('__proto__') && out.kind === 'answered' && out.status === 200) {
        // Accepted as a plain key: it must not have reached any prototype.
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        continue;
      }
      expectClearRefusal(out, `metadata ${metadata.slice(0, 20)}`);
    }
    for (const beat of ['{', '"x"', '{"ip":"127.0.0.1"}', deep]) {
      expectClearRefusal(
        await call({
          method: 'PUT',
          path: '/nacos/v1/ns/instance/beat',
          query: { serviceName: 'bad-input-svc', beat },
        }),
        `beat ${beat.slice(0, 20)}`,
      );
    }
  });

  it('6 malformed listener bodies and oversized content are refused', async () => {
    const listen = (value: string) =>
      call({
        method: 'POST',
        path: '/nacos/v1/cs/configs/listener',
        form: { 'Listening-Configs': value },
        headers: { 'Long-Pulling-Timeout': '30000', 'Long-Pulling-Timeout-No-Hangup': 'true' },
      });
    expectClearRefusal(await listen('no separators at all'), 'listener without separators');
    expectClearRefusal(await listen('a\u0002b\u0002short\u0001'), 'listener with a short md5');
    const many = Array.from({ length: 10_001 }, (_, i) => `d${i}\u0002${GROUP}\u0002\u0001`).join('');
    expectClearRefusal(await listen(many), 'listener with 10,001 keys');
    const big = 'x'.repeat(10 * 1024 * 1024 + 1);
    const out = await call({
      method: 'POST',
      path: '/nacos/v1/cs/configs',
      form: { dataId: 'bad-input-big', group: GROUP, content: big },
    });
    expectClearRefusal(out, 'content above maxContent');
    const notThere = await call({
      method: 'GET',
      path: '/nacos/v1/cs/configs',
      query: { dataId: 'bad-input-big', group: GROUP },
    });
    expect(notThere.kind === 'answered' && notThere.status).toBe(404);
  });

  it('8 config import is refused as unsupported', async () => {
    const out = await call({ method: 'POST', path: '/nacos/v1/cs/configs', query: { import: 'true' } });
    expect(out.kind === 'answered' && out.status).toBe(501);
  });

  it('10 garbage on the peer port closes that connection only', async () => {
    const send = (bytes: Buffer | string) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: target.peerPort });
        let got = '';
        const timer = setTimeout(() => {
          socket.destroy();
          resolve(`${got.slice(0, 40)}(still open after 5 s)`);
        }, 5_000);
        socket.on('data', (d: Buffer) => {
          got += d.toString('latin1');
        });
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(got.slice(0, 40));
        });
        socket.on('error', () => undefined);
        socket.on('connect', () => socket.end(bytes));
      });
    const seeded = Buffer.alloc(4_096);
    for (let i = 0; i < seeded.length; i++) seeded[i] = (i * 2_654_435_761) >>> 24;
    await send(seeded);
    await send('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
    await send(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n' +
        '\u0082\u00ff\u0000\u0000\u0000\u0000\u0000\u0010\u0000\u0000garbage-frame',
    );
    // The member still answers and still takes part in the cluster.
    const out = await call({ method: 'GET', path: '/nacos/v1/console/health/readiness' });
    expect(out.kind === 'answered' && out.status).toBe(200);
  });

  it('11 idle connections and slow headers do not stop the member from serving', async () => {
    const sockets = Array.from({ length: 200 }, () => connect({ host: '127.0.0.1', port: target.port }));
    for (const s of sockets) {
      s.on('error', () => undefined);
      s.write('GET /nacos/v1/console/health/liveness HTTP/1.1\r\nHost: x\r\n');
    }
    try {
      const out = await call({
        method: 'GET',
        path: '/nacos/v1/cs/configs',
        query: { dataId: 'bad-input-baseline-1', group: GROUP },
      });
      expect(out.kind === 'answered' && out.text).toBe('v1');
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});
