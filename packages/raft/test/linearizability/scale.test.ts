import { describe, expect, it } from 'vitest';
import { checkLinearizability, kvModel } from '../../src/testing/linearizability/index.js';
import { generateKvHistory, injectStaleRead } from './generate.js';

// Sizes from the requirements; speed is measured in checker.bench.ts, not asserted here.
describe('scale', () => {
  it('decides a 3-client x 1,000-op history on one key', () => {
    const h = generateKvHistory({ seed: 1, clients: 3, ops: 3000, keys: 1, maxSpan: 25, pendingRate: 0.01 });
    expect(h).toHaveLength(3000);
    expect(checkLinearizability(h, kvModel())).toMatchObject({
      result: 'ok',
      operations: 3000,
      partitions: 1,
    });
  });

  it('decides a 10,000-op history over 10 keys, and finds one stale read in it', () => {
    const h = generateKvHistory({
      seed: 2,
      clients: 10,
      ops: 10_000,
      keys: 10,
      maxSpan: 40,
      pendingRate: 0.01,
    });
    expect(h).toHaveLength(10_000);
    expect(checkLinearizability(h, kvModel())).toMatchObject({ result: 'ok', partitions: 10 });
    const last = h.slice(-600);
    const injected = injectStaleRead(last, 3);
    expect(injected).toBeDefined();
    if (injected === undefined) return;
    const r = checkLinearizability([...h.slice(0, -600), ...injected.history], kvModel());
    expect(r.result).toBe('illegal');
  });
});
