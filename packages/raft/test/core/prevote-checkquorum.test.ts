// PreVote (thesis §9.6) and CheckQuorum (thesis §6.2), plus fast backtracking and flow control.
import { describe, expect, it } from 'vitest';
import { drain, MessageType, msg, Network, newNode, tickN } from './helpers.js';

const three = [1, 2, 3];

describe('PreVote', () => {
  it('a partitioned node rejoining does not disrupt the leader: its term does not grow', () => {
    const opts = { preVote: true, checkQuorum: true };
    const net = new Network(three.map((id) => newNode(id, three, opts)));
    net.campaign(1);
    expect(net.node(1).status()).toMatchObject({ role: 'leader', term: 1 });
    net.isolate(3);
    // Node 3 times out many times while cut off.
    for (let i = 0; i < 100; i++) {
      net.node(3).tick();
      net.send(drain(net.node(3)));
    }
    expect(net.node(3).status()).toMatchObject({ term: 1, role: 'pre-candidate' });
    net.recover();
    // Heartbeats bring it back as a follower; the leader keeps its term.
    for (let i = 0; i < 3; i++) {
      net.node(1).tick();
      net.send(drain(net.node(1)));
    }
    expect(net.node(1).status()).toMatchObject({ role: 'leader', term: 1 });
    expect(net.node(3).status()).toMatchObject({ role: 'follower', term: 1, lead: 1 });
  });

  it('without PreVote the same rejoin forces a new election (the problem PreVote solves)', () => {
    const net = new Network(three.map((id) => newNode(id, three)));
    net.campaign(1);
    net.isolate(3);
    for (let i = 0; i < 100; i++) {
      net.node(3).tick();
      net.send(drain(net.node(3)));
    }
    expect(net.node(3).status().term).toBeGreaterThan(1);
    net.recover();
    // Its next timeout sends a Vote of a higher term, which deposes the healthy leader.
    for (let i = 0; i < 20; i++) {
      net.node(3).tick();
      net.send(drain(net.node(3)));
    }
    expect(net.node(1).status().term).toBeGreaterThan(1);
  });

  it('a pre-candidate does not change term or vote until the pre-vote is won', () => {
    const n = newNode(1, three, { preVote: true, term: 4, vote: 2 });
    n.campaign();
    const out = drain(n);
    expect(n.status()).toMatchObject({ role: 'pre-candidate', term: 4, vote: 2 });
    expect(out.filter((m) => m.type === MessageType.PreVote).map((m) => m.term)).toEqual([5, 5]);
    n.step(msg({ type: MessageType.PreVoteResp, from: 2, to: 1, term: 5 }));
    expect(n.status()).toMatchObject({ role: 'candidate', term: 5, vote: 1 });
  });

  it('a pre-vote is granted without changing the voter, and a lost pre-vote leaves the term alone', () => {
    const voter = newNode(2, three, { preVote: true, term: 1 });
    voter.step(msg({ type: MessageType.PreVote, from: 1, to: 2, term: 2 }));
    expect(drain(voter).map((m) => [m.type, m.reject, m.term])).toEqual([
      [MessageType.PreVoteResp, false, 2],
    ]);
    expect(voter.status()).toMatchObject({ term: 1, vote: 0 });

    const c = newNode(1, three, { preVote: true, term: 1 });
    c.campaign();
    drain(c);
    c.step(msg({ type: MessageType.PreVoteResp, from: 2, to: 1, term: 1, reject: true }));
    c.step(msg({ type: MessageType.PreVoteResp, from: 3, to: 1, term: 1, reject: true }));
    expect(c.status()).toMatchObject({ role: 'follower', term: 1 });
  });
});

describe('CheckQuorum', () => {
  it('a leader that cannot reach a quorum steps down within an election timeout', () => {
    const opts = { checkQuorum: true, electionTick: 10 };
    const net = new Network(three.map((id) => newNode(id, three, opts)));
    net.campaign(1);
    net.isolate(1);
    let steppedDownAfter = -1;
    for (let t = 1; t <= 25; t++) {
      net.node(1).tick();
      net.send(drain(net.node(1)));
      if (net.node(1).status().role !== 'leader') {
        steppedDownAfter = t;
        break;
      }
    }
    expect(steppedDownAfter).toBeGreaterThan(0);
    expect(steppedDownAfter).toBeLessThanOrEqual(20);
  });

  it('a leader that hears from a quorum stays leader', () => {
    const opts = { checkQuorum: true, electionTick: 10 };
    const net = new Network(three.map((id) => newNode(id, three, opts)));
    net.campaign(1);
    for (let t = 0; t < 50; t++) {
      net.node(1).tick();
      net.send(drain(net.node(1)));
    }
    expect(net.node(1).status().role).toBe('leader');
  });

  it('a follower that hears from its leader ignores vote requests (leader lease)', () => {
    const n = newNode(2, three, { checkQuorum: true, term: 1 });
    n.step(msg({ type: MessageType.Heartbeat, from: 1, to: 2, term: 1 }));
    drain(n);
    n.step(msg({ type: MessageType.Vote, from: 3, to: 2, term: 2, index: 9, logTerm: 9 }));
    expect(drain(n)).toEqual([]);
    expect(n.status()).toMatchObject({ term: 1, lead: 1 });
    // After an election timeout without the leader, it votes again.
    tickN(n, 10);
    n.step(msg({ type: MessageType.Vote, from: 3, to: 2, term: 2, index: 9, logTerm: 9 }));
    expect(n.status()).toMatchObject({ term: 2, vote: 3 });
  });

  it('a stale leader learns the new term from the answer to its heartbeat and steps down', () => {
    const n = newNode(2, three, { checkQuorum: true, term: 5 });
    n.step(msg({ type: MessageType.Heartbeat, from: 1, to: 2, term: 3 }));
    expect(drain(n).map((m) => [m.type, m.term, m.to])).toEqual([[MessageType.AppResp, 5, 1]]);
  });
});

describe('replication flow control', () => {
  it('a follower in probe state gets one append at a time until it answers', () => {
    const n = newNode(1, three);
    n.campaign();
    n.step(msg({ type: MessageType.VoteResp, from: 2, to: 1, term: 1 }));
    drain(n);
    for (let i = 0; i < 5; i++) n.propose(Uint8Array.of(i + 1));
    // Node 3 never answered: it is still probing, so nothing more is sent to it.
    expect(drain(n).filter((m) => m.to === 3 && m.type === MessageType.App)).toEqual([]);
  });

  it('in replicate state the leader pipelines up to maxInflightMsgs appends, then waits', () => {
    const n = newNode(1, three, { maxInflightMsgs: 3, maxSizePerMsg: 1 });
    n.campaign();
    n.step(msg({ type: MessageType.VoteResp, from: 2, to: 1, term: 1 }));
    n.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 1, index: 1 }));
    drain(n);
    for (let i = 0; i < 10; i++) n.propose(Uint8Array.of(i + 1));
    const toTwo = drain(n).filter((m) => m.to === 2 && m.type === MessageType.App);
    expect(toTwo.length).toBe(3);
    // Acknowledging the first frees one slot.
    n.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 1, index: toTwo[0]!.index + 1 }));
    const more = drain(n).filter((m) => m.to === 2 && m.type === MessageType.App && m.entries.length > 0);
    expect(more.length).toBe(1);
  });

  it('fast backtracking skips a whole conflicting term in one round trip', () => {
    // The follower has 50 entries of term 2 the leader never had; the leader has 50 of term 3.
    const followerLog = [1, ...Array<number>(50).fill(2)];
    const leaderLog = [1, ...Array<number>(50).fill(3)];
    const leader = newNode(1, three, { term: 3, log: leaderLog });
    const follower = newNode(2, three, { term: 3, log: followerLog });
    const net = new Network([leader, follower, newNode(3, three, { term: 3, log: leaderLog })]);
    net.campaign(1);
    const rejects: number[] = [];
    const orig = net.send.bind(net);
    let appsToTwo = 0;
    net.send = (msgs) => {
      for (const m of msgs) {
        if (m.type === MessageType.AppResp && m.from === 2 && m.reject) rejects.push(m.rejectHint);
        if (m.type === MessageType.App && m.to === 2) appsToTwo++;
      }
      orig(msgs);
    };
    net.propose(1, Uint8Array.of(1));
    expect(net.logTerms(2)).toEqual(net.logTerms(1));
    // One reject points straight at index 1 (the last entry with term <= 3 that could match).
    expect(rejects.length).toBeLessThanOrEqual(2);
    expect(appsToTwo).toBeLessThan(10);
  });

  it('a replicating follower whose whole window of appends was lost is repaired after a heartbeat', () => {
    const net = new Network(three.map((id) => newNode(id, three, { maxInflightMsgs: 2, maxSizePerMsg: 1 })));
    net.campaign(1);
    net.propose(1, Uint8Array.of(1));
    net.drop(MessageType.App);
    for (let i = 0; i < 6; i++) net.propose(1, Uint8Array.of(i + 2));
    expect(net.node(2).status().lastIndex).toBeLessThan(net.node(1).status().lastIndex);
    net.recover();
    for (let t = 0; t < 3; t++) {
      net.node(1).tick();
      net.send(drain(net.node(1)));
    }
    expect(net.logTerms(2)).toEqual(net.logTerms(1));
    expect(net.node(2).status().commit).toBe(net.node(1).status().lastIndex);
  });
});
