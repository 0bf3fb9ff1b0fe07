// RaftNode.readIndex(): linearizable reads without writing the log, on leaders and followers,
// batched, and refused (never answered stale) by a leader cut off from the cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { isRaftError } from '../../src/errors.js';
import { encodeKvCommand } from '../../src/testing/kv.js';
import { Cluster, waitFor } from './cluster.js';

const put = (seq: number, key: string, value: string) =>
  encodeKvCommand({ client: 'w', seq, op: 'put', key, value });

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stopAll();
  cluster = undefined;
});

const readHeartbeats = (c: Cluster) =>
  c.sent.filter((m) => m.type === MessageType.Heartbeat && m.context !== undefined);

describe('RaftNode.readIndex', () => {
  it('a follower read after readIndex sees every write acknowledged before it; its local state alone would not', async () => {
    cluster = new Cluster(3, { tickMs: 20 });
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const follower = [...cluster.nodes.values()].find((n) => n !== leader)!;
    await waitFor(() => follower.leader === leader.id, 10_000, 'follower to know the leader');
    const fsm = cluster.machines.get(follower.id)!;
    let staleBefore = 0;
    for (let i = 1; i <= 20; i++) {
      await leader.propose(put(i, 'x', `v${i}`));
      if (fsm.get('x') !== `v${i}`) staleBefore++;
      expect(await follower.read(() => fsm.get('x'))).toBe(`v${i}`);
    }
    // Without the read barrier the follower would have answered stale values.
    expect(staleBefore).toBeGreaterThan(0);
    expect(leader.status().lastIndex).toBe(21);
  });

  it('batches concurrent reads into one confirmation round', async () => {
    cluster = new Cluster(3, { tickMs: 20 });
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    await leader.propose(put(1, 'x', 'a'));
    cluster.recordMessages = true;
    await Promise.all(Array.from({ length: 200 }, () => leader.readIndex()));
    const contexts = new Set(readHeartbeats(cluster).map((m) => new TextDecoder().decode(m.context)));
    expect(contexts.size).toBe(1);
    // Follower reads batch too: one forwarded request for the lot.
    const follower = [...cluster.nodes.values()].find((n) => n !== leader)!;
    await waitFor(() => follower.leader === leader.id, 10_000, 'follower to know the leader');
    cluster.sent.length = 0;
    await Promise.all(Array.from({ length: 200 }, () => follower.readIndex()));
    expect(cluster.sent.filter((m) => m.type === MessageType.ReadIndex).length).toBe(1);
  });

  it('a partitioned old leader never serves a read: it rejects with RAFT_READ_LOST while the others move on', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const old = await cluster.waitLeader();
    await old.propose(put(1, 'x', 'before'));
    cluster.net.isolate(old.id, true, cluster.ids);
    const read = old.read(() => cluster!.machines.get(old.id)!.get('x'));
    const outcome = read.then(
      (v) => ({ served: v }),
      (e: unknown) => ({ error: e }),
    );
    const others = [...cluster.nodes.values()].filter((n) => n !== old);
    await waitFor(() => others.some((n) => n.role === 'leader'), 10_000, 'a new leader');
    const fresh = others.find((n) => n.role === 'leader')!;
    await fresh.propose(put(2, 'x', 'after'));
    const result = await outcome;
    expect('error' in result && isRaftError(result.error, 'RAFT_READ_LOST')).toBe(true);
  });

  it('rejects with RAFT_NOT_LEADER when no leader is known, and RAFT_STOPPED on stop', async () => {
    cluster = new Cluster();
    const lone = await cluster.start(1);
    const err = await lone.readIndex().catch((e: unknown) => e);
    expect(isRaftError(err, 'RAFT_NOT_LEADER')).toBe(true);
    await cluster.start(2);
    await cluster.start(3);
    const leader = await cluster.waitLeader();
    cluster.net.isolate(leader.id, true, cluster.ids);
    const pending = leader.readIndex().catch((e: unknown) => e);
    await leader.stop();
    expect(isRaftError(await pending, 'RAFT_STOPPED')).toBe(true);
  });

  it('lease reads are answered without any message while the lease holds', async () => {
    cluster = new Cluster(3, { readOnlyOption: 'lease-based', tickMs: 20 });
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    await leader.propose(put(1, 'x', 'a'));
    await waitFor(() => leader.status().leaseValid, 10_000, 'a lease');
    cluster.recordMessages = true;
    for (let i = 0; i < 50; i++) await leader.readIndex();
    expect(readHeartbeats(cluster)).toEqual([]);
  });
});
