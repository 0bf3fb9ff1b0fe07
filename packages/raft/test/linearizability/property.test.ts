import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizability, kvModel } from '../../src/testing/linearizability/index.js';
import { generateKvHistory, injectStaleRead } from './generate.js';

// fast-check prints the seed of a failing run; replay it with SEED=<seed>.
const seed = process.env.SEED === undefined ? undefined : Number(process.env.SEED);
const runs = { numRuns: 150, ...(seed === undefined ? {} : { seed }) };

const shape = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  clients: fc.integer({ min: 1, max: 5 }),
  ops: fc.integer({ min: 0, max: 60 }),
  keys: fc.integer({ min: 1, max: 3 }),
  maxSpan: fc.integer({ min: 0, max: 60 }),
  pendingRate: fc.constantFrom(0, 0.05, 0.2),
});

describe('linearizability: property tests', () => {
  it('accepts every history recorded from a sequential execution with random overlaps', () => {
    const model = kvModel();
    fc.assert(
      fc.property(shape, (o) => {
        const h = generateKvHistory(o);
        const r = checkLinearizability(h, model);
        if (r.result !== 'ok') throw new Error(`expected ok, got ${r.result}\n${JSON.stringify(h)}`);
      }),
      runs,
    );
  });

  it('rejects every such history with one injected stale read, and blames an operation on its key', () => {
    const model = kvModel();
    let checked = 0;
    fc.assert(
      fc.property(shape, fc.integer({ min: 0, max: 0x7fffffff }), (o, injectSeed) => {
        const injected = injectStaleRead(generateKvHistory({ ...o, ops: Math.max(o.ops, 20) }), injectSeed);
        fc.pre(injected !== undefined);
        if (injected === undefined) return;
        checked++;
        const r = checkLinearizability(injected.history, model);
        expect(r.result).toBe('illegal');
        if (r.result !== 'illegal') return;
        const key = injected.history[injected.read]?.input.key;
        for (const op of r.illegal.operations) expect(op.operation.input.key).toBe(key);
        expect(r.illegal.operations.some((op) => op.index === injected.read)).toBe(true);
        // The reported prefix is itself a valid linearization of what it contains.
        let state = model.init();
        const prefix = r.illegal.longestPrefix.map((p) => p.operation);
        for (let i = 0; i < prefix.length; i++) {
          const op = prefix[i] as (typeof prefix)[number];
          const [ok, next] = model.step(state, op.input, op.output);
          expect(ok).toBe(true);
          state = next;
          for (const later of prefix.slice(i + 1)) expect(later.return < op.call).toBe(false);
        }
        expect(model.describeState?.(state)).toBe(r.illegal.stateAfterPrefix);
      }),
      runs,
    );
    expect(checked).toBeGreaterThan(50);
  });
});
