// The inflight ring buffer against a plain array (property test).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Inflights } from '../../src/core/tracker/inflights.js';

describe('Inflights', () => {
  it('behaves like a bounded FIFO of increasing indexes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.oneof(fc.constant<'add'>('add'), fc.nat({ max: 40 }), fc.constant<'reset'>('reset')), {
          maxLength: 60,
        }),
        (cap, ops) => {
          const inf = new Inflights(cap);
          let model: number[] = [];
          let next = 1;
          for (const op of ops) {
            if (op === 'add') {
              if (model.length < cap) {
                inf.add(next);
                model.push(next);
              } else expect(() => inf.add(next)).toThrow();
              next++;
            } else if (op === 'reset') {
              inf.reset();
              model = [];
            } else {
              inf.freeLE(op);
              model = model.filter((x) => x > op);
            }
            expect(inf.count).toBe(model.length);
            expect(inf.full()).toBe(model.length === cap);
          }
        },
      ),
      { numRuns: 500, seed: 3 },
    );
  });
});
