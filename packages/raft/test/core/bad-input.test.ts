// Bad input: messages from unknown peers, stale terms and malformed fields are ignored or rejected
// with a typed error, and change nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config.js';
import type { Message } from '../../src/core/messages.js';
import { SeededRandom } from '../../src/core/random.js';
import type { RawNode } from '../../src/core/raw-node.js';
import { confStateOf } from '../../src/core/types.js';
import { isRaftError } from '../../src/errors.js';
import { drain, entriesOfTerms, MessageType, msg, Network, newNode } from './helpers.js';

const three = [1, 2, 3];

function snapshotOf(n: RawNode): string {
  const s = n.status();
  return JSON.stringify({
    ...s,
    progress: [...s.progress],
    log: n.entries(1, s.lastIndex + 1).map((e) => e.term),
  });
}

function leaderNet(): Network {
  const net = new Network(three.map((id) => newNode(id, three, { preVote: true, checkQuorum: true })));
  net.campaign(1);
  net.propose(1, Uint8Array.of(1));
  return net;
}

const good = (): Message =>
  msg({
    type: MessageType.App,
    from: 1,
    to: 2,
    term: 1,
    index: 2,
    logTerm: 1,
    commit: 2,
    entries: entriesOfTerms([1], 3),
  });

const malformed: [string, unknown][] = [
  ['null', null],
  ['a string', 'App'],
  ['unknown type', { ...good(), type: 99 }],
  ['negative term', { ...good(), term: -1 }],
  ['fractional index', { ...good(), index: 1.5 }],
  ['NaN commit', { ...good(), commit: Number.NaN }],
  ['huge term', { ...good(), term: 2 ** 60 }],
  ['from 0', { ...good(), from: 0 }],
  ['string to', { ...good(), to: '2' }],
  ['reject not boolean', { ...good(), reject: 'no' }],
  ['entries not an array', { ...good(), entries: {} }],
  ['entry data not bytes', { ...good(), entries: [{ term: 1, index: 3, type: 0, data: [1, 2] }] }],
  ['entry index gap', { ...good(), entries: [{ term: 1, index: 5, type: 0, data: new Uint8Array(1) }] }],
  [
    'entry term above message term',
    { ...good(), entries: [{ term: 2, index: 3, type: 0, data: new Uint8Array(1) }] },
  ],
  [
    'entry term below logTerm',
    { ...good(), logTerm: 1, entries: [{ term: 0, index: 3, type: 0, data: new Uint8Array(1) }] },
  ],
  [
    'entry of unknown type',
    { ...good(), entries: [{ term: 1, index: 3, type: 7, data: new Uint8Array(1) }] },
  ],
  ['entries on a heartbeat', { ...good(), type: MessageType.Heartbeat }],
  ['logTerm above term', { ...good(), logTerm: 5, entries: [] }],
  ['context not bytes', { ...good(), context: 'ctx' }],
  ['snapshot metadata malformed', { ...good(), snapshot: { index: -1, term: 1 } }],
];

describe('malformed messages', () => {
  for (const [what, m] of malformed) {
    it(`${what}: rejected with RAFT_INVALID_ARGUMENT, nothing changes`, () => {
      const net = leaderNet();
      const n = net.node(2);
      const before = snapshotOf(n);
      let err: unknown;
      try {
        n.step(m as Message);
      } catch (e) {
        err = e;
      }
      expect(isRaftError(err, 'RAFT_INVALID_ARGUMENT')).toBe(true);
      expect(snapshotOf(n)).toBe(before);
      expect(n.hasReady()).toBe(false);
    });
  }

  it('fuzz: arbitrary values never crash the core with anything but a typed error', () => {
    const net = leaderNet();
    const n = net.node(2);
    fc.assert(
      fc.property(fc.anything(), (x) => {
        try {
          n.step(x as Message);
        } catch (e) {
          return isRaftError(e, 'RAFT_INVALID_ARGUMENT');
        }
        return true;
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('fuzz: mutated real messages are rejected or handled, and the cluster stays consistent', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('term', 'logTerm', 'index', 'commit', 'rejectHint', 'from', 'to', 'type'),
        fc.oneof(fc.integer(), fc.double(), fc.constant(-1), fc.constant(null), fc.string()),
        (field, value) => {
          const net = leaderNet();
          const n = net.node(2);
          const m = { ...good(), [field]: value };
          try {
            n.step(m as Message);
          } catch (e) {
            return isRaftError(e, 'RAFT_INVALID_ARGUMENT');
          }
          drain(n);
          return true;
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('unknown peers and stale terms', () => {
  it('a non-member may not force an election (TimeoutNow), but its other messages are handled', () => {
    const net = leaderNet();
    const n = net.node(2);
    const before = snapshotOf(n);
    expect(n.step(msg({ type: MessageType.TimeoutNow, from: 9, to: 2, term: 1 }))).toBe(false);
    expect(snapshotOf(n)).toBe(before);
    expect(n.hasReady()).toBe(false);
    // A vote request of a node outside our configuration is answered: a voter added with an empty
    // log must vote before it learns the configuration. Our lease (CheckQuorum) refuses this one.
    expect(n.step(msg({ type: MessageType.Vote, from: 9, to: 2, term: 50, index: 99, logTerm: 50 }))).toBe(
      true,
    );
    expect(n.status().term).toBe(1);
    // A leader's append is followed, whoever sent it: only a legitimate leader holds a term >= ours.
    expect(n.step(msg({ type: MessageType.App, from: 9, to: 2, term: 50 }))).toBe(true);
    expect(n.status()).toMatchObject({ term: 50, lead: 9 });
  });

  it('messages addressed to another node, or to ourselves from ourselves, are ignored', () => {
    const net = leaderNet();
    const n = net.node(2);
    const before = snapshotOf(n);
    expect(n.step(msg({ type: MessageType.App, from: 1, to: 3, term: 9 }))).toBe(false);
    expect(n.step(msg({ type: MessageType.App, from: 2, to: 2, term: 9 }))).toBe(false);
    expect(snapshotOf(n)).toBe(before);
  });

  it('stale-term messages of every type change nothing', () => {
    const n = newNode(2, three, { term: 5, log: [1, 2, 5], commit: 2 });
    drain(n);
    const before = snapshotOf(n);
    for (const type of Object.values(MessageType)) {
      n.step(
        msg({
          type,
          from: 1,
          to: 2,
          term: 3,
          index: 1,
          logTerm: 1,
          commit: 3,
          context: Uint8Array.of(7),
          snapshot: { index: 1, term: 1, confState: confStateOf([1, 2, 3]) },
        }),
      );
    }
    drain(n);
    expect(snapshotOf(n)).toBe(before);
  });

  it('a heartbeat claiming a commit beyond our log does not crash or move commit', () => {
    const n = newNode(2, three, { term: 1, log: [1] });
    n.step(msg({ type: MessageType.Heartbeat, from: 1, to: 2, term: 1, commit: 1000 }));
    expect(n.status().commit).toBe(0);
  });

  it('an append that would rewrite committed entries is answered with the commit index, log intact', () => {
    const n = newNode(2, three, { term: 2, log: [1, 2], commit: 2 });
    drain(n);
    const forged = msg({
      type: MessageType.App,
      from: 1,
      to: 2,
      term: 3,
      index: 1,
      logTerm: 1,
      entries: entriesOfTerms([3], 2),
    });
    n.step(forged);
    expect(drain(n).map((m) => [m.type, m.index, m.reject])).toEqual([[MessageType.AppResp, 2, false]]);
    expect(n.entries(1, 3).map((e) => e.term)).toEqual([1, 2]);
    expect(n.status().commit).toBe(2);
  });

  it('duplicated and reordered answers are harmless to the leader', () => {
    const net = leaderNet();
    const leader = net.node(1);
    const before = leader.status().commit;
    for (const idx of [3, 1, 3, 2, 0]) {
      leader.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 1, index: idx }));
      leader.step(
        msg({ type: MessageType.AppResp, from: 2, to: 1, term: 1, index: idx, reject: true, rejectHint: 0 }),
      );
    }
    drain(leader);
    expect(leader.status()).toMatchObject({ role: 'leader', term: 1 });
    expect(leader.status().commit).toBeGreaterThanOrEqual(before);
  });
});

describe('configuration and proposal validation', () => {
  const random = new SeededRandom(1);
  const bad: [string, object][] = [
    ['id 0', { id: 0, voters: [1] }],
    ['voters not numbers', { id: 1, voters: ['a'] }],
    ['repeated voters', { id: 1, voters: [1, 1] }],
    ['voter also learner', { id: 1, voters: [1, 2], learners: [2] }],
    ['electionTick <= heartbeatTick', { id: 1, voters: [1], electionTick: 2, heartbeatTick: 2 }],
    ['maxInflightMsgs 0', { id: 1, voters: [1], maxInflightMsgs: 0 }],
    ['no random', { id: 1, voters: [1], random: undefined }],
  ];
  for (const [what, cfg] of bad) {
    it(`rejects a config with ${what} (RAFT_INVALID_CONFIG)`, () => {
      expect(() => validateConfig({ random, ...cfg } as never)).toThrowError(
        expect.objectContaining({ code: 'RAFT_INVALID_CONFIG' }),
      );
    });
  }

  it('reports every problem at once', () => {
    try {
      validateConfig({ id: -1, voters: [1, 1], electionTick: 0, random } as never);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/id must.*voters repeat.*electionTick/);
    }
  });

  it('proposals must be bytes; non-leaders refuse with the leader named', () => {
    const net = leaderNet();
    expect(() => net.node(1).propose('x' as never)).toThrowError(
      expect.objectContaining({ code: 'RAFT_INVALID_ARGUMENT' }),
    );
    expect(() => net.node(1).propose([])).toThrowError(
      expect.objectContaining({ code: 'RAFT_INVALID_ARGUMENT' }),
    );
    expect(() => net.node(2).propose(Uint8Array.of(1))).toThrowError(
      expect.objectContaining({ code: 'RAFT_NOT_LEADER', leader: 1 }),
    );
  });
});
