// The optimised quorum arithmetic against naive definitions (property tests).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { committedIndex, voteResult } from '../../src/core/quorum/majority.js';

/** Naive: the largest index that at least a majority of voters have reached. */
function naiveCommitted(matches: number[]): number {
  if (matches.length === 0) return Number.MAX_SAFE_INTEGER;
  let best = 0;
  for (const candidate of matches) {
    const reached = matches.filter((m) => m >= candidate).length;
    if (reached > matches.length / 2 && candidate > best) best = candidate;
  }
  return best;
}

describe('majority quorum', () => {
  it('committedIndex equals the naive definition', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { maxLength: 9 }), (matches) => {
        const voters = matches.map((_, i) => i + 1);
        expect(committedIndex(voters, (id) => matches[id - 1]!)).toBe(naiveCommitted(matches));
      }),
      { numRuns: 500, seed: 1 },
    );
  });

  it('voteResult equals the naive definition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<boolean | undefined>(true, false, undefined), { maxLength: 9 }),
        (vs) => {
          const voters = vs.map((_, i) => i + 1);
          const votes = new Map<number, boolean>();
          vs.forEach((v, i) => {
            if (v !== undefined) votes.set(i + 1, v);
          });
          const yes = vs.filter((v) => v === true).length;
          const no = vs.filter((v) => v === false).length;
          const q = Math.floor(vs.length / 2) + 1;
          const want = vs.length === 0 || yes >= q ? 'won' : vs.length - no >= q ? 'pending' : 'lost';
          expect(voteResult(voters, votes)).toBe(want);
        },
      ),
      { numRuns: 500, seed: 2 },
    );
  });

  it('votes from non-voters do not count', () => {
    expect(
      voteResult(
        [1, 2, 3],
        new Map([
          [9, true],
          [1, true],
        ]),
      ),
    ).toBe('pending');
  });
});
