// Scenarios equivalent to the MIT 6.824 Raft lab tests (2A election, 2B agreement, 2C persistence),
// run in the deterministic simulator: each prints nothing on success and names its seed on failure.
import { describe, expect, it } from 'vitest';
import { Lab } from './lab.js';

const SEED = Number(process.env.SEED ?? 6824);

describe('6.824 2A: leader election', () => {
  it('initial election: one leader, and the term holds while nothing fails', () => {
    const lab = new Lab({ seed: SEED, nodes: 3 });
    lab.checkOneLeader();
    const term = lab.sim.leader()!.raw!.status().term;
    lab.sim.run(200);
    expect(lab.sim.leader()!.raw!.status().term).toBe(term);
    lab.checkOneLeader();
  });

  it('re-election after the leader is disconnected, and no leader without a quorum', () => {
    const lab = new Lab({ seed: SEED + 1, nodes: 3 });
    const l1 = lab.checkOneLeader();
    lab.disconnect(l1);
    const l2 = lab.checkOneLeader();
    expect(l2).not.toBe(l1);
    lab.connect(l1);
    const l3 = lab.checkOneLeader();
    lab.disconnect(l3);
    lab.disconnect(lab.ids.find((id) => id !== l3)!);
    lab.checkNoLeader(100);
    for (const id of lab.ids) lab.connect(id);
    lab.checkOneLeader();
  });

  it('many elections: 7 nodes, 10 rounds of disconnecting 3', () => {
    const lab = new Lab({ seed: SEED + 2, nodes: 7 });
    lab.checkOneLeader();
    for (let round = 0; round < 10; round++) {
      const victims = new Set<number>();
      while (victims.size < 3) victims.add(1 + lab.sim.rng.int(7));
      for (const v of victims) lab.disconnect(v);
      lab.checkOneLeader();
      for (const v of victims) lab.connect(v);
    }
    lab.checkOneLeader();
  });
});

describe('6.824 2B: agreement', () => {
  it('basic agree: each command is applied by every node at consecutive indexes', () => {
    const lab = new Lab({ seed: SEED + 3, nodes: 5 });
    lab.checkOneLeader();
    let prev = 0;
    for (let c = 1; c <= 3; c++) {
      expect(lab.nCommitted(prev + 1).count).toBe(0);
      const index = lab.one(100 + c, 5, false);
      expect(index).toBeGreaterThan(prev);
      prev = index;
    }
  });

  it('fail agree: agreement continues without one follower, which catches up on return', () => {
    const lab = new Lab({ seed: SEED + 4, nodes: 3 });
    lab.one(101, 3);
    const leader = lab.checkOneLeader();
    const f = lab.ids.find((id) => id !== leader)!;
    lab.disconnect(f);
    lab.one(102, 2);
    lab.one(103, 2);
    lab.sim.run(20);
    lab.one(104, 2);
    lab.connect(f);
    lab.one(106, 3);
    lab.sim.run(20);
    lab.one(107, 3);
  });

  it('fail no agree: no commit without a majority; agreement resumes when it returns', () => {
    const lab = new Lab({ seed: SEED + 5, nodes: 5 });
    lab.one(10, 5);
    const leader = lab.checkOneLeader();
    const followers = lab.ids.filter((id) => id !== leader).slice(0, 3);
    for (const f of followers) lab.disconnect(f);
    const at = lab.sim.propose(new Uint8Array([0, 0, 0, 20]), leader);
    expect(at).toBeDefined();
    lab.sim.run(50);
    expect(lab.nCommitted(at!.index).count).toBe(0);
    for (const f of followers) lab.connect(f);
    lab.checkOneLeader();
    lab.one(30, 5);
  });

  it('concurrent starts: commands proposed together all commit, each once', () => {
    const lab = new Lab({ seed: SEED + 6, nodes: 3 });
    const leader = lab.checkOneLeader();
    const indexes: number[] = [];
    for (let c = 0; c < 5; c++) indexes.push(lab.sim.propose(new Uint8Array([0, 0, 1, c]), leader)!.index);
    lab.sim.run(20);
    const cmds = indexes.map((i) => lab.nCommitted(i));
    expect(cmds.every((c) => c.count === 3)).toBe(true);
    expect(new Set(cmds.map((c) => c.cmd)).size).toBe(5);
  });

  it('rejoin of a partitioned leader: its uncommitted entries are replaced', () => {
    const lab = new Lab({ seed: SEED + 7, nodes: 3 });
    lab.one(101, 3);
    const l1 = lab.checkOneLeader();
    lab.disconnect(l1);
    for (const c of [102, 103, 104]) lab.sim.propose(new Uint8Array([0, 0, 0, c & 255]), l1);
    lab.one(103, 2);
    const l2 = lab.checkOneLeader();
    lab.disconnect(l2);
    lab.connect(l1);
    lab.one(104, 2);
    lab.connect(l2);
    lab.one(105, 3);
  });

  it('backup: a leader backs a follower up over 50 conflicting entries quickly', () => {
    const lab = new Lab({ seed: SEED + 8, nodes: 5 });
    lab.one(1, 5);
    const l1 = lab.checkOneLeader();
    const others = lab.ids.filter((id) => id !== l1);
    // Put the leader and one follower in a minority; give them 50 entries that cannot commit.
    lab.disconnect(others[1]!);
    lab.disconnect(others[2]!);
    lab.disconnect(others[3]!);
    for (let c = 0; c < 50; c++) lab.sim.propose(new Uint8Array([1, 0, 0, c]), l1);
    lab.sim.run(5);
    lab.disconnect(l1);
    lab.disconnect(others[0]!);
    // The other three elect a leader and commit 50 of their own.
    for (const id of others.slice(1)) lab.connect(id);
    for (let c = 0; c < 50; c++) lab.one(1000 + c, 3);
    // Now the old minority rejoins and is repaired.
    lab.connect(l1);
    lab.connect(others[0]!);
    lab.one(5000, 5);
    const last = lab.maxIndex();
    expect(lab.nCommitted(last).count).toBe(5);
  });

  it('count: an election and an agreement cost a bounded number of messages', () => {
    const lab = new Lab({ seed: SEED + 9, nodes: 3, electionTick: 10 });
    lab.checkOneLeader();
    const electionMsgs = lab.sim.messagesSent;
    // Pre-vote + vote + the no-op append + heartbeats while waiting: well under 6.824's 30 RPCs
    // per node for electing, with one heartbeat per follower per tick.
    expect(electionMsgs).toBeLessThan(60 + 4 * lab.sim.now);
    const before = lab.sim.messagesSent;
    const stepsBefore = lab.sim.now;
    for (let c = 0; c < 10; c++) lab.sim.propose(new Uint8Array([2, 0, 0, c]));
    lab.sim.run(3);
    const spent = lab.sim.messagesSent - before - 4 * (lab.sim.now - stepsBefore);
    // 6.824 allows (iters + 1 + 3) * servers RPCs for this; an RPC is a request and its answer.
    expect(spent / 2).toBeLessThanOrEqual((10 + 1 + 3) * 3);
  });
});

describe('6.824 2C: persistence', () => {
  it('persist 1: the whole cluster restarts and keeps everything committed', () => {
    const lab = new Lab({ seed: SEED + 10, nodes: 3 });
    lab.one(11, 3);
    for (const id of lab.ids) lab.crash(id);
    for (const id of lab.ids) lab.restart(id);
    lab.one(12, 3);
    const l1 = lab.checkOneLeader();
    lab.crash(l1);
    lab.restart(l1);
    lab.one(13, 3);
    const l2 = lab.checkOneLeader();
    lab.crash(l2);
    lab.one(14, 2);
    lab.restart(l2);
    lab.sim.run(50);
    expect(lab.nCommitted(lab.maxIndex()).count).toBe(3);
  });

  it('persist 2: repeated crashes of a leader and a follower never lose committed entries', () => {
    const lab = new Lab({ seed: SEED + 11, nodes: 5 });
    let index = 1;
    for (let iter = 0; iter < 5; iter++) {
      lab.one(10 + index++, 5);
      const l1 = lab.checkOneLeader();
      const a = (l1 % 5) + 1;
      const b = (a % 5) + 1;
      lab.crash(a);
      lab.crash(b);
      lab.one(10 + index++, 3);
      lab.crash(l1);
      lab.crash((b % 5) + 1);
      lab.restart(a);
      lab.restart(b);
      lab.sim.run(30);
      lab.restart(l1);
      lab.one(10 + index++, 4);
      for (const id of lab.ids) lab.restart(id);
    }
    lab.one(1000, 5);
  });

  it('persist 3: a leader crashes right after committing, before followers learn the commit', () => {
    const lab = new Lab({ seed: SEED + 12, nodes: 3 });
    lab.one(101, 3);
    const leader = lab.checkOneLeader();
    const f = lab.ids.find((id) => id !== leader)!;
    lab.disconnect(f);
    lab.one(102, 2);
    lab.crash(lab.ids.find((id) => id !== leader && id !== f)!);
    lab.connect(f);
    lab.restart(lab.ids.find((id) => id !== leader && id !== f)!);
    lab.one(103, 2);
    lab.restart(leader);
    lab.one(104, 3);
  });

  it('Figure 8: leaders crash at random points; committed entries survive', () => {
    const lab = new Lab({ seed: SEED + 13, nodes: 5 });
    lab.one(1, 1);
    let up = 5;
    for (let iter = 0; iter < 300; iter++) {
      const leader = lab.leaders()[0];
      if (leader !== undefined)
        lab.sim.propose(new Uint8Array([3, 0, (iter >> 8) & 255, iter & 255]), leader);
      lab.sim.run(lab.sim.rng.float() < 0.1 ? 1 + lab.sim.rng.int(50) : 1 + lab.sim.rng.int(5));
      if (leader !== undefined && lab.sim.node(leader).raw !== undefined) {
        lab.crash(leader);
        up--;
      }
      if (up < 3) {
        const dead = lab.ids.filter((id) => lab.sim.node(id).raw === undefined);
        const s = dead[lab.sim.rng.int(dead.length)]!;
        lab.restart(s);
        up++;
      }
    }
    for (const id of lab.ids) lab.restart(id);
    lab.one(9999, 5);
  });

  it('unreliable agree: 50 commands commit despite loss, duplication and reordering', () => {
    const lab = new Lab({ seed: SEED + 14, nodes: 5, faults: { drop: 0.1, duplicate: 0.1, maxDelay: 3 } });
    for (let c = 1; c <= 50; c++) lab.one(c, 1);
    lab.sim.setFaults({ drop: 0, duplicate: 0, maxDelay: 0 });
    lab.one(100, 5);
  });

  it('Figure 8 unreliable: leaders partitioned at random under an unreliable network', () => {
    const lab = new Lab({ seed: SEED + 15, nodes: 5, faults: { drop: 0.1, duplicate: 0.05, maxDelay: 10 } });
    lab.one(1, 1);
    let connected = 5;
    for (let iter = 0; iter < 300; iter++) {
      if (iter === 200) lab.sim.setFaults({ maxDelay: 2 });
      const leader = lab.leaders()[0];
      if (leader !== undefined) {
        lab.sim.propose(new Uint8Array([4, 0, (iter >> 8) & 255, iter & 255]), leader);
        if (lab.sim.rng.float() < 0.5) {
          lab.disconnect(leader);
          connected--;
        }
      }
      lab.sim.run(1 + lab.sim.rng.int(lab.sim.rng.float() < 0.1 ? 50 : 5));
      if (connected < 3) {
        const off = lab.ids.filter((id) => !lab.isUp(id));
        lab.connect(off[lab.sim.rng.int(off.length)]!);
        connected++;
      }
    }
    for (const id of lab.ids) lab.connect(id);
    lab.sim.setFaults({ drop: 0, duplicate: 0, maxDelay: 0 });
    lab.one(9999, 5);
  });

  for (const unreliable of [false, true]) {
    it(`${unreliable ? 'unreliable' : 'reliable'} churn: crashes, restarts and partitions while clients write`, () => {
      const lab = new Lab({
        seed: SEED + (unreliable ? 17 : 16),
        nodes: 5,
        faults: unreliable ? { drop: 0.1, duplicate: 0.05, maxDelay: 3 } : {},
      });
      const proposed: number[] = [];
      for (let iter = 0; iter < 400; iter++) {
        const r = lab.sim.rng;
        const c = 10_000 + iter;
        if (lab.sim.propose(new Uint8Array([5, 0, (c >> 8) & 255, c & 255])) !== undefined) proposed.push(c);
        if (r.float() < 0.05) lab.disconnect(1 + r.int(5));
        if (r.float() < 0.1) lab.connect(1 + r.int(5));
        if (r.float() < 0.05) lab.crash(1 + r.int(5));
        if (r.float() < 0.1) lab.restart(1 + r.int(5));
        lab.sim.run(1);
      }
      for (const id of lab.ids) {
        lab.restart(id);
        lab.connect(id);
      }
      lab.sim.setFaults({ drop: 0, duplicate: 0, maxDelay: 0 });
      const last = lab.one(99_999, 5);
      // Every node applied the same full log up to the final command.
      for (let i = 1; i <= last; i++) {
        const c = lab.nCommitted(i);
        expect(c.count === 0 || c.count === 5).toBe(true);
      }
      expect(proposed.length).toBeGreaterThan(0);
    });
  }
});
