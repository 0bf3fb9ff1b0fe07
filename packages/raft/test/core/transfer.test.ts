// Leadership transfer (thesis §3.10): the leader catches the target up, stops taking proposals,
// and sends TimeoutNow; the target campaigns at once, past pre-vote and the followers' leases.
import { describe, expect, it } from 'vitest';
import { isRaftError } from '../../src/errors.js';
import { drain, MessageType, Network, newNode } from './helpers.js';

const three = [1, 2, 3];
const opts = { preVote: true, checkQuorum: true };

function cluster(): Network {
  const net = new Network(three.map((id) => newNode(id, three, opts)));
  net.campaign(1);
  net.propose(1, Uint8Array.of(1));
  return net;
}

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('leadership transfer', () => {
  it('hands leadership to an up-to-date follower in one election, despite leases and pre-vote', () => {
    const net = cluster();
    const old = net.node(1);
    old.transferLeadership(2);
    const out = drain(old);
    expect(out.map((m) => [m.type, m.to])).toEqual([[MessageType.TimeoutNow, 2]]);
    net.send(out);
    expect(net.node(2).status()).toMatchObject({ role: 'leader', term: 2 });
    expect(old.status()).toMatchObject({ role: 'follower', term: 2, leadTransferee: 0 });
    // The new leader commits in its term and has every entry.
    net.propose(2, Uint8Array.of(2));
    expect(net.logTerms(2)).toEqual([1, 1, 2, 2]);
    expect(net.logTerms(1)).toEqual([1, 1, 2, 2]);
  });

  it('refuses proposals while the transfer runs', () => {
    const net = cluster();
    net.isolate(2);
    net.node(1).transferLeadership(2);
    const err = thrown(() => net.node(1).propose(Uint8Array.of(5)));
    expect(isRaftError(err, 'RAFT_LEADER_TRANSFERRING')).toBe(true);
    expect((err as { leader: number }).leader).toBe(1);
  });

  it('catches a lagging target up first, then sends TimeoutNow', () => {
    const net = cluster();
    net.isolate(3);
    for (let i = 0; i < 5; i++) net.propose(1, Uint8Array.of(10 + i));
    const leader = net.node(1);
    const last = leader.status().lastIndex;
    expect(net.node(3).status().lastIndex).toBeLessThan(last);
    net.recover();
    leader.transferLeadership(3);
    const first = drain(leader);
    // Not TimeoutNow yet: the target's log is behind.
    expect(first.some((m) => m.type === MessageType.TimeoutNow)).toBe(false);
    expect(first.some((m) => m.type === MessageType.App && m.to === 3)).toBe(true);
    net.send(first);
    expect(net.node(3).status()).toMatchObject({ role: 'leader', term: 2 });
    expect(net.node(3).status().lastIndex).toBe(last + 1);
    expect(net.logTerms(3).slice(0, last)).toEqual(net.logTerms(1).slice(0, last));
  });

  it('aborts after an election timeout when the target does not take over; proposals resume', () => {
    const net = cluster();
    net.isolate(3);
    const leader = net.node(1);
    leader.transferLeadership(3);
    for (let i = 0; i < 9; i++) {
      leader.tick();
      net.send(drain(leader));
    }
    expect(leader.status().leadTransferee).toBe(3);
    leader.tick();
    net.send(drain(leader));
    expect(leader.status()).toMatchObject({ role: 'leader', leadTransferee: 0 });
    net.propose(1, Uint8Array.of(7));
    expect(net.node(2).status().commit).toBe(leader.status().lastIndex);
  });

  it('resends TimeoutNow when the first one was lost', () => {
    const net = cluster();
    net.drop(MessageType.TimeoutNow);
    const leader = net.node(1);
    leader.transferLeadership(2);
    net.send(drain(leader));
    expect(leader.status().role).toBe('leader');
    net.recover();
    leader.tick();
    net.send(drain(leader));
    expect(net.node(2).status().role).toBe('leader');
  });

  it('rejects a target that is not a voter, a call on a follower; self is a no-op', () => {
    const net = cluster();
    expect(
      isRaftError(
        thrown(() => net.node(1).transferLeadership(9)),
        'RAFT_INVALID_ARGUMENT',
      ),
    ).toBe(true);
    const onFollower = thrown(() => net.node(2).transferLeadership(3));
    expect(isRaftError(onFollower, 'RAFT_NOT_LEADER')).toBe(true);
    expect((onFollower as { leader: number }).leader).toBe(1);
    net.node(1).transferLeadership(1);
    expect(net.node(1).status()).toMatchObject({ role: 'leader', leadTransferee: 0 });
    expect(drain(net.node(1))).toEqual([]);
  });

  it('a second transfer request redirects the first', () => {
    const net = cluster();
    net.isolate(2);
    const leader = net.node(1);
    leader.transferLeadership(2);
    drain(leader);
    net.recover();
    leader.transferLeadership(3);
    net.send(drain(leader));
    expect(net.node(3).status().role).toBe('leader');
  });
});
