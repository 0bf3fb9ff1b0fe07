import { afterEach, describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { MemoryNetwork } from '../../src/driver/memory-transport.js';
import { RaftNode } from '../../src/driver/raft-node.js';
import { isRaftError } from '../../src/errors.js';
import { MemoryLogStorage } from '../../src/storage/memory-log-storage.js';
import { encodeKvCommand, type KvResult, KvStateMachine } from '../../src/testing/kv.js';
import { Cluster, waitFor } from './cluster.js';

const put = (client: string, seq: number, key: string, value: string) =>
  encodeKvCommand({ client, seq, op: 'put', key, value });

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stopAll();
  cluster = undefined;
});

describe('RaftNode', () => {
  it('elects a leader; propose resolves with the state machine result, on every node', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const result = await leader.propose(put('a', 1, 'x', 'hello'));
    expect(result).toEqual({ ok: true, value: 'hello' });
    await waitFor(
      () => [...cluster!.machines.values()].every((m) => m.get('x') === 'hello'),
      10_000,
      'replication',
    );
    expect(cluster.violations).toEqual([]);
  });

  it('a follower rejects proposals with RAFT_NOT_LEADER naming the leader', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const follower = [...cluster.nodes.values()].find((n) => n !== leader)!;
    await waitFor(() => follower.leader === leader.id, 10_000, 'follower to learn the leader');
    const err = await follower.propose(put('a', 1, 'x', 'y')).catch((e: unknown) => e);
    expect(isRaftError(err, 'RAFT_NOT_LEADER')).toBe(true);
    expect((err as { leader: number }).leader).toBe(leader.id);
  });

  it('rejects empty or non-byte proposals with RAFT_INVALID_ARGUMENT', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    for (const bad of [new Uint8Array(0), 'text' as unknown as Uint8Array]) {
      const err = await leader.propose(bad).catch((e: unknown) => e);
      expect(isRaftError(err, 'RAFT_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('many concurrent proposals all resolve, in log order, with nothing sent before it was durable', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        leader.propose(encodeKvCommand({ client: `c${i}`, seq: 1, op: 'append', key: 'k', value: `${i};` })),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const final = results[results.length - 1]!.value!;
    expect(final.split(';').filter(Boolean).length).toBe(200);
    expect(cluster.violations).toEqual([]);
  });

  it("a leader's appends overlap its own write, never carrying a commit it could still lose", async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    for (let round = 0; round < 20; round++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          leader.propose(
            encodeKvCommand({ client: `r${round}`, seq: i + 1, op: 'put', key: `k${i}`, value: 'v' }),
          ),
        ),
      );
      expect(results.every((r) => r.ok)).toBe(true);
    }
    // The commit and term checks run on every message the leader sent (cluster.ts).
    expect(cluster.violations).toEqual([]);
    expect(cluster.earlyAppends).toBeGreaterThan(0);
  });

  it('restarts from storage: committed state is rebuilt and the cluster continues', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    let leader = await cluster.waitLeader();
    for (let i = 1; i <= 5; i++) await leader.propose(put('a', i, `k${i}`, `v${i}`));
    for (const id of cluster.ids) await cluster.stop(id);
    await cluster.startAll();
    leader = await cluster.waitLeader();
    await leader.propose(put('a', 6, 'k6', 'v6'));
    await waitFor(
      () => [...cluster!.machines.values()].every((m) => m.get('k1') === 'v1' && m.get('k6') === 'v6'),
      10_000,
      'replay and replication',
    );
    // The session survived too: retrying seq 6 answers from the session, not a new effect, and
    // an older seq is refused.
    const again = await leader.propose(put('a', 6, 'k6', 'changed'));
    expect(again).toEqual({ ok: true, value: 'v6' });
    const stale = await leader.propose(put('a', 5, 'k5', 'changed'));
    expect(stale).toEqual({ ok: false, value: undefined });
  });

  it('a storage failure stops the node; its proposals reject and it takes no further part', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    cluster.storages.get(leader.id)!.failAppends = true;
    const err = await leader.propose(put('a', 1, 'x', 'y')).catch((e: unknown) => e);
    expect(isRaftError(err)).toBe(true);
    await waitFor(() => leader.failure !== undefined, 10_000, 'failure');
    expect(leader.failure).toMatchObject({ code: 'RAFT_STORAGE_FAILED' });
    const later = await leader.propose(put('a', 2, 'x', 'z')).catch((e: unknown) => e);
    expect(isRaftError(later, 'RAFT_STOPPED')).toBe(true);
    // The other two elect a new leader and carry on.
    await waitFor(
      () => cluster!.leader() !== undefined && cluster!.leader() !== leader,
      10_000,
      'new leader',
    );
    const r = await cluster.leader()!.propose(put('b', 1, 'x', 'after'));
    expect(r.value).toBe('after');
  });

  it('a state machine that throws stops the node with RAFT_APPLY_FAILED', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const sm = cluster.machines.get(leader.id)!;
    sm.apply = () => {
      throw new Error('bug in the application');
    };
    const err = await leader.propose(put('a', 1, 'x', 'y')).catch((e: unknown) => e);
    expect(isRaftError(err, 'RAFT_APPLY_FAILED')).toBe(true);
    expect(leader.failure).toMatchObject({ code: 'RAFT_APPLY_FAILED' });
    expect((leader.failure as Error).cause).toMatchObject({ message: 'bug in the application' });
  });

  it('drops malformed messages from the network and keeps working', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const target = [...cluster.nodes.values()].find((n) => n !== leader)!;
    const attacker = cluster.net.transport(99);
    attacker.send([
      { nonsense: true } as never,
      { type: MessageType.App, from: leader.id, to: target.id, term: -1 } as never,
      {
        type: MessageType.App,
        from: leader.id,
        to: target.id,
        term: 1e9,
        logTerm: 0,
        index: 0,
        commit: 1e9,
        reject: false,
        rejectHint: 0,
        entries: [{ term: 1e9, index: 5, type: 0, data: 'x' }],
      } as never,
    ]);
    const r = await leader.propose(put('a', 1, 'x', 'still'));
    expect(r.value).toBe('still');
    expect(target.failure).toBeUndefined();
    expect(target.term).toBe(leader.term);
  });

  it('stop rejects pending proposals with RAFT_STOPPED', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    for (const id of cluster.ids) if (id !== leader.id) await cluster.stop(id);
    const pending = leader.propose(put('a', 1, 'x', 'never')).catch((e: unknown) => e);
    await cluster.stop(leader.id);
    const err = await pending;
    expect(isRaftError(err)).toBe(true);
  });
});

describe('RaftNode across a leader change', () => {
  it('a proposal whose entry is replaced by a new leader rejects with RAFT_PROPOSAL_DROPPED', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const old = await cluster.waitLeader();
    await old.propose(put('a', 1, 'x', 'first'));
    cluster.net.isolate(old.id, true, cluster.ids);
    const doomed = old.propose(put('a', 2, 'x', 'lost')).catch((e: unknown) => e);
    // The majority side elects a new leader and commits past the doomed entry's index.
    await waitFor(() => cluster!.leader() !== undefined && cluster!.leader() !== old, 10_000, 'new leader');
    const fresh = cluster.leader()!;
    await fresh.propose(put('b', 1, 'y', 'new'));
    await fresh.propose(put('b', 2, 'y', 'newer'));
    cluster.net.isolate(old.id, false, cluster.ids);
    const err = await doomed;
    expect(isRaftError(err)).toBe(true);
    expect(['RAFT_PROPOSAL_DROPPED', 'RAFT_NOT_LEADER']).toContain((err as { code: string }).code);
    await waitFor(
      () => cluster!.machines.get(old.id)!.get('y') === 'newer',
      10_000,
      'old leader to catch up',
    );
    expect(cluster.machines.get(old.id)!.get('x')).toBe('first');
  });
});

describe('RaftNode, single voter', () => {
  it('a one-node cluster elects itself, commits alone, and does not starve the event loop', async () => {
    // MemoryLogStorage resolves on microtasks, so only the driver's own yielding lets timers run.
    const net = new MemoryNetwork();
    const node = await RaftNode.start<KvResult>({
      id: 1,
      voters: [1],
      storage: new MemoryLogStorage(),
      transport: net.transport(1),
      stateMachine: new KvStateMachine(),
      tickMs: 2,
    });
    try {
      await waitFor(() => node.role === 'leader', 10_000, 'self-election');
      let timerFired = false;
      setTimeout(() => {
        timerFired = true;
      }, 0);
      let firedDuringChain = false;
      // Proposals chained from resolved proposals: all on microtasks.
      await new Promise<void>((resolve, reject) => {
        let i = 0;
        const next = (): void => {
          i++;
          if (timerFired) firedDuringChain = true;
          if (i > 3000 || firedDuringChain) {
            resolve();
            return;
          }
          node.propose(put('solo', i, 'k', String(i))).then(next, reject);
        };
        next();
      });
      expect(firedDuringChain).toBe(true);
    } finally {
      await node.stop();
      net.close();
    }
  });
});
