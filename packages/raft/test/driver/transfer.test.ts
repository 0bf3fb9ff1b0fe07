// RaftNode.transferLeadership() and stop({ transfer: true }): graceful hand-over without waiting
// for an election timeout.
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { isRaftError } from '../../src/errors.js';
import { encodeKvCommand } from '../../src/testing/kv.js';
import { Cluster, waitFor } from './cluster.js';

const put = (seq: number, value: string) => encodeKvCommand({ client: 't', seq, op: 'put', key: 'k', value });

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stopAll();
  cluster = undefined;
});

describe('RaftNode leadership transfer', () => {
  it('transferLeadership resolves once the target leads; proposals meanwhile are refused', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const old = await cluster.waitLeader();
    await old.propose(put(1, 'a'));
    const target = cluster.ids.find((id) => id !== old.id)!;
    const term = old.term;
    const done = old.transferLeadership(target);
    const refused = await old.propose(put(2, 'b')).catch((e: unknown) => e);
    expect(isRaftError(refused, 'RAFT_LEADER_TRANSFERRING')).toBe(true);
    await done;
    const now = cluster.nodes.get(target)!;
    expect(now.role).toBe('leader');
    // One election, no pre-vote rounds or timeouts in between.
    expect(now.term).toBe(term + 1);
    expect(await now.propose(put(2, 'b'))).toEqual({ ok: true, value: 'b' });
  });

  it('stop({ transfer: true }) leaves a new leader in place when it returns', async () => {
    cluster = new Cluster(3, { tickMs: 20 });
    await cluster.startAll();
    const old = await cluster.waitLeader();
    await old.propose(put(1, 'a'));
    const term = old.term;
    await cluster.nodes.get(old.id)!.stop({ transfer: true });
    cluster.nodes.delete(old.id);
    const leader = cluster.leader();
    expect(leader).toBeDefined();
    expect(leader!.term).toBe(term + 1);
    expect(await leader!.propose(put(2, 'b'))).toEqual({ ok: true, value: 'b' });
  });

  it('a transfer to an unreachable node aborts with RAFT_TRANSFER_ABORTED and proposals resume', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const target = cluster.ids.find((id) => id !== leader.id)!;
    // The target hears nothing (so never gets TimeoutNow) but the leader keeps its quorum.
    cluster.net.setLink(leader.id, target, false);
    const err = await leader.transferLeadership(target).catch((e: unknown) => e);
    expect(isRaftError(err, 'RAFT_TRANSFER_ABORTED')).toBe(true);
    expect(leader.role).toBe('leader');
    expect(await leader.propose(put(1, 'a'))).toEqual({ ok: true, value: 'a' });
  });

  it('catches a lagging target up before handing over', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const target = cluster.ids.find((id) => id !== leader.id)!;
    cluster.net.isolate(target, true, cluster.ids);
    for (let i = 1; i <= 30; i++) await leader.propose(put(i, `v${i}`));
    cluster.recordMessages = true;
    cluster.net.isolate(target, false, cluster.ids);
    await leader.transferLeadership(target);
    const timeoutNow = cluster.sent.findIndex((m) => m.type === MessageType.TimeoutNow);
    expect(timeoutNow).toBeGreaterThan(0);
    // Appends went to the target before TimeoutNow did.
    expect(cluster.sent.slice(0, timeoutNow).some((m) => m.type === MessageType.App && m.to === target)).toBe(
      true,
    );
    await waitFor(() => cluster!.machines.get(target)!.get('k') === 'v30', 10_000, 'target state');
  });

  it('refuses on a follower (RAFT_NOT_LEADER) and for a non-member (RAFT_INVALID_ARGUMENT)', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const follower = [...cluster.nodes.values()].find((n) => n !== leader)!;
    expect(
      isRaftError(await follower.transferLeadership(leader.id).catch((e: unknown) => e), 'RAFT_NOT_LEADER'),
    ).toBe(true);
    expect(
      isRaftError(await leader.transferLeadership(42).catch((e: unknown) => e), 'RAFT_INVALID_ARGUMENT'),
    ).toBe(true);
    await leader.transferLeadership(leader.id);
    expect(leader.role).toBe('leader');
  });
});
