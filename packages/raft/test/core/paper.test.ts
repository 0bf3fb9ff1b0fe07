// The Raft paper's rules as tests (In Search of an Understandable Consensus Algorithm, extended
// version), following the checklist of etcd-io/raft's paper tests. Each test names its section.
// The paper's setting: no PreVote, no CheckQuorum.
import { describe, expect, it } from 'vitest';
import type { RawNode } from '../../src/core/raw-node.js';
import { drain, entriesOfTerms, MessageType, msg, Network, newNode, tickN } from './helpers.js';

const three = [1, 2, 3];

function elect(n: RawNode, others: readonly number[]): void {
  n.campaign();
  drain(n);
  for (const o of others)
    n.step(msg({ type: MessageType.VoteResp, from: o, to: n.id, term: n.status().term }));
  drain(n);
}

describe('§5.1 terms', () => {
  for (const role of ['follower', 'candidate', 'leader'] as const) {
    it(`a ${role} that sees a higher term adopts it and becomes follower`, () => {
      const n = newNode(1, three);
      if (role !== 'follower') n.campaign();
      if (role === 'leader') n.step(msg({ type: MessageType.VoteResp, from: 2, to: 1, term: 1 }));
      expect(n.status().role).toBe(role);
      n.step(msg({ type: MessageType.App, from: 2, to: 1, term: 5 }));
      expect(n.status()).toMatchObject({ role: 'follower', term: 5, lead: 2 });
    });
  }

  it('a message with a stale term is ignored', () => {
    const n = newNode(1, three, { term: 2 });
    n.step(msg({ type: MessageType.App, from: 2, to: 1, term: 1, entries: entriesOfTerms([1]) }));
    expect(n.status()).toMatchObject({ term: 2, lastIndex: 0, lead: 0 });
    expect(drain(n)).toEqual([]);
  });

  it('a node starts as a follower with term 0', () => {
    expect(newNode(1, three).status()).toMatchObject({ role: 'follower', term: 0, vote: 0 });
  });
});

describe('§5.2 leader election', () => {
  it('a leader sends heartbeats to every follower every heartbeat interval', () => {
    const n = newNode(1, three, { heartbeatTick: 1 });
    elect(n, [2]);
    const hb = tickN(n, 1).filter((m) => m.type === MessageType.Heartbeat);
    expect(hb.map((m) => m.to).sort()).toEqual([2, 3]);
    expect(hb.every((m) => m.term === 1)).toBe(true);
  });

  for (const role of ['follower', 'candidate'] as const) {
    it(`a ${role} that hears nothing for an election timeout starts an election`, () => {
      const n = newNode(1, three, { electionTick: 10 });
      if (role === 'candidate') n.campaign();
      const term = n.status().term;
      drain(n);
      const out = tickN(n, 20);
      expect(n.status()).toMatchObject({ role: 'candidate', term: term + 1, vote: 1 });
      const votes = out.filter((m) => m.type === MessageType.Vote && m.term === term + 1);
      expect(votes.map((m) => m.to).sort()).toEqual([2, 3]);
    });
  }

  const outcomes: [number, Record<number, boolean>, string][] = [
    [3, { 2: true, 3: true }, 'leader'],
    [3, { 2: true }, 'leader'],
    [5, { 2: true, 3: true }, 'leader'],
    [5, { 2: true }, 'candidate'],
    [5, { 2: true, 3: false, 4: false, 5: false }, 'follower'],
    [3, { 2: false, 3: false }, 'follower'],
    [5, { 2: true, 3: false, 4: false }, 'candidate'],
  ];
  for (const [size, votes, want] of outcomes) {
    it(`one-round election among ${size} with votes ${JSON.stringify(votes)} -> ${want}`, () => {
      const ids = Array.from({ length: size }, (_, i) => i + 1);
      const n = newNode(1, ids);
      n.campaign();
      drain(n);
      for (const [from, granted] of Object.entries(votes)) {
        n.step(msg({ type: MessageType.VoteResp, from: Number(from), to: 1, term: 1, reject: !granted }));
      }
      expect(n.status()).toMatchObject({ role: want, term: 1 });
    });
  }

  it('a follower votes at most once per term, first come first served', () => {
    const n = newNode(1, three);
    n.step(msg({ type: MessageType.Vote, from: 2, to: 1, term: 1 }));
    expect(drain(n).map((m) => [m.type, m.to, m.reject])).toEqual([[MessageType.VoteResp, 2, false]]);
    n.step(msg({ type: MessageType.Vote, from: 3, to: 1, term: 1 }));
    expect(drain(n).map((m) => [m.type, m.to, m.reject])).toEqual([[MessageType.VoteResp, 3, true]]);
    // A repeated request from the one we voted for is granted again (the answer may have been lost).
    n.step(msg({ type: MessageType.Vote, from: 2, to: 1, term: 1 }));
    expect(drain(n).map((m) => m.reject)).toEqual([false]);
    expect(n.status().vote).toBe(2);
  });

  it('the vote is persisted before it is sent (it is in the same Ready as the answer)', () => {
    const n = newNode(1, three);
    n.step(msg({ type: MessageType.Vote, from: 2, to: 1, term: 1 }));
    const rd = n.ready();
    expect(rd.hardState).toEqual({ term: 1, vote: 2, commit: 0 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages.length).toBe(1);
    n.advance();
  });

  for (const term of [1, 2]) {
    it(`a candidate that hears from a leader of term ${term} (>= its own) falls back to follower`, () => {
      const n = newNode(1, three);
      n.campaign();
      drain(n);
      n.step(msg({ type: MessageType.App, from: 2, to: 1, term }));
      expect(n.status()).toMatchObject({ role: 'follower', term, lead: 2 });
    });
  }

  it('election timeouts are randomized in [electionTick, 2 * electionTick)', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 200; seed++) {
      const n = newNode(1, three, { electionTick: 10, seed });
      let ticks = 0;
      while (n.status().role === 'follower') {
        n.tick();
        ticks++;
        if (ticks > 100) break;
      }
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(ticks).toBeLessThan(20);
      seen.add(ticks);
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });

  it('randomized timeouts make split votes rare (§5.2: "split votes are rare")', () => {
    let conflicts = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const a = newNode(1, three, { seed: seed * 2 });
      const b = newNode(2, three, { seed: seed * 2 + 1 });
      for (let t = 0; t < 20; t++) {
        a.tick();
        b.tick();
        if (a.status().role === 'candidate' || b.status().role === 'candidate') break;
      }
      if (a.status().role === 'candidate' && b.status().role === 'candidate') conflicts++;
    }
    expect(conflicts / 200).toBeLessThanOrEqual(0.3);
  });
});

describe('§5.3 log replication', () => {
  it('a leader appends a proposal and sends it to every follower with the previous index and term', () => {
    const n = newNode(1, three);
    elect(n, [2]);
    // Followers acknowledge the no-op so they are in Replicate.
    for (const f of [2, 3]) n.step(msg({ type: MessageType.AppResp, from: f, to: 1, term: 1, index: 1 }));
    drain(n);
    n.propose(Uint8Array.of(42));
    const apps = drain(n).filter((m) => m.type === MessageType.App);
    expect(apps.map((m) => m.to).sort()).toEqual([2, 3]);
    for (const m of apps) {
      expect(m).toMatchObject({ index: 1, logTerm: 1, commit: 1 });
      expect(m.entries.map((e) => [e.index, e.term, [...e.data]])).toEqual([[2, 1, [42]]]);
    }
  });

  it('a leader commits an entry once a majority stored it, and tells followers the new commit', () => {
    const net = new Network([newNode(1, three), newNode(2, three), newNode(3, three)]);
    net.campaign(1);
    net.propose(1, Uint8Array.of(7));
    for (const id of three) expect(net.node(id).status().commit).toBe(2);
  });

  const acks: [number, number[], boolean][] = [
    [1, [], true],
    [3, [], false],
    [3, [2], true],
    [3, [2, 3], true],
    [5, [], false],
    [5, [2], false],
    [5, [2, 3], true],
    [5, [2, 3, 4, 5], true],
  ];
  for (const [size, ackers, committed] of acks) {
    it(`with ${size} voters and acks from ${JSON.stringify(ackers)} the leader ${committed ? 'commits' : 'waits'}`, () => {
      const ids = Array.from({ length: size }, (_, i) => i + 1);
      const n = newNode(1, ids);
      n.campaign();
      for (const id of ids.slice(1)) n.step(msg({ type: MessageType.VoteResp, from: id, to: 1, term: 1 }));
      drain(n);
      const before = n.status().commit;
      n.propose(Uint8Array.of(1));
      drain(n);
      const last = n.status().lastIndex;
      for (const id of ackers)
        n.step(msg({ type: MessageType.AppResp, from: id, to: 1, term: 1, index: last }));
      expect(n.status().commit).toBe(committed ? last : before);
    });
  }

  it('committing an entry commits every preceding entry, including earlier-term ones', () => {
    const n = newNode(1, three, { term: 2, log: [1, 2] });
    n.campaign();
    n.step(msg({ type: MessageType.VoteResp, from: 2, to: 1, term: 3 }));
    drain(n);
    n.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 3, index: 3 }));
    const rd = n.ready();
    expect(rd.committedEntries.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    n.advance();
  });

  it('a follower commits what the leader says is committed, up to what it has', () => {
    const n = newNode(1, three);
    n.step(
      msg({ type: MessageType.App, from: 2, to: 1, term: 1, entries: entriesOfTerms([1, 1, 1]), commit: 2 }),
    );
    expect(n.status().commit).toBe(2);
    n.step(msg({ type: MessageType.App, from: 2, to: 1, term: 1, index: 3, logTerm: 1, commit: 5 }));
    expect(n.status().commit).toBe(3);
  });

  const checks: [number, number, boolean, string][] = [
    [0, 0, true, 'empty prefix always matches'],
    [2, 2, true, 'matching entry'],
    [2, 1, false, 'term mismatch'],
    [3, 3, true, 'last entry matches'],
    [4, 3, false, 'index beyond log'],
  ];
  for (const [index, logTerm, ok, why] of checks) {
    it(`the follower's consistency check: (${index}, ${logTerm}) ${ok ? 'accepted' : 'rejected'} (${why})`, () => {
      const n = newNode(1, three, { term: 3, log: [1, 2, 3] });
      n.step(msg({ type: MessageType.App, from: 2, to: 1, term: 3, index, logTerm }));
      const [resp] = drain(n);
      expect(resp).toMatchObject({ type: MessageType.AppResp, reject: !ok });
      if (ok) expect(resp!.index).toBe(index);
    });
  }

  it('a follower deletes a conflicting suffix and appends the new entries', () => {
    const n = newNode(1, three, { term: 3, log: [1, 2, 2] });
    n.step(
      msg({
        type: MessageType.App,
        from: 2,
        to: 1,
        term: 3,
        index: 1,
        logTerm: 1,
        entries: entriesOfTerms([3, 3], 2),
      }),
    );
    expect(n.entries(1, 4).map((e) => e.term)).toEqual([1, 3, 3]);
    const rd = n.ready();
    // The truncating write starts at the first conflicting index.
    expect(rd.entries.map((e) => [e.index, e.term])).toEqual([
      [2, 3],
      [3, 3],
    ]);
    n.advance();
  });

  // Figure 7: the leader of term 8 and six possible follower logs (a)-(f).
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const figure7: [string, number[]][] = [
    ['a', [1, 1, 1, 4, 4, 5, 5, 6, 6]],
    ['b', [1, 1, 1, 4]],
    ['c', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]],
    ['d', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]],
    ['e', [1, 1, 1, 4, 4, 4, 4]],
    ['f', [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]],
  ];
  for (const [name, followerLog] of figure7) {
    it(`Figure 7 case (${name}): the leader brings the follower's log in line with its own`, () => {
      const leader = newNode(1, three, { term: 8, log: leaderLog, commit: 0 });
      const follower = newNode(2, three, { term: 7, log: followerLog });
      const third = newNode(3, three, { term: 7, log: leaderLog });
      const net = new Network([leader, follower, third]);
      net.campaign(1);
      expect(leader.status().role).toBe('leader');
      net.propose(1, Uint8Array.of(99));
      expect(net.logTerms(2)).toEqual(net.logTerms(1));
      expect(net.logTerms(1)).toEqual([...leaderLog, 9, 9]);
    });
  }
});

describe('§5.4 safety', () => {
  it('a candidate sends the index and term of its last entry in its vote requests', () => {
    const n = newNode(1, three, { term: 2, log: [1, 2, 2] });
    n.campaign();
    const votes = drain(n).filter((m) => m.type === MessageType.Vote);
    expect(votes.map((m) => [m.to, m.index, m.logTerm, m.term])).toEqual([
      [2, 3, 2, 3],
      [3, 3, 2, 3],
    ]);
  });

  // Voter log is [1, 2] (last index 2, last term 2).
  const upToDate: [number, number, boolean][] = [
    [1, 1, false],
    [3, 1, false],
    [1, 2, false],
    [2, 2, true],
    [3, 2, true],
    [1, 3, true],
    [0, 3, true],
  ];
  for (const [index, logTerm, granted] of upToDate) {
    it(`a voter with last (2, term 2) ${granted ? 'grants' : 'denies'} a candidate with last (${index}, term ${logTerm})`, () => {
      const n = newNode(1, three, { term: 2, log: [1, 2] });
      n.step(msg({ type: MessageType.Vote, from: 2, to: 1, term: 3, index, logTerm }));
      expect(drain(n).map((m) => m.reject)).toEqual([!granted]);
    });
  }

  it('a leader commits only entries of its current term by counting replicas (Figure 8)', () => {
    // Leader of term 3 holds an entry of term 2 at index 2 that a majority stores, but its own
    // no-op (term 3, index 3) is not yet replicated: index 2 must not commit by counting.
    const n = newNode(1, three, { term: 2, log: [1, 2] });
    n.campaign();
    n.step(msg({ type: MessageType.VoteResp, from: 2, to: 1, term: 3 }));
    drain(n);
    n.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 3, index: 2 }));
    expect(n.status().commit).toBe(0);
    n.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 3, index: 3 }));
    expect(n.status().commit).toBe(3);
  });
});
