// The checker must catch what it claims to: feed it broken histories and nodes.
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../src/core/types.js';
import { SafetyChecker } from '../../src/testing/safety-checker.js';
import { MessageType, msg, newNode } from '../core/helpers.js';

const e = (index: number, term: number, byte = index): Entry => ({
  index,
  term,
  type: 0,
  data: Uint8Array.of(byte),
});

describe('SafetyChecker', () => {
  it('flags two different entries applied at one index (state-machine safety)', () => {
    const c = new SafetyChecker();
    c.recordApply(1, e(1, 1), 1);
    c.recordApply(2, e(1, 1), 1);
    expect(() => c.recordApply(3, e(1, 2), 2)).toThrowError(/state-machine-safety/);
  });

  it('flags two leaders in one term (election safety)', () => {
    const a = newNode(1, [1, 2, 3]);
    const b = newNode(2, [1, 2, 3]);
    a.campaign();
    a.step(msg({ type: MessageType.VoteResp, from: 3, to: 1, term: 1 }));
    b.campaign();
    b.step(msg({ type: MessageType.VoteResp, from: 3, to: 2, term: 1 }));
    expect(() => new SafetyChecker().check([a, b])).toThrowError(/election-safety/);
  });

  it('flags a later-term leader missing a committed entry (leader completeness)', () => {
    const c = new SafetyChecker();
    c.recordApply(2, e(1, 1), 1);
    c.recordApply(2, e(2, 1), 1);
    const leader = newNode(1, [1, 2, 3], { term: 1, log: [1] });
    leader.campaign();
    leader.step(msg({ type: MessageType.VoteResp, from: 3, to: 1, term: 2 }));
    // Its log has index 1 (and its no-op at 2, term 2), but index 2 applied elsewhere was term 1.
    expect(() => c.check([leader])).toThrowError(/leader-completeness/);
  });

  it('flags logs that share an (index, term) but differ below it (log matching)', () => {
    // Same term 2 at index 3, different entries at index 2: impossible in a correct run.
    const a = newNode(1, [1, 2, 3], { term: 2, log: [1, 1, 2] });
    const b = newNode(2, [1, 2, 3], { term: 2, log: [1, 2, 2] });
    expect(() => new SafetyChecker().check([a, b])).toThrowError(/log-matching/);
  });
});
