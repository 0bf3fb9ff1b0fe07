import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { selfOnlyCluster } from '../../src/cluster/member.js';
import { buildHttpServer } from '../../src/http/build-server.js';
import { Readiness } from '../../src/http/readiness.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function build(options: { readiness?: Readiness; contextPath?: string } = {}) {
  app = buildHttpServer({
    logger: pino({ level: 'silent' }),
    contextPath: options.contextPath ?? '/nacos',
    mode: 'standalone',
    readiness: options.readiness ?? new Readiness(),
    cluster: selfOnlyCluster({ ip: '10.0.0.5', port: 8848, version: '0.1.0' }),
  });
  return app;
}

describe('console health', () => {
  it('answers liveness with 200 OK', async () => {
    const res = await build().inject({ url: '/nacos/v1/console/health/liveness' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('OK');
  });

  it('answers readiness with 500 and Nacos wording until every component is ready', async () => {
    const readiness = new Readiness();
    readiness.set('Config', false);
    readiness.set('Naming', false);
    const server = build({ readiness });
    let res = await server.inject({ url: '/nacos/v1/console/health/readiness' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('Config and Naming are not in readiness');
    readiness.set('Config', true);
    res = await server.inject({ url: '/nacos/v1/console/health/readiness' });
    expect(res.body).toBe('Naming is not in readiness');
    readiness.set('Naming', true);
    res = await server.inject({ url: '/nacos/v1/console/health/readiness' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('OK');
  });

  it('reports the server state', async () => {
    const res = await build().inject({ url: '/nacos/v1/console/server/state' });
    expect(res.json()).toEqual({ standalone_mode: 'standalone', function_mode: null, version: '1.4.2' });
  });
});

describe('core cluster', () => {
  it('lists itself in Nacos member shape inside a RestResult', async () => {
    const res = await build().inject({ url: '/nacos/v1/core/cluster/nodes' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.json();
    expect(body).toMatchObject({ code: 200, message: null });
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      ip: '10.0.0.5',
      port: 8848,
      state: 'UP',
      address: '10.0.0.5:8848',
      failAccessCnt: 0,
      extendInfo: { raftPort: '7848', version: '1.4.2' },
    });
    expect(typeof body.data[0].extendInfo.lastRefreshTime).toBe('number');
  });

  it('filters nodes by address prefix', async () => {
    const server = build();
    const hit = await server.inject({ url: '/nacos/v1/core/cluster/nodes?keyword=10.0.0' });
    expect(hit.json().data).toHaveLength(1);
    const miss = await server.inject({ url: '/nacos/v1/core/cluster/nodes?keyword=192.168' });
    expect(miss.json().data).toEqual([]);
  });

  it('serves self, simple nodes and health', async () => {
    const server = build();
    expect((await server.inject({ url: '/nacos/v1/core/cluster/self' })).json().data.address).toBe(
      '10.0.0.5:8848',
    );
    expect((await server.inject({ url: '/nacos/v1/core/cluster/simple/nodes' })).json().data).toEqual([
      '10.0.0.5:8848',
    ]);
    expect((await server.inject({ url: '/nacos/v1/core/cluster/health' })).json().data).toBe('UP');
  });
});

describe('unknown routes', () => {
  it('answer 404 with the Spring Boot error body', async () => {
    const res = await build().inject({ method: 'POST', url: '/nacos/v1/nothing/here?x=1' });
    expect(res.statusCode).toBe(404);
    const body = res.json();
    expect(body).toMatchObject({
      status: 404,
      error: 'Not Found',
      message: 'No message available',
      path: '/nacos/v1/nothing/here',
    });
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
  });

  it('do not answer outside the context path', async () => {
    const res = await build().inject({ url: '/v1/console/health/liveness' });
    expect(res.statusCode).toBe(404);
  });

  it('follow a custom context path', async () => {
    const res = await build({ contextPath: '/registry' }).inject({
      url: '/registry/v1/console/health/liveness',
    });
    expect(res.statusCode).toBe(200);
  });
});
