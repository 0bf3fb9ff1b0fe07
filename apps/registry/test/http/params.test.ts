import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { selfOnlyCluster } from '../../src/cluster/member.js';
import { RegistryError } from '../../src/errors.js';
import { buildHttpServer, causedChain } from '../../src/http/build-server.js';
import { NacosParams } from '../../src/http/params.js';
import { Readiness } from '../../src/http/readiness.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A server with one echo route that reads parameters the Nacos way. */
function echoServer(): FastifyInstance {
  app = buildHttpServer({
    logger: pino({ level: 'silent' }),
    contextPath: '/nacos',
    mode: 'standalone',
    readiness: new Readiness(),
    cluster: selfOnlyCluster({ ip: '127.0.0.1', port: 8848, version: '0' }),
  });
  app.all('/echo', async (request) => {
    const params = NacosParams.of(request);
    return {
      serviceName: params.required('serviceName'),
      port: params.int('port', 0),
      weight: params.double('weight', 1),
      ephemeral: params.bool('ephemeral', true),
      content: params.raw('content') ?? null,
    };
  });
  app.get('/boom', async () => {
    throw new Error('outer', { cause: new Error('inner') });
  });
  return app;
}

const form = 'application/x-www-form-urlencoded; charset=utf8';

describe('Nacos parameters', () => {
  it('reads the query string for every method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE'] as const) {
      const res = await echoServer().inject({ method, url: '/echo?serviceName=svc&port=80' });
      expect(res.json(), method).toMatchObject({ serviceName: 'svc', port: 80 });
      await app?.close();
    }
  });

  it('reads form bodies for PUT and DELETE too, even with charset=utf8', async () => {
    const server = echoServer();
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      const res = await server.inject({
        method,
        url: '/echo',
        headers: { 'content-type': form },
        payload: 'serviceName=%E4%B8%AD%E6%96%87&content=a+b%0A',
      });
      expect(res.statusCode, method).toBe(200);
      expect(res.json(), method).toMatchObject({ serviceName: '中文', content: 'a b\n' });
    }
  });

  it('accepts the config SDK GET with a form content type and no body', async () => {
    const res = await echoServer().inject({
      method: 'GET',
      url: '/echo?serviceName=x',
      headers: { 'content-type': form },
    });
    expect(res.statusCode).toBe(200);
  });

  it('lets the query win over the body, trims, and treats blank as absent', async () => {
    const server = echoServer();
    const res = await server.inject({
      method: 'POST',
      url: '/echo?serviceName=%20fromQuery%20',
      headers: { 'content-type': form },
      payload: 'serviceName=fromBody',
    });
    expect(res.json().serviceName).toBe('fromQuery');
    const blank = await server.inject({ method: 'POST', url: '/echo?serviceName=%20%20' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toBe("Param 'serviceName' is required.");
  });

  it('parses booleans like commons-lang and numbers like Java', async () => {
    const server = echoServer();
    const ok = await server.inject({ url: '/echo?serviceName=s&ephemeral=Y&weight=2.5d&port=-3' });
    expect(ok.json()).toMatchObject({ ephemeral: true, weight: 2.5, port: -3 });
    const falsy = await server.inject({ url: '/echo?serviceName=s&ephemeral=maybe' });
    expect(falsy.json().ephemeral).toBe(false);
    const badInt = await server.inject({ url: '/echo?serviceName=s&port=80x' });
    expect(badInt.statusCode).toBe(400);
    expect(badInt.body).toBe('caused: For input string: "80x";');
    const tooBig = await server.inject({ url: '/echo?serviceName=s&port=2147483648' });
    expect(tooBig.statusCode).toBe(400);
    const badDouble = await server.inject({ url: '/echo?serviceName=s&weight=NaN' });
    expect(badDouble.statusCode).toBe(400);
  });

  it('answers unexpected errors with 500 and the caused chain', async () => {
    const res = await echoServer().inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('caused: outer;caused: inner;');
  });
});

describe('causedChain', () => {
  it('formats a RegistryError and non-errors', () => {
    expect(causedChain(new RegistryError('REG_PARAM_INVALID', 'bad'))).toBe('caused: bad;');
    expect(causedChain('plain')).toBe('caused: plain;');
  });
});
