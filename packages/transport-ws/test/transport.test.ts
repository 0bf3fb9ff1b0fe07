import { afterEach, describe, expect, it } from 'vitest';
import { TransportError, type WsTransport } from '../src/index.js';
import { WsTransport as Transport } from '../src/ws-transport.js';
import { allConnected, closeAll, cluster, SECRET, waitFor } from './helpers.js';

let open: WsTransport[] = [];
afterEach(async () => {
  await closeAll(open);
  open = [];
});

async function mesh(ids: string[], extra = {}): Promise<WsTransport[]> {
  const ts = await cluster(ids, extra);
  open.push(...ts);
  await allConnected(ts);
  return ts;
}

describe('WsTransport in one process', () => {
  it('delivers one-way messages in order between two peers, both directions', async () => {
    const [a, b] = (await mesh(['a', 'b'])) as [WsTransport, WsTransport];
    const atB: unknown[] = [];
    const atA: unknown[] = [];
    b.onMessage('raft', (from, m) => atB.push([from, m]));
    a.onMessage('raft', (from, m) => atA.push([from, m]));
    for (let i = 0; i < 100; i++) expect(a.send('b', 'raft', { i, bin: new Uint8Array([i]) })).toBe(true);
    expect(b.send('a', 'raft', 'hi')).toBe(true);
    await waitFor(() => atB.length === 100 && atA.length === 1, 'messages');
    expect(atB.map((x) => (x as [string, { i: number }])[1].i)).toEqual([...Array(100).keys()]);
    expect(atB[5]).toEqual(['a', { i: 5, bin: Buffer.from([5]) }]);
    expect(atA).toEqual([['b', 'hi']]);
  });

  it('answers requests across three peers, with handler errors and missing handlers', async () => {
    const ts = await mesh(['a', 'b', 'c']);
    for (const t of ts) {
      t.onRequest('echo', (from, req) => ({ at: t.id, from, req }));
      t.onRequest('async', async (_from, req) => {
        await new Promise((r) => setTimeout(r, 5));
        return (req as number) * 2;
      });
      t.onRequest('fail', () => {
        throw Object.assign(new Error('nope'), { code: 'DISTRO_X' });
      });
    }
    const [a, b, c] = ts as [WsTransport, WsTransport, WsTransport];
    expect(await a.request('b', 'echo', [1, 'x'])).toEqual({ at: 'b', from: 'a', req: [1, 'x'] });
    expect(await c.request('a', 'echo', null)).toEqual({ at: 'a', from: 'c', req: null });
    expect(await b.request('c', 'async', 21)).toBe(42);
    const many = await Promise.all([...Array(50).keys()].map((i) => c.request('b', 'async', i)));
    expect(many).toEqual([...Array(50).keys()].map((i) => i * 2));
    const err = await a.request('c', 'fail', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('TRANSPORT_REMOTE_ERROR');
    expect((err as TransportError).remoteCode).toBe('DISTRO_X');
    expect((err as TransportError).message).toContain('nope');
    const none = await a.request('b', 'nobody', 1).catch((e: TransportError) => e);
    expect((none as TransportError).remoteCode).toBe('TRANSPORT_NO_HANDLER');
  });

  it('times out, aborts, and refuses bad input with typed errors', async () => {
    const [a, b] = (await mesh(['a', 'b'])) as [WsTransport, WsTransport];
    b.onRequest('slow', () => new Promise(() => {}));
    const t = await a.request('b', 'slow', 1, { timeoutMs: 50 }).catch((e: TransportError) => e);
    expect((t as TransportError).code).toBe('TRANSPORT_TIMEOUT');
    const ac = new AbortController();
    const p = a.request('b', 'slow', 1, { signal: ac.signal }).catch((e: TransportError) => e);
    ac.abort();
    expect(((await p) as TransportError).code).toBe('TRANSPORT_ABORTED');
    expect(((await a.request('zz', 'x', 1).catch((e) => e)) as TransportError).code).toBe(
      'TRANSPORT_UNKNOWN_PEER',
    );
    expect(() => a.send('b', 'x', new Date())).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_BAD_MESSAGE' }),
    );
    expect(() => a.send('b', 'x', { deep: { at: new Date(0) } })).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_BAD_MESSAGE' }),
    );
    expect(() => a.send('b', '', 1)).toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_MESSAGE' }));
    expect(() => a.send('b', 'x', new Uint8Array(5 * 1024 * 1024))).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_FRAME_TOO_LARGE' }),
    );
    expect(a.send('nobody', 'x', 1)).toBe(false);
    // The connection is unaffected by all of that.
    b.onRequest('ok', () => 'ok');
    expect(await a.request('b', 'ok', 1)).toBe('ok');
    expect(a.metrics().peers[0]?.pendingRequests).toBe(0);
  });

  it('validates options', () => {
    const bad = [
      { id: '', secret: SECRET, port: 0 },
      { id: 'a', secret: 'short', port: 0 },
      { id: 'a', secret: SECRET, port: 70000 },
      { id: 'a', secret: SECRET, port: 0, maxFrameBytes: -1 },
      { id: 'a', secret: SECRET, port: 0, peers: [{ id: 'b', host: '127.0.0.1', port: 0 }] },
      { id: 'a', secret: SECRET, port: 0, backoff: { initialMs: 100, maxMs: 10 } },
    ];
    for (const o of bad) {
      expect(() => new Transport(o)).toThrow(expect.objectContaining({ code: 'TRANSPORT_INVALID_OPTIONS' }));
    }
  });

  it('reconnects after a peer restarts on the same port and fails in-flight requests', async () => {
    const ts = await cluster(['a', 'b'], { requestTimeoutMs: 2000 });
    open.push(...ts);
    await allConnected(ts);
    const [a, b] = ts as [WsTransport, WsTransport];
    const port = b.address().port;
    b.onRequest('hang', () => new Promise(() => {}));
    const inflight = a.request('b', 'hang', 1).catch((e: TransportError) => e);
    await waitFor(() => (a.metrics().peers[0]?.framesOut ?? 0) > 0, 'request written');
    await b.close();
    expect(((await inflight) as TransportError).code).toBe('TRANSPORT_PEER_CLOSED');
    await waitFor(() => !a.isConnected('b'), 'a sees b down');
    expect(((await a.request('b', 'x', 1).catch((e) => e)) as TransportError).code).toBe(
      'TRANSPORT_PEER_UNREACHABLE',
    );
    // Messages sent while b is away wait in the bounded queue.
    expect(a.send('b', 'raft', 'queued')).toBe(true);
    const b2 = new Transport({ id: 'b', secret: SECRET, port, peers: [{ id: 'a', ...a.address() }] });
    open.push(b2);
    const got: unknown[] = [];
    b2.onMessage('raft', (_f, m) => got.push(m));
    b2.onRequest('echo', (_f, m) => m);
    await b2.listen();
    await waitFor(() => a.isConnected('b') && got.length === 1, 'reconnect and queued delivery', 8000);
    expect(got).toEqual(['queued']);
    expect(await a.request('b', 'echo', 'again')).toBe('again');
    expect(a.metrics().reconnects).toBe(1);
  });

  it('adds and removes peers at runtime', async () => {
    const ts = await mesh(['a', 'b']);
    const [a, b] = ts as [WsTransport, WsTransport];
    const c = new Transport({ id: 'c', secret: SECRET, port: 0, backoff: { initialMs: 20, maxMs: 200 } });
    open.push(c);
    await c.listen();
    c.addPeer('a', a.address());
    c.addPeer('b', b.address());
    a.addPeer('c', c.address());
    b.addPeer('c', c.address());
    await allConnected([a, b, c]);
    c.onRequest('who', () => 'c');
    expect(await a.request('c', 'who', 0)).toBe('c');
    c.onRequest('hang', () => new Promise(() => {}));
    const pending = a.request('c', 'hang', 0).catch((e: TransportError) => e);
    await waitFor(() => a.metrics().peers.find((p) => p.id === 'c')?.framesOut === 2, 'written');
    a.removePeer('c');
    expect(((await pending) as TransportError).code).toBe('TRANSPORT_PEER_CLOSED');
    expect(a.peerIds()).toEqual(['b']);
    await waitFor(() => !c.isConnected('a'), 'c dropped a');
    c.removePeer('a');
    // a (the lower id, so the dialler) learns of c again, but c no longer counts a as a member.
    a.addPeer('c', c.address());
    await waitFor(() => c.metrics().authFailures >= 1, 'c rejects a');
    expect(a.isConnected('c')).toBe(false);
    expect(a.metrics().peers.find((p) => p.id === 'c')?.state).toBe('down');
    expect(b.isConnected('c')).toBe(true);
  });
});
