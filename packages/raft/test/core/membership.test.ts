// Single-server membership changes (Raft thesis §4.1-4.2): a configuration takes effect when its
// entry is appended, one change at a time, and only after the leader committed an entry of its term.
import { describe, expect, it } from 'vitest';
import { decodeConfChangeEntry } from '../../src/core/conf-change.js';
import { SeededRandom } from '../../src/core/random.js';
import { RawNode } from '../../src/core/raw-node.js';
import { confStateOf, EntryType } from '../../src/core/types.js';
import { isRaftError } from '../../src/errors.js';
import { drain, MessageType, Network, newNode, tickN } from './helpers.js';

const opts = { preVote: true, checkQuorum: true };

/** Voters 1..3 plus spare nodes 4 and 5 outside the configuration (empty configuration). */
function cluster(): Network {
  const three = [1, 2, 3];
  const net = new Network([
    ...three.map((id) => newNode(id, three, opts)),
    newNode(4, [], opts),
    newNode(5, [], opts),
  ]);
  net.campaign(1);
  net.propose(1, Uint8Array.of(1));
  return net;
}

function change(
  net: Network,
  leader: number,
  cc: Parameters<ReturnType<Network['node']>['proposeConfChange']>[0],
) {
  const n = net.node(leader);
  const at = n.proposeConfChange(cc);
  net.send(drain(n));
  return at;
}

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('membership changes', () => {
  it('a learner receives the log but neither votes nor counts for commit; promoted, it does', () => {
    const net = cluster();
    change(net, 1, { type: 'add-learner', node: 4 });
    const s4 = net.node(4).status();
    expect(net.node(1).status()).toMatchObject({ voters: [1, 2, 3], learners: [4] });
    // The new node learned the configuration from the log.
    expect(s4).toMatchObject({ voters: [1, 2, 3], learners: [4], lastIndex: net.node(1).status().lastIndex });
    // With 2 and 3 cut off, the learner's acknowledgement does not commit anything.
    net.isolate(2);
    net.isolate(3);
    net.propose(1, Uint8Array.of(2));
    expect(net.node(1).status().commit).toBeLessThan(net.node(1).status().lastIndex);
    net.recover();
    net.node(1).tick();
    net.send(drain(net.node(1)));
    change(net, 1, { type: 'add-voter', node: 4 });
    expect(net.node(1).status()).toMatchObject({ voters: [1, 2, 3, 4], learners: [] });
    // Now 4 counts: with 2 and 3 cut off, {1, 4} is not a majority of 4; with 3 back, it is.
    net.isolate(2);
    net.isolate(3);
    net.propose(1, Uint8Array.of(3));
    const last = net.node(1).status().lastIndex;
    expect(net.node(1).status().commit).toBeLessThan(last);
    net.recover();
    net.isolate(2);
    net.node(1).tick();
    net.send(drain(net.node(1)));
    expect(net.node(1).status().commit).toBe(last);
  });

  it('one change at a time, and only once the leader committed an entry of its term', () => {
    const net = cluster();
    net.isolate(2);
    net.isolate(3);
    change(net, 1, { type: 'add-learner', node: 4 });
    const pending = thrown(() => net.node(1).proposeConfChange({ type: 'add-learner', node: 5 }));
    expect(isRaftError(pending, 'RAFT_CONF_CHANGE_IN_PROGRESS')).toBe(true);
    // A new leader that has not committed in its term yet refuses too.
    const fresh = new Network([1, 2, 3].map((id) => newNode(id, [1, 2, 3], opts)));
    fresh.drop(MessageType.AppResp);
    fresh.campaign(1);
    const early = thrown(() => fresh.node(1).proposeConfChange({ type: 'remove', node: 3 }));
    expect(isRaftError(early, 'RAFT_CONF_CHANGE_IN_PROGRESS')).toBe(true);
  });

  it('refuses malformed changes, changes that change nothing and removing the last voter', () => {
    const net = cluster();
    const leader = net.node(1);
    for (const bad of [
      { type: 'add-voter', node: 2 },
      { type: 'remove', node: 9 },
      { type: 'grow', node: 4 },
      { type: 'add-voter', node: 0 },
    ] as const) {
      expect(
        isRaftError(
          thrown(() => leader.proposeConfChange(bad as never)),
          'RAFT_INVALID_ARGUMENT',
        ),
      ).toBe(true);
    }
    const solo = newNode(1, [1], opts);
    solo.campaign();
    drain(solo);
    expect(
      isRaftError(
        thrown(() => solo.proposeConfChange({ type: 'remove', node: 1 })),
        'RAFT_INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(
      isRaftError(
        thrown(() => net.node(2).proposeConfChange({ type: 'remove', node: 3 })),
        'RAFT_NOT_LEADER',
      ),
    ).toBe(true);
  });

  it('a removed follower gets nothing more, and the smaller quorum commits', () => {
    const net = cluster();
    change(net, 1, { type: 'remove', node: 3 });
    expect(net.node(1).status()).toMatchObject({ voters: [1, 2] });
    expect([...net.node(1).status().progress.keys()]).toEqual([1, 2]);
    const before = net.node(3).status().lastIndex;
    net.propose(1, Uint8Array.of(9));
    expect(net.node(3).status().lastIndex).toBe(before);
    expect(net.node(2).status().commit).toBe(net.node(1).status().lastIndex);
  });

  it('removing the leader: it leads until the change commits, then hands over at once and steps down', () => {
    const net = cluster();
    const term = net.node(1).status().term;
    change(net, 1, { type: 'remove', node: 1 });
    // The change committed on {2, 3}; the old leader sent TimeoutNow and stepped down.
    const leaders = [1, 2, 3].filter((id) => net.node(id).status().role === 'leader');
    expect(leaders.length).toBe(1);
    expect(leaders[0]).not.toBe(1);
    const fresh = net.node(leaders[0]!).status();
    expect(fresh).toMatchObject({ term: term + 1, voters: [2, 3] });
    expect(net.node(1).status().role).toBe('follower');
    // The removed node never campaigns again.
    tickN(net.node(1), 100);
    expect(net.node(1).status().role).toBe('follower');
  });

  it('a configuration is in force when appended, and reverts when its entry is overwritten', () => {
    const net = cluster();
    net.isolate(1);
    // The leader appends a change only it and node 2 will see... but 2 is cut off too.
    net.isolate(2);
    net.node(1).proposeConfChange({ type: 'remove', node: 3 });
    drain(net.node(1));
    expect(net.node(1).status().voters).toEqual([1, 2]);
    // 2 and 3 elect a new leader which overwrites 1's uncommitted entry.
    net.recover();
    net.isolate(1);
    let leader: number | undefined;
    for (let i = 0; i < 60 && leader === undefined; i++) {
      for (const id of [2, 3]) {
        net.node(id).tick();
        net.send(drain(net.node(id)));
      }
      leader = [2, 3].find((id) => net.node(id).status().role === 'leader');
    }
    expect(leader).toBeDefined();
    net.propose(leader!, Uint8Array.of(7));
    net.recover();
    for (let i = 0; i < 3; i++) {
      net.node(leader!).tick();
      net.send(drain(net.node(leader!)));
    }
    expect(net.node(1).status()).toMatchObject({ voters: [1, 2, 3], lead: leader });
    expect(
      net
        .node(1)
        .entries(1, 100)
        .some((e) => e.type === EntryType.ConfChange),
    ).toBe(false);
  });

  it('a restarted node rebuilds its configuration from the log', () => {
    const net = cluster();
    change(net, 1, { type: 'add-learner', node: 4 });
    change(net, 1, { type: 'add-voter', node: 4 });
    const n1 = net.node(1);
    const entries = n1.entries(1, n1.status().lastIndex + 1);
    const confs = entries.filter((e) => e.type === EntryType.ConfChange).map((e) => decodeConfChangeEntry(e));
    expect(confs.map((c) => c.change)).toEqual([
      { type: 'add-learner', node: 4 },
      { type: 'add-voter', node: 4 },
    ]);
    const real = new RawNode(
      { id: 4, voters: [], random: new SeededRandom(4) },
      {
        hardState: { term: 1, vote: 0, commit: 0 },
        snapshot: { index: 0, term: 0, confState: confStateOf([]) },
        entries,
      },
    );
    expect(real.status()).toMatchObject({ voters: [1, 2, 3, 4], learners: [] });
  });

  it('a leader whose uncommitted removal it alone holds can still win, commit it and step down', () => {
    // Voters {1, 2}; leader 1 appends its own removal, which only it holds, and restarts. Node 2
    // (configuration {1, 2}) needs 1's vote, which 1 refuses (its log is ahead): without letting 1
    // campaign under {2}, nobody could ever lead.
    const net = cluster();
    change(net, 1, { type: 'remove', node: 3 });
    net.isolate(1);
    net.node(1).proposeConfChange({ type: 'remove', node: 1 });
    drain(net.node(1));
    // The leader restarts from its log (a crash): it is a follower whose configuration {2, 3}
    // excludes it, with the only copy of the change.
    const n1 = net.node(1);
    const entries = n1.entries(1, n1.status().lastIndex + 1);
    expect(entries.some((e) => e.type === EntryType.ConfChange)).toBe(true);
    const s1 = n1.status();
    net.nodes.set(
      1,
      new RawNode(
        { id: 1, voters: [1, 2, 3], preVote: true, checkQuorum: true, random: new SeededRandom(1) },
        {
          hardState: { term: s1.term, vote: s1.vote, commit: s1.commit },
          snapshot: { index: 0, term: 0, confState: confStateOf([1, 2, 3]) },
          entries,
        },
      ),
    );
    expect(net.node(1).status()).toMatchObject({ role: 'follower', voters: [2] });
    net.recover();
    for (let i = 0; i < 100 && net.node(2).status().role !== 'leader'; i++) {
      for (const id of [1, 2]) {
        net.node(id).tick();
        net.send(drain(net.node(id)));
      }
    }
    expect(net.node(2).status()).toMatchObject({ role: 'leader', voters: [2] });
    expect(net.node(2).status().commit).toBeGreaterThanOrEqual(entries.length);
    expect(net.node(1).status().role).toBe('follower');
  });
});
