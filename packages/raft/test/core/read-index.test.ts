// Linearizable reads without writing the log (thesis §6.4): ReadIndex confirmed by a heartbeat
// quorum, forwarded from followers, and lease reads bounded by the election timeout.
import { describe, expect, it } from 'vitest';
import { isRaftError } from '../../src/errors.js';
import { drain, MessageType, msg, Network, newNode, takeReadStates, tickN } from './helpers.js';

const three = [1, 2, 3];
const ctx = (n: number) => Uint8Array.of(n);
const safe = { preVote: true, checkQuorum: true };
const lease = { preVote: true, checkQuorum: true, readOnlyOption: 'lease-based' as const };

function cluster(opts: object = safe): Network {
  const net = new Network(three.map((id) => newNode(id, three, opts)));
  net.campaign(1);
  net.propose(1, Uint8Array.of(9));
  return net;
}

describe('ReadIndex (safe)', () => {
  it('the leader answers only after a heartbeat quorum acknowledges the read, at its commit index', () => {
    const net = cluster();
    const leader = net.node(1);
    const commit = leader.status().commit;
    leader.readIndex(ctx(1));
    const out = drain(leader);
    // The read's heartbeat round carries the context; no answer yet.
    expect(out.map((m) => [m.type, m.to, [...(m.context ?? [])]])).toEqual([
      [MessageType.Heartbeat, 2, [1]],
      [MessageType.Heartbeat, 3, [1]],
    ]);
    expect(takeReadStates(leader)).toEqual([]);
    net.send(out);
    expect(takeReadStates(leader)).toEqual([{ index: commit, context: ctx(1) }]);
    // The log was not written.
    expect(leader.status().lastIndex).toBe(commit);
  });

  it('lost heartbeat answers are retried by the next heartbeat, which carries the newest read', () => {
    const net = cluster();
    const leader = net.node(1);
    net.drop(MessageType.HeartbeatResp);
    leader.readIndex(ctx(1));
    leader.readIndex(ctx(2));
    net.send(drain(leader));
    expect(takeReadStates(leader)).toEqual([]);
    net.recover();
    leader.tick();
    const hb = drain(leader).filter((m) => m.type === MessageType.Heartbeat);
    expect(hb.every((m) => m.context?.[0] === 2)).toBe(true);
    net.send(hb);
    // Confirming the newer read confirms the older one too, in order.
    expect(takeReadStates(leader).map((rs) => rs.context[0])).toEqual([1, 2]);
  });

  it('a new leader holds reads until an entry of its own term is committed', () => {
    const nodes = three.map((id) => newNode(id, three, safe));
    const net = new Network(nodes);
    net.drop(MessageType.AppResp);
    net.campaign(1);
    const leader = net.node(1);
    expect(leader.status().role).toBe('leader');
    expect(leader.status().commit).toBe(0);
    leader.readIndex(ctx(1));
    net.send(drain(leader));
    expect(takeReadStates(leader)).toEqual([]);
    net.recover();
    leader.tick();
    net.send(drain(leader));
    expect(leader.status().commit).toBe(1);
    expect(takeReadStates(leader)).toEqual([{ index: 1, context: ctx(1) }]);
  });

  it('a follower forwards the read and gets the leader-confirmed index back', () => {
    const net = cluster();
    const follower = net.node(3);
    follower.readIndex(ctx(5));
    const fwd = drain(follower);
    expect(fwd.map((m) => [m.type, m.to])).toEqual([[MessageType.ReadIndex, 1]]);
    net.send(fwd);
    expect(takeReadStates(follower)).toEqual([{ index: net.node(1).status().commit, context: ctx(5) }]);
  });

  it('a partitioned old leader never answers, and stops trying when it steps down', () => {
    const net = cluster();
    const old = net.node(1);
    net.isolate(1);
    old.readIndex(ctx(1));
    net.send(drain(old));
    for (let i = 0; i < 40; i++) {
      old.tick();
      net.send(drain(old));
    }
    expect(old.status().role).not.toBe('leader');
    expect(takeReadStates(old)).toEqual([]);
  });

  it('a single-voter cluster answers at once', () => {
    const n = newNode(1, [1], safe);
    n.campaign();
    drain(n);
    n.readIndex(ctx(1));
    drain(n);
    expect(takeReadStates(n)).toEqual([{ index: 1, context: ctx(1) }]);
  });

  it('refuses reads without a known leader, empty contexts, and reads lacking a context on the wire', () => {
    const n = newNode(2, three, safe);
    const err = (() => {
      try {
        n.readIndex(ctx(1));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isRaftError(err, 'RAFT_NOT_LEADER')).toBe(true);
    expect(() => n.readIndex(new Uint8Array(0))).toThrowError(
      expect.objectContaining({ code: 'RAFT_INVALID_ARGUMENT' }),
    );
    expect(() => n.step(msg({ type: MessageType.ReadIndex, from: 1, to: 2 }))).toThrowError(
      expect.objectContaining({ code: 'RAFT_INVALID_ARGUMENT' }),
    );
  });
});

describe('lease reads', () => {
  it('require CheckQuorum and an election timeout long enough for a lease', () => {
    expect(() => newNode(1, three, { readOnlyOption: 'lease-based', checkQuorum: false })).toThrowError(
      expect.objectContaining({ code: 'RAFT_INVALID_CONFIG' }),
    );
    expect(() =>
      newNode(1, three, { ...lease, electionTick: 2, maxClockDrift: 0.5, heartbeatTick: 1 }),
    ).toThrowError(expect.objectContaining({ code: 'RAFT_INVALID_CONFIG' }));
  });

  it('with a lease the leader answers without any message; without one it falls back to a heartbeat round', () => {
    const net = cluster(lease);
    const leader = net.node(1);
    // No heartbeat acknowledged yet in this term: no lease.
    expect(leader.status().leaseValid).toBe(false);
    leader.tick();
    net.send(drain(leader));
    expect(leader.status().leaseValid).toBe(true);
    leader.readIndex(ctx(1));
    expect(drain(leader)).toEqual([]);
    expect(takeReadStates(leader)).toEqual([{ index: leader.status().commit, context: ctx(1) }]);
  });

  it('an isolated leader loses its lease before any follower can vote for someone else', () => {
    const net = cluster(lease);
    const leader = net.node(1);
    leader.tick();
    net.send(drain(leader));
    net.isolate(1);
    // leaseTicks = floor((10 - 1) / 1.1) = 8 ticks after the acknowledged heartbeat was sent.
    let leaseTicks = 0;
    while (leader.status().leaseValid) {
      leader.tick();
      drain(leader);
      leaseTicks++;
    }
    expect(leaseTicks).toBe(8);
    leader.readIndex(ctx(1));
    drain(leader);
    expect(takeReadStates(leader)).toEqual([]);
    // Meanwhile the followers, having ticked as often, still refuse a vote request of a higher
    // term (they heard the leader less than an election timeout ago).
    const f2 = net.node(2);
    const f3 = net.node(3);
    tickN(f3, leaseTicks);
    f2.step(msg({ type: MessageType.Vote, from: 3, to: 2, term: 2, index: 10, logTerm: 1 }));
    expect(drain(f2)).toEqual([]);
    expect(f2.status().term).toBe(1);
  });

  it('the drift bound is an assumption: followers whose clocks run far faster elect a new leader inside the old lease', () => {
    const net = cluster(lease);
    const old = net.node(1);
    old.tick();
    net.send(drain(old));
    net.isolate(1);
    // The followers live through 25 ticks while the old leader lives through 2 (12x, far beyond 10%).
    for (let i = 0; i < 25; i++) {
      for (const id of [2, 3]) {
        net.node(id).tick();
        net.send(drain(net.node(id)));
      }
    }
    const fresh = [2, 3].map((id) => net.node(id)).find((n) => n.status().role === 'leader')!;
    expect(fresh).toBeDefined();
    net.propose(fresh.id, Uint8Array.of(42));
    old.tick();
    drain(old);
    // The old leader still believes its lease, and would answer at its stale commit index.
    expect(old.status().leaseValid).toBe(true);
    old.readIndex(ctx(1));
    drain(old);
    const [rs] = takeReadStates(old);
    expect(rs!.index).toBeLessThan(fresh.status().commit);
  });

  it('a restarted node refuses votes for an election timeout (it may have promised a lease)', () => {
    const n = newNode(2, three, { ...lease, term: 1, log: [1] });
    n.step(msg({ type: MessageType.Vote, from: 3, to: 2, term: 2, index: 1, logTerm: 1 }));
    expect(drain(n)).toEqual([]);
    tickN(n, 10);
    n.step(msg({ type: MessageType.Vote, from: 3, to: 2, term: 2, index: 1, logTerm: 1 }));
    expect(drain(n).map((m) => [m.type, m.reject])).toEqual([[MessageType.VoteResp, false]]);
  });

  it('a TimeoutNow sent ends lease reads for the term, even if the transfer is given up', () => {
    const net = cluster(lease);
    const leader = net.node(1);
    leader.tick();
    net.send(drain(leader));
    leader.transferLeadership(2);
    // The TimeoutNow is held up in the network; the transfer times out.
    const timeoutNow = drain(leader).filter((m) => m.type === MessageType.TimeoutNow);
    expect(timeoutNow.length).toBe(1);
    net.drop(MessageType.TimeoutNow);
    for (let i = 0; i < 10; i++) {
      leader.tick();
      net.send(drain(leader));
    }
    expect(leader.status()).toMatchObject({ role: 'leader', leadTransferee: 0, leaseValid: false });
    // Why: when it finally arrives, node 2 campaigns past node 3's lease and wins.
    net.recover();
    net.send(timeoutNow);
    expect(net.node(2).status().role).toBe('leader');
  });

  it('no lease reads while a leadership transfer runs', () => {
    const net = cluster(lease);
    const leader = net.node(1);
    leader.tick();
    net.send(drain(leader));
    net.isolate(3);
    leader.transferLeadership(3);
    expect(leader.status()).toMatchObject({ leadTransferee: 3, leaseValid: false });
    leader.readIndex(ctx(1));
    expect(drain(leader).some((m) => m.type === MessageType.Heartbeat && m.context?.[0] === 1)).toBe(true);
  });
});
