import { Packr } from 'msgpackr';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeGreeting, HandshakeType } from '../src/handshake.js';
import { CloseCode, type WsTransport } from '../src/index.js';
import { allConnected, closeAll, cluster, SECRET, waitFor } from './helpers.js';
import { type RawPeer, rawAuthenticate, rawConnect } from './raw-peer.js';

let open: WsTransport[] = [];
let raws: RawPeer[] = [];
afterEach(async () => {
  for (const r of raws) r.ws.terminate();
  raws = [];
  await closeAll(open);
  open = [];
});

// 'a' and 'b' are real peers; '0' is a member id the raw client may use ('0' < 'a', so nobody dials it).
async function setup(extra = {}): Promise<[WsTransport, WsTransport]> {
  const ts = await cluster(['a', 'b'], extra);
  open.push(...ts);
  await allConnected(ts);
  const [a, b] = ts as [WsTransport, WsTransport];
  a.addPeer('0', { host: '127.0.0.1', port: 9 });
  b.onRequest('echo', (_f, m) => m);
  a.onRequest('echo', (_f, m) => m);
  return [a, b];
}

async function stillServing(a: WsTransport, b: WsTransport): Promise<void> {
  expect(await a.request('b', 'echo', 'ok')).toBe('ok');
  expect(await b.request('a', 'echo', 'ok')).toBe('ok');
  // The a<->b connection never dropped.
  expect(a.metrics().peers.find((p) => p.id === 'b')?.reconnects).toBe(0);
  expect(b.metrics().peers.find((p) => p.id === 'a')?.reconnects).toBe(0);
}

const track = (r: RawPeer): RawPeer => {
  raws.push(r);
  return r;
};

describe('peer authentication and hostile input', () => {
  it('closes a non-member during the handshake', async () => {
    const [a, b] = await setup();
    const r = track(await rawConnect(a.address()));
    r.ws.send(encodeGreeting(HandshakeType.Hello, 'mallory', Buffer.alloc(32)));
    expect(await r.closed).toEqual({ code: CloseCode.NotAMember, reason: 'not a member' });
    expect(a.metrics().authFailures).toBe(1);
    await stillServing(a, b);
  });

  it('closes a member id presented with the wrong secret, leaving the real member connected', async () => {
    const [a, b] = await setup();
    const failures: unknown[] = [];
    b.on('authFailure', (e) => failures.push(e));
    // Pretend to be 'a' (a live member) towards b.
    const err = await rawAuthenticate(b.address(), 'a', 'b', 'wrong-secret-wrong-secret').catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(failures).toEqual([expect.objectContaining({ claimedId: 'a', code: CloseCode.AuthFailed })]);
    await stillServing(a, b);
  });

  it('rejects a dialler whose peer proves the wrong secret', async () => {
    const ts = await cluster(['a', 'b'], (id) => ({ secret: id === 'a' ? SECRET : `${SECRET}-other` }));
    open.push(...ts);
    const [a, b] = ts as [WsTransport, WsTransport];
    await waitFor(() => b.metrics().authFailures >= 1 && a.metrics().peers[0]?.state === 'down', 'rejection');
    expect(a.isConnected('b')).toBe(false);
    expect(b.isConnected('a')).toBe(false);
  });

  it('closes garbage and text sent before authentication, and silent clients on timeout', async () => {
    const [a, b] = await setup({ handshakeTimeoutMs: 300 });
    const g = track(await rawConnect(a.address()));
    g.ws.send(Buffer.from('GET / HTTP/1.1\r\n\r\n'.repeat(100)));
    expect((await g.closed).code).toBe(CloseCode.ProtocolError);
    const t = track(await rawConnect(a.address()));
    t.ws.send('hello');
    expect((await t.closed).code).toBe(CloseCode.ProtocolError);
    const s = track(await rawConnect(a.address()));
    expect(await s.closed).toEqual({ code: CloseCode.HandshakeTimeout, reason: 'handshake timeout' });
    expect(a.metrics().handshakeFailures).toBe(3);
    await stillServing(a, b);
  });

  it('closes an authenticated peer that sends malformed frames or extension types', async () => {
    const [a, b] = await setup();
    const seen: unknown[] = [];
    a.onMessage('raft', (_f, m) => seen.push(m));
    const frames = [
      Buffer.from([0xc1, 0xc1]),
      Buffer.from([0x94, 0x01, 0xa4, 0x72, 0x61, 0x66, 0x74]), // truncated
      Buffer.concat([
        Buffer.from([0x94, 0x01, 0xa4, 0x72, 0x61, 0x66, 0x74, 0x00]),
        new Packr({ moreTypes: true }).pack(new Set([1])),
      ]),
      Buffer.concat([
        Buffer.from([0x94, 0x01, 0xa4, 0x72, 0x61, 0x66, 0x74, 0x00]),
        Buffer.alloc(50_000, 0x91),
        Buffer.from([0xc0]),
      ]),
    ];
    for (const f of frames) {
      const r = track(await rawAuthenticate(a.address(), '0', 'a', SECRET));
      r.ws.send(f);
      const { code, reason } = await r.closed;
      expect(code).toBe(CloseCode.ProtocolError);
      expect(reason).toMatch(/^malformed frame/);
    }
    expect(seen).toEqual([]);
    expect(a.metrics().protocolErrors).toBe(frames.length);
    await stillServing(a, b);
  });

  it('closes an authenticated peer that sends an oversized frame', async () => {
    const [a, b] = await setup({ maxFrameBytes: 64 * 1024 });
    const r = track(await rawAuthenticate(a.address(), '0', 'a', SECRET));
    r.ws.send(Buffer.alloc(100 * 1024));
    expect((await r.closed).code).toBe(1009);
    await waitFor(() => a.metrics().protocolErrors === 1, 'protocol error counted');
    await stillServing(a, b);
  });
});

describe('handshake flood', () => {
  it('drops inbound sockets beyond 64 unauthenticated ones, and recovers', async () => {
    const [a, b] = await setup({ handshakeTimeoutMs: 2000 });
    const flood = await Promise.all([...Array(64)].map(() => rawConnect(a.address()).then(track)));
    const extra = await rawConnect(a.address()).then(track, (e: Error) => e);
    // ws may complete the upgrade before the transport terminates the socket.
    if (!(extra instanceof Error)) expect((await extra.closed).code).toBe(1006);
    for (const r of flood) r.ws.terminate();
    await Promise.all(flood.map((r) => r.closed));
    await waitFor(() => a.metrics().handshakeFailures >= 64, 'flood sockets released');
    const ok = track(await rawAuthenticate(a.address(), '0', 'a', SECRET));
    expect(ok.ws.readyState).toBe(1);
    await stillServing(a, b);
  });
});
