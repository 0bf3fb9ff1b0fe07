import { describe, expect, it } from 'vitest';
import { checkLinearizability, kvModel } from '../../src/testing/linearizability/index.js';
import { append, del, get, kv, put } from './helpers.js';

const model = kvModel();

describe('kv model: hand-written histories', () => {
  it('accepts an empty history', () => {
    expect(checkLinearizability([], model).result).toBe('ok');
  });

  it('accepts a sequential history', () => {
    const h = [
      kv(0, put('x', 'a'), 'a', 0, 1),
      kv(1, get('x'), 'a', 2, 3),
      kv(0, append('x', 'b'), 'ab', 4, 5),
    ];
    const r = checkLinearizability(h, model);
    expect(r).toMatchObject({ result: 'ok', partitions: 1, operations: 3 });
  });

  it('rejects a stale read after a completed write', () => {
    const h = [
      kv(0, put('x', 'a'), 'a', 0, 1),
      kv(0, put('x', 'b'), 'b', 2, 3),
      kv(1, get('x'), 'a', 4, 5), // b was acknowledged before this read began
    ];
    const r = checkLinearizability(h, model);
    expect(r.result).toBe('illegal');
    if (r.result !== 'illegal') return;
    expect(r.illegal.longestPrefix.map((o) => o.index)).toEqual([0, 1]);
    expect(r.illegal.blocked?.index).toBe(2);
    expect(r.illegal.stateAfterPrefix).toBe('"b"');
    expect(r.illegal.explanation).toContain('get("x") -> "a"');
  });

  it('rejects a lost write (a read of the initial value after an acknowledged put)', () => {
    const h = [kv(0, put('x', 'a'), undefined, 0, 10), kv(1, get('x'), null, 11, 12)];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });

  it('rejects two reads that see two concurrent writes in opposite orders', () => {
    // Writes of 1 and 2 overlap each other; client 2 sees 1 then 2, client 3 sees 2 then 1.
    const h = [
      kv(0, put('x', '1'), undefined, 0, 100),
      kv(1, put('x', '2'), undefined, 0, 100),
      kv(2, get('x'), '1', 10, 20),
      kv(2, get('x'), '2', 30, 40),
      kv(3, get('x'), '2', 10, 20),
      kv(3, get('x'), '1', 30, 40),
    ];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });

  it('accepts the same reads when each client sees one order consistent with the other', () => {
    const h = [
      kv(0, put('x', '1'), undefined, 0, 100),
      kv(1, put('x', '2'), undefined, 0, 100),
      kv(2, get('x'), '1', 10, 20),
      kv(2, get('x'), '2', 30, 40),
      kv(3, get('x'), '1', 10, 20),
      kv(3, get('x'), '2', 30, 40),
    ];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });

  it('rejects a read of a value never written', () => {
    const h = [kv(0, put('x', 'a'), 'a', 0, 5), kv(1, get('x'), 'zzz', 1, 6)];
    const r = checkLinearizability(h, model);
    expect(r.result).toBe('illegal');
    if (r.result === 'illegal') expect(r.illegal.blocked?.index).toBe(1);
  });

  it('accepts overlapping operations whose order must be chosen against call order', () => {
    // The read starts before the put but may take effect after it.
    const h = [kv(1, get('x'), 'a', 0, 10), kv(0, put('x', 'a'), 'a', 1, 2)];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });

  it('accepts a read that saw either side of a concurrent write', () => {
    for (const seen of [null, 'a']) {
      const h = [kv(0, put('x', 'a'), 'a', 0, 10), kv(1, get('x'), seen, 5, 6)];
      expect(checkLinearizability(h, model).result).toBe('ok');
    }
  });

  it('treats operations that touch (return == call) as concurrent', () => {
    const h = [kv(0, put('x', 'a'), 'a', 0, 5), kv(1, get('x'), null, 5, 6)];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });

  it('checks append results against the concatenation', () => {
    const ok = [
      kv(0, append('x', 'a'), 'a', 0, 10),
      kv(1, append('x', 'b'), 'ab', 0, 10),
      kv(2, get('x'), 'ab', 11, 12),
    ];
    expect(checkLinearizability(ok, model).result).toBe('ok');
    const bad = [
      kv(0, append('x', 'a'), 'a', 0, 10),
      kv(1, append('x', 'b'), 'ab', 0, 10),
      kv(2, get('x'), 'ba', 11, 12),
    ];
    expect(checkLinearizability(bad, model).result).toBe('illegal');
  });

  it('handles delete', () => {
    const h = [kv(0, put('x', 'a'), 'a', 0, 1), kv(0, del('x'), null, 2, 3), kv(1, get('x'), null, 4, 5)];
    expect(checkLinearizability(h, model).result).toBe('ok');
    const stale = [kv(0, put('x', 'a'), 'a', 0, 1), kv(0, del('x'), null, 2, 3), kv(1, get('x'), 'a', 4, 5)];
    expect(checkLinearizability(stale, model).result).toBe('illegal');
  });
});

describe('kv model: operations that never returned', () => {
  it('accepts a pending write that took effect', () => {
    const h = [kv(0, put('x', 'a'), undefined, 0), kv(1, get('x'), 'a', 5, 6)];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });

  it('accepts a pending write that did not take effect', () => {
    const h = [kv(0, put('x', 'a'), undefined, 0), kv(1, get('x'), null, 5, 6), kv(1, get('x'), null, 7, 8)];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });

  it('accepts a pending write that took effect late, after other reads', () => {
    const h = [
      kv(0, put('x', 'a'), undefined, 0),
      kv(1, get('x'), null, 5, 6),
      kv(1, get('x'), 'a', 100, 101),
    ];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });

  it('rejects a value appearing and then disappearing without a write', () => {
    const h = [kv(0, put('x', 'a'), undefined, 0), kv(1, get('x'), 'a', 5, 6), kv(1, get('x'), null, 7, 8)];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });

  it('rejects a read of a pending write that had not been called yet', () => {
    const h = [kv(1, get('x'), 'a', 0, 1), kv(0, put('x', 'a'), undefined, 2)];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });

  it('accepts a pending read with any outcome', () => {
    const h = [kv(0, put('x', 'a'), 'a', 0, 1), kv(1, get('x'), undefined, 2)];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });
});

describe('kv model: per-key partitioning', () => {
  it('checks keys independently and reports the failing key', () => {
    const h = [
      kv(0, put('a', '1'), '1', 0, 1),
      kv(0, put('b', '1'), '1', 2, 3),
      kv(1, get('a'), '1', 4, 5),
      kv(1, get('b'), null, 6, 7), // stale: b=1 was acknowledged at 3
      kv(2, get('c'), null, 0, 9),
    ];
    const r = checkLinearizability(h, model);
    expect(r.partitions).toBe(3);
    expect(r.result).toBe('illegal');
    if (r.result !== 'illegal') return;
    expect(r.illegal.partitionIndex).toBe(1);
    expect(r.illegal.operations.map((o) => o.index)).toEqual([1, 3]);
    expect(r.illegal.blocked?.index).toBe(3);
  });

  it('accepts a history that would be illegal if keys were one register', () => {
    // As a single register, get(a)=1 after put(b)=2 completed would be stale; per key it is fine.
    const h = [kv(0, put('a', '1'), '1', 0, 1), kv(0, put('b', '2'), '2', 2, 3), kv(1, get('a'), '1', 4, 5)];
    const r = checkLinearizability(h, model);
    expect(r).toMatchObject({ result: 'ok', partitions: 2 });
  });
});
