// RaftNode.changeMembership(): grow the cluster with a learner, promote it, remove members, remove
// the leader itself; all without restarting anyone.
import { afterEach, describe, expect, it } from 'vitest';
import { isRaftError } from '../../src/errors.js';
import { encodeKvCommand } from '../../src/testing/kv.js';
import { Cluster, waitFor } from './cluster.js';

const put = (seq: number, value: string) => encodeKvCommand({ client: 'm', seq, op: 'put', key: 'k', value });

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stopAll();
  cluster = undefined;
});

describe('RaftNode.changeMembership', () => {
  it('adds a learner that catches up, promotes it, then removes a follower; the cluster keeps serving', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    for (let i = 1; i <= 10; i++) await leader.propose(put(i, `v${i}`));
    const newcomer = await cluster.join(4);
    expect(await leader.changeMembership({ type: 'add-learner', node: 4 })).toMatchObject({
      voters: [1, 2, 3],
      learners: [4],
    });
    await waitFor(() => cluster!.machines.get(4)!.get('k') === 'v10', 10_000, 'the learner to catch up');
    expect(newcomer.status()).toMatchObject({ voters: [1, 2, 3], learners: [4] });
    expect(await leader.changeMembership({ type: 'add-voter', node: 4 })).toMatchObject({
      voters: [1, 2, 3, 4],
      learners: [],
    });
    const victim = cluster.ids.find((id) => id !== leader.id)!;
    const after = await leader.changeMembership({ type: 'remove', node: victim });
    expect(after.voters).not.toContain(victim);
    expect(after.voters).toContain(4);
    expect(await leader.propose(put(11, 'v11'))).toEqual({ ok: true, value: 'v11' });
    await waitFor(() => cluster!.machines.get(4)!.get('k') === 'v11', 10_000, 'the new voter to apply');
    // Reads work on the new member too.
    expect(await newcomer.read(() => cluster!.machines.get(4)!.get('k'))).toBe('v11');
  });

  it('removes the leader: it resolves, hands over, and a remaining voter leads at once', async () => {
    cluster = new Cluster(3, { tickMs: 20 });
    await cluster.startAll();
    const old = await cluster.waitLeader();
    await old.propose(put(1, 'a'));
    const term = old.term;
    const conf = await old.changeMembership({ type: 'remove', node: old.id });
    expect(conf.voters).not.toContain(old.id);
    await waitFor(
      () => [...cluster!.nodes.values()].some((n) => n !== old && n.role === 'leader'),
      10_000,
      'a new leader',
    );
    const fresh = [...cluster.nodes.values()].find((n) => n !== old && n.role === 'leader')!;
    // Handed over with TimeoutNow: the very next term, no election timeout in between.
    expect(fresh.term).toBe(term + 1);
    expect(old.role).not.toBe('leader');
    expect(await fresh.propose(put(2, 'b'))).toEqual({ ok: true, value: 'b' });
  });

  it('one change at a time: a second change before the first commits is refused', async () => {
    cluster = new Cluster();
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    await leader.propose(put(1, 'a'));
    await cluster.join(4);
    const first = leader.changeMembership({ type: 'add-learner', node: 4 });
    const second = await leader.changeMembership({ type: 'add-voter', node: 4 }).catch((e: unknown) => e);
    expect(isRaftError(second, 'RAFT_CONF_CHANGE_IN_PROGRESS')).toBe(true);
    await first;
    const follower = [...cluster.nodes.values()].find((n) => n !== leader && n.id !== 4)!;
    const notLeader = await follower.changeMembership({ type: 'remove', node: 4 }).catch((e: unknown) => e);
    expect(isRaftError(notLeader, 'RAFT_NOT_LEADER')).toBe(true);
  });
});
