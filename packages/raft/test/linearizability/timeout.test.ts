import { describe, expect, it } from 'vitest';
import {
  checkLinearizability,
  type KvModelInput,
  type KvModelOutput,
  kvModel,
  type Operation,
} from '../../src/testing/linearizability/index.js';
import { append, get, kv, put } from './helpers.js';

/**
 * An ambiguous history: `n` appends all concurrent with each other, then a read of a value no
 * order produces. Every order of the appends gives a different string, so memoization cannot
 * help and deciding "illegal" takes about n! steps.
 */
function ambiguous(n: number): Operation<KvModelInput, KvModelOutput>[] {
  const h = [kv(99, put('ok', '1'), '1', 0, 1)];
  for (let i = 0; i < n; i++) h.push(kv(i, append('x', `<${i}>`), undefined, 0, 100));
  h.push(kv(n, get('x'), 'never written', 101, 102));
  return h;
}

describe('timeout', () => {
  it("answers 'unknown' when the time is up, deterministically with an injected clock", () => {
    let t = 0;
    const now = (): number => t++; // every look at the clock costs 1 ms
    const r = checkLinearizability(ambiguous(20), kvModel(), { timeoutMs: 50, now });
    expect(r).toMatchObject({
      result: 'unknown',
      reason: 'timeout',
      partitions: 2,
      decidedPartitions: 1,
      undecidedPartition: 1,
    });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(50);
    expect(t).toBeLessThan(60); // it stopped at the first look past the deadline
  });

  it("answers 'unknown' within its time limit on the real clock for a big ambiguous history", () => {
    const r = checkLinearizability(ambiguous(40), kvModel(), { timeoutMs: 300 });
    expect(r.result).toBe('unknown');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(300);
  }, 20_000);

  it('decides a small ambiguous history without a limit', () => {
    const r = checkLinearizability(ambiguous(6), kvModel());
    expect(r.result).toBe('illegal');
    if (r.result !== 'illegal') return;
    // Every append fits; only the read cannot be placed.
    expect(r.illegal.longestPrefix).toHaveLength(6);
    expect(r.illegal.blocked?.index).toBe(7);
  });

  it('timeoutMs 0 still decides histories the first clock look does not interrupt', () => {
    expect(checkLinearizability([kv(0, put('x', 'a'), 'a', 0, 1)], kvModel(), { timeoutMs: 0 }).result).toBe(
      'ok',
    );
  });
});
