import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildConfig, ChildPeer, requireDist } from './child-peer.js';
import { SECRET, waitFor } from './helpers.js';

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    [...Array(n)].map(
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const children: ChildPeer[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
});

describe('three transports in three processes', () => {
  let configs: ChildConfig[] = [];
  const peers: Record<string, ChildPeer> = {};

  beforeAll(() => requireDist());

  it('form a mesh, exchange messages and requests, shut out intruders, and survive a peer restart', async () => {
    const ports = await freePorts(5);
    const members = ['n1', 'n2', 'n3'].map((id, i) => ({ id, host: '127.0.0.1', port: ports[i] as number }));
    configs = members.map((m) => ({ id: m.id, secret: SECRET, port: m.port, peers: members }));
    for (const c of configs) {
      const p = new ChildPeer(c);
      children.push(p);
      peers[c.id] = p;
    }
    await Promise.all(Object.values(peers).map((p) => p.ready));
    const all = () => Object.values(peers);
    await waitFor(() => all().every((p) => p.up.size === 2), 'mesh across processes', 10_000);

    const n1 = peers.n1 as ChildPeer;
    const n2 = peers.n2 as ChildPeer;
    const n3 = peers.n3 as ChildPeer;
    expect(await n1.call('request', { to: 'n2', channel: 'echo', msg: { x: [1, 2] } })).toEqual({
      x: [1, 2],
    });
    expect(await n3.call('request', { to: 'n1', channel: 'whoami', msg: null })).toMatchObject({ id: 'n1' });
    await n2.call('send', { to: 'n3', channel: 'note', msg: 'hello' });
    await n1.call('send', { to: 'n3', channel: 'note', msg: 'hi' });
    await waitFor(() => n3.notes.length === 2, 'notes');
    expect(n3.notes).toEqual(
      expect.arrayContaining([
        { from: 'n2', m: 'hello' },
        { from: 'n1', m: 'hi' },
      ]),
    );

    // Intruders in their own processes: a process claiming n1's id with the wrong secret (it
    // dials n2 and n3), and a non-member with the right secret (it dials everyone).
    const wrong = new ChildPeer({
      id: 'n1',
      secret: `${SECRET}-wrong`,
      port: ports[3] as number,
      peers: members,
    });
    const stranger = new ChildPeer({ id: 'm0', secret: SECRET, port: ports[4] as number, peers: members });
    children.push(wrong, stranger);
    await Promise.all([wrong.ready, stranger.ready]);
    const failures = async () =>
      ((await n2.call('metrics')) as { authFailures: number }).authFailures +
      ((await n3.call('metrics')) as { authFailures: number }).authFailures;
    for (let i = 0; i < 100 && (await failures()) < 4; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await failures()).toBeGreaterThanOrEqual(4);
    expect(wrong.up.size + stranger.up.size).toBe(0);
    await Promise.all([wrong.kill(), stranger.kill()]);
    expect(await n1.call('request', { to: 'n2', channel: 'echo', msg: 'still' })).toBe('still');
    const m2 = (await n2.call('metrics')) as { reconnects: number };
    expect(m2.reconnects).toBe(0);

    // kill -9 n2, restart it on the same port: n1 and n3 reconnect on their own.
    const before = (await n1.call('request', { to: 'n2', channel: 'whoami', msg: null })) as { pid: number };
    await n2.kill();
    const restarted = new ChildPeer(configs[1] as ChildConfig);
    children.push(restarted);
    peers.n2 = restarted;
    await restarted.ready;
    await waitFor(() => restarted.up.size === 2, 'restarted peer reconnected', 10_000);
    let after: { pid: number } | undefined;
    for (let i = 0; i < 50 && after === undefined; i++) {
      after = (await n1
        .call('request', { to: 'n2', channel: 'whoami', msg: null, timeoutMs: 500 })
        .catch(() => undefined)) as { pid: number } | undefined;
      if (after === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(after?.pid).toBeDefined();
    expect(after?.pid).not.toBe(before.pid);
    expect(await n3.call('request', { to: 'n2', channel: 'echo', msg: 7 })).toBe(7);
    await Promise.all(all().map((p) => p.call('close')));
  }, 40_000);
});
