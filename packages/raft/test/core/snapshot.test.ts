// Log compaction and InstallSnapshot in the core: the leader asks for a snapshot when a follower
// needs compacted entries; the follower installs it once its state machine is restored.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/messages.js';
import { SeededRandom } from '../../src/core/random.js';
import { RawNode } from '../../src/core/raw-node.js';
import { confStateOf } from '../../src/core/types.js';
import { drain, MessageType, Network, newNode } from './helpers.js';

const three = [1, 2, 3];
const opts = { preVote: true, checkQuorum: true };

/** Leader 1 with 3 cut off while 10 entries commit, then compacted to its applied index. */
function lagging(): { net: Network; snapIndex: number } {
  const net = new Network(three.map((id) => newNode(id, three, opts)));
  net.campaign(1);
  net.isolate(3);
  for (let i = 0; i < 10; i++) net.propose(1, Uint8Array.of(i));
  const leader = net.node(1);
  const applied = leader.status().applied;
  leader.compact(applied);
  return { net, snapIndex: applied };
}

describe('log compaction', () => {
  it('drops the prefix, keeps the metadata, and refuses to go beyond the applied index', () => {
    const { net, snapIndex } = lagging();
    const leader = net.node(1);
    expect(leader.firstIndex()).toBe(snapIndex + 1);
    expect(leader.snapshotMetadata(snapIndex)).toEqual({
      index: snapIndex,
      term: 1,
      confState: confStateOf(three),
    });
    net.propose(1, Uint8Array.of(99));
    expect(() => leader.compact(leader.status().lastIndex + 5)).toThrowError(
      expect.objectContaining({ code: 'RAFT_INVALID_ARGUMENT' }),
    );
    expect(() => leader.snapshotMetadata(1)).toThrowError(
      expect.objectContaining({ code: 'RAFT_STORAGE_COMPACTED' }),
    );
  });
});

describe('InstallSnapshot', () => {
  it('the leader asks for a snapshot for a follower behind the compaction point, and sends nothing else to it', () => {
    const { net, snapIndex } = lagging();
    net.recover();
    const leader = net.node(1);
    leader.tick();
    net.send(drain(leader));
    // The follower rejected the appends after the compaction point; the leader asks for a snapshot.
    const snaps = net.seen.filter((m) => m.type === MessageType.Snapshot);
    expect(snaps.map((m) => [m.to, m.snapshot?.index])).toEqual([[3, snapIndex]]);
    expect(leader.status().progress.get(3)?.state).toBe('snapshot');
    // Stepping a Snapshot message does not install it (only the driver knows when the data is in).
    expect(net.node(3).status().lastIndex).toBe(1);
    // While the snapshot is under way, heartbeat answers do not trigger appends to it.
    const before = net.seen.length;
    leader.tick();
    net.send(drain(leader));
    expect(
      net.seen
        .slice(before)
        .filter((m) => m.to === 3)
        .map((m) => m.type),
    ).toEqual([MessageType.Heartbeat]);
    expect(leader.status().progress.get(3)?.state).toBe('snapshot');
  });

  it('a failed send is reported and retried; a restored follower installs it, answers, and catches up', () => {
    const { net, snapIndex } = lagging();
    net.recover();
    const leader = net.node(1);
    leader.tick();
    net.send(drain(leader));
    expect(leader.status().progress.get(3)?.state).toBe('snapshot');
    leader.reportSnapshot(3, false);
    expect(leader.status().progress.get(3)?.state).toBe('probe');
    const before = net.seen.length;
    leader.tick();
    net.send(drain(leader));
    // The probe leads back to a new snapshot request.
    const snap = net.seen.slice(before).find((m) => m.type === MessageType.Snapshot)!;
    expect(snap.snapshot?.index).toBe(snapIndex);
    const follower = net.node(3);
    expect(follower.wantsSnapshot(snap)).toBe(true);
    // (The driver restores the state machine here.)
    expect(follower.installSnapshot(snap)).toBe(true);
    const rd = follower.ready();
    expect(rd.snapshot).toEqual(snap.snapshot);
    expect(rd.committedEntries).toEqual([]);
    expect(rd.messages.map((m) => [m.type, m.to, m.index])).toEqual([[MessageType.AppResp, 1, snapIndex]]);
    follower.advance();
    expect(follower.status()).toMatchObject({ commit: snapIndex, applied: snapIndex, lastIndex: snapIndex });
    leader.reportSnapshot(3, true);
    net.send(rd.messages);
    net.propose(1, Uint8Array.of(42));
    expect(follower.status().lastIndex).toBe(leader.status().lastIndex);
    expect(follower.status().commit).toBe(leader.status().commit);
    expect(leader.status().progress.get(3)?.state).toBe('replicate');
    // A second copy of the same snapshot brings nothing new.
    expect(follower.wantsSnapshot(snap)).toBe(false);
    expect(follower.installSnapshot(snap)).toBe(false);
  });

  it('keeps the log after the snapshot when the follower has the snapshot entry', () => {
    const n = newNode(2, three, { ...opts, term: 2, log: [1, 1, 2, 2, 2], commit: 2 });
    drain(n);
    const m: Message = {
      type: MessageType.Snapshot,
      from: 1,
      to: 2,
      term: 2,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      snapshot: { index: 3, term: 2, confState: confStateOf(three) },
    };
    expect(n.installSnapshot(m)).toBe(true);
    expect(n.status()).toMatchObject({ commit: 3, applied: 3, lastIndex: 5 });
    expect(n.firstIndex()).toBe(4);
  });

  it('a snapshot over entries not yet durable: the rest are persisted right after it, without a gap', () => {
    const n = newNode(2, three, { ...opts, term: 1 });
    drain(n);
    // Entries 1..5 arrive but are not persisted yet (no Ready taken).
    n.step({
      type: MessageType.App,
      from: 1,
      to: 2,
      term: 1,
      logTerm: 0,
      index: 0,
      entries: [1, 2, 3, 4, 5].map((index) => ({
        term: 1,
        index,
        type: 0 as const,
        data: Uint8Array.of(index),
      })),
      commit: 0,
      reject: false,
      rejectHint: 0,
    });
    const m: Message = {
      type: MessageType.Snapshot,
      from: 1,
      to: 2,
      term: 1,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      snapshot: { index: 2, term: 1, confState: confStateOf(three) },
    };
    expect(n.installSnapshot(m)).toBe(true);
    const rd = n.ready();
    expect(rd.snapshot?.index).toBe(2);
    // Persisted after the snapshot: entries 3 to 5, continuing right after it.
    expect(rd.entries.map((e) => e.index)).toEqual([3, 4, 5]);
  });

  it('a new node learns the configuration from the snapshot', () => {
    const n = newNode(4, [], opts);
    const m: Message = {
      type: MessageType.Snapshot,
      from: 1,
      to: 4,
      term: 3,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      snapshot: { index: 20, term: 3, confState: confStateOf([1, 2, 3], [4]) },
    };
    expect(n.installSnapshot(m)).toBe(true);
    expect(n.status()).toMatchObject({ voters: [1, 2, 3], learners: [4], term: 3, lead: 1, commit: 20 });
    // A snapshot from an older term is refused.
    expect(n.wantsSnapshot({ ...m, term: 2, snapshot: { ...m.snapshot!, index: 30 } })).toBe(false);
  });

  it('restarts from a snapshot plus the log tail', () => {
    const n = new RawNode(
      { id: 2, voters: three, random: new SeededRandom(2) },
      {
        hardState: { term: 3, vote: 1, commit: 12 },
        snapshot: { index: 10, term: 2, confState: confStateOf(three) },
        entries: [11, 12, 13].map((index) => ({
          term: 3,
          index,
          type: 0 as const,
          data: Uint8Array.of(index),
        })),
      },
    );
    expect(n.firstIndex()).toBe(11);
    const rd = n.ready();
    expect(rd.committedEntries.map((e) => e.index)).toEqual([11, 12]);
  });
});
