// RaftLog's index arithmetic against naive array versions (property tests), including a log that
// starts after a compaction point.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RaftLog } from '../../src/core/raft-log.js';
import type { Entry } from '../../src/core/types.js';

const arbLog = fc
  .record({
    offset: fc.nat({ max: 5 }),
    steps: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 20 }),
    sizes: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 20 }),
  })
  .map(({ offset, steps, sizes }) => {
    let term = offset === 0 ? 1 : 2;
    const entries: Entry[] = steps.map((d, i) => {
      term += d;
      return { term, index: offset + 1 + i, type: 0, data: new Uint8Array(sizes[i] ?? 1) };
    });
    return { offset, offsetTerm: offset === 0 ? 0 : 1, entries };
  });

describe('RaftLog', () => {
  it('slice(lo, hi, maxBytes) returns the longest prefix within budget, at least one entry', () => {
    fc.assert(
      fc.property(
        arbLog,
        fc.nat({ max: 30 }),
        fc.nat({ max: 30 }),
        fc.nat({ max: 20 }),
        (l, a, b, budget) => {
          const log = new RaftLog(l.offset, l.offsetTerm, l.entries, l.offset, 0);
          const lo = Math.max(l.offset + 1, Math.min(a, b));
          const hi = Math.max(a, b);
          const got = log.slice(lo, hi, budget).map((e) => e.index);
          const candidates = l.entries.filter((e) => e.index >= lo && e.index < hi);
          const want: number[] = [];
          let size = 0;
          for (const e of candidates) {
            size += e.data.byteLength;
            if (size > budget && want.length > 0) break;
            want.push(e.index);
          }
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });

  it('findConflictByTerm returns the largest index <= i with term <= t (or the compaction point)', () => {
    fc.assert(
      fc.property(arbLog, fc.nat({ max: 30 }), fc.nat({ max: 50 }), (l, i, t) => {
        const log = new RaftLog(l.offset, l.offsetTerm, l.entries, l.offset, 0);
        const top = Math.min(i, log.lastIndex());
        // Naive: the largest candidate in [offset, top] that is the compaction point or has term <= t.
        const candidates = [l.offset, ...l.entries.filter((e) => e.term <= t).map((e) => e.index)].filter(
          (j) => j <= top,
        );
        const want = top < l.offset ? top : Math.max(...candidates);
        expect(log.findConflictByTerm(i, t)).toBe(want);
      }),
      { numRuns: 500, seed: 12 },
    );
  });

  it('append truncates a conflicting suffix and lowers stabled, never below commit', () => {
    const log = new RaftLog(
      0,
      0,
      [1, 1, 2, 2].map((term, i) => ({ term, index: i + 1, type: 0, data: new Uint8Array() })),
      2,
      0,
    );
    expect(log.stabled).toBe(4);
    log.append([{ term: 3, index: 3, type: 0, data: new Uint8Array() }]);
    expect(log.lastIndex()).toBe(3);
    expect(log.stabled).toBe(2);
    expect(log.unstableEntries().map((e) => e.term)).toEqual([3]);
    expect(() => log.append([{ term: 3, index: 2, type: 0, data: new Uint8Array() }])).toThrowError(
      expect.objectContaining({ code: 'RAFT_INVARIANT' }),
    );
  });
});
