// The requester's failover rules, against small loopback HTTP servers that answer what each case
// needs (statuses a real registry gives only in rare moments: 503 while electing, 403 for a
// token signed by another key, slow answers).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthSession } from '../../src/http/auth-session.js';
import { parseServerAddresses } from '../../src/http/server-address.js';
import { ServerList } from '../../src/http/server-list.js';
import { ServerRequester } from '../../src/http/server-requester.js';
import { silentLogger } from '../../src/logger.js';
import { deadPort } from '../helpers/registry-process.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: Server[] = [];

async function stub(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

function requester(addresses: string[], timeoutMs = 1000): ServerRequester {
  return new ServerRequester({
    servers: new ServerList(parseServerAddresses(addresses, 'nacos'), { random: () => 0 }),
    requestTimeoutMs: timeoutMs,
    userAgent: 'test',
    logger: silentLogger,
  });
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  );
});

describe('ServerRequester', () => {
  it('moves past unreachable, failing and slow servers to one that answers', async () => {
    const down = `127.0.0.1:${await deadPort()}`;
    const failing = await stub((_q, res) => res.writeHead(500).end('boom'));
    const slow = await stub((_q, res) => setTimeout(() => res.writeHead(200).end('late'), 3000).unref());
    const good = await stub((req, res, body) => res.writeHead(200).end(`${req.method} ${req.url} ${body}`));
    const r = requester([down, failing, slow, good], 300);
    const answer = await r.send({ method: 'POST', path: '/v1/x', params: { a: '1 2', skip: undefined } });
    expect(answer.body).toBe('POST /nacos/v1/x a=1+2');
    expect(answer.server.label).toBe(good);
    // The next call starts at the server that answered.
    expect(r.servers.attemptOrder()[0]?.label).toBe(good);
  });

  it('sends GET parameters in the query string', async () => {
    const good = await stub((req, res) => res.writeHead(200).end(req.url));
    const answer = await requester([good]).send({ method: 'GET', path: '/v1/y', params: { q: 'a&b' } });
    expect(answer.body).toBe('/nacos/v1/y?q=a%26b');
  });

  it('stops at a 4xx (no other server would answer differently)', async () => {
    let second = 0;
    const rejecting = await stub((_q, res) => res.writeHead(400).end('bad param'));
    const other = await stub((_q, res) => {
      second++;
      res.writeHead(200).end('ok');
    });
    const err = await requester([rejecting, other])
      .send({ method: 'GET', path: '/v1/z', params: {} })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CLIENT_REQUEST_REJECTED', status: 400 });
    expect(second).toBe(0);
  });

  it('gives servers answering 503 two more rounds, then reports CLIENT_SERVER_UNAVAILABLE', async () => {
    let calls = 0;
    const electing = await stub((_q, res) => {
      calls++;
      if (calls < 3) res.writeHead(503).end('server is STARTING now');
      else res.writeHead(200).end('leader found');
    });
    expect((await requester([electing], 500).send({ method: 'GET', path: '/', params: {} })).body).toBe(
      'leader found',
    );

    const down = `127.0.0.1:${await deadPort()}`;
    const started = Date.now();
    await expect(requester([down]).send({ method: 'GET', path: '/', params: {} })).rejects.toMatchObject({
      code: 'CLIENT_SERVER_UNAVAILABLE',
    });
    // Unreachable servers get no extra rounds: three quick attempts with short pauses.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops at once when the caller aborts', async () => {
    const slow = await stub((_q, res) => setTimeout(() => res.writeHead(200).end('late'), 3000).unref());
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('enough')), 100);
    await expect(
      requester([slow], 5000).send({ method: 'GET', path: '/', params: {}, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CLIENT_ABORTED' });
  });

  it('logs in, sends the token, and logs in once more when a token is refused', async () => {
    let issued = 0;
    const seen: string[] = [];
    const server = await stub((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/nacos/v1/auth/login') {
        issued++;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accessToken: `t${issued}`, tokenTtl: 100 }));
        return;
      }
      const token = url.searchParams.get('accessToken') ?? '';
      seen.push(token);
      // The first token is "signed by another member's key".
      if (token === 't1') res.writeHead(403).end('token invalid!');
      else res.writeHead(200).end('ok');
    });
    const r = requester([server]);
    const auth = new AuthSession({ username: 'u', password: 'p', requester: r, logger: silentLogger });
    r.useTokens(auth);
    expect((await r.send({ method: 'GET', path: '/v1/ns/x', params: {} })).body).toBe('ok');
    expect(seen).toEqual(['t1', 't2']);
    expect(auth.logins).toBe(2);
  });

  it('refreshes the token once 90 % of its lifetime has passed', async () => {
    let issued = 0;
    const server = await stub((_q, res) => {
      issued++;
      res.writeHead(200).end(JSON.stringify({ accessToken: `t${issued}`, tokenTtl: 10 }));
    });
    let now = 0;
    const auth = new AuthSession({
      username: 'u',
      password: 'p',
      requester: requester([server]),
      logger: silentLogger,
      now: () => now,
    });
    expect(await auth.token()).toBe('t1');
    now = 8999;
    expect(await auth.token()).toBe('t1');
    now = 9000;
    expect(await auth.token()).toBe('t2');
    // Concurrent callers share one login.
    now = 20_000;
    expect(await Promise.all([auth.token(), auth.token(), auth.token()])).toEqual(['t3', 't3', 't3']);
  });

  it('reports refused credentials as CLIENT_AUTH_FAILED without trying further servers', async () => {
    let others = 0;
    const refusing = await stub((_q, res) => res.writeHead(403).end('unknown user!'));
    const other = await stub((_q, res) => {
      others++;
      res.writeHead(200).end('{}');
    });
    const auth = new AuthSession({
      username: 'u',
      password: 'bad',
      requester: requester([refusing, other]),
      logger: silentLogger,
    });
    await expect(auth.token()).rejects.toMatchObject({ code: 'CLIENT_AUTH_FAILED', status: 403 });
    expect(others).toBe(0);
  });
});
