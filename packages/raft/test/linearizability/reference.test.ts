import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CasRegisterInput,
  type CasRegisterOutput,
  casRegisterModel,
  checkLinearizability,
  type KvModelInput,
  type KvModelOutput,
  kvModel,
  type Model,
  type Operation,
} from '../../src/testing/linearizability/index.js';

/**
 * The definition, searched naively: some order of all completed operations and any subset of
 * the pending ones, respecting real time (`a` before `b` when `a.return < b.call`), that the
 * model accepts. No memoization, no pruning, no linked lists: an independent oracle.
 */
function linearizableByDefinition<S, I, O>(ops: readonly Operation<I, O>[], model: Model<S, I, O>): boolean {
  const placed = new Array<boolean>(ops.length).fill(false);
  const search = (state: S): boolean => {
    let allCompletedPlaced = true;
    for (let i = 0; i < ops.length; i++) {
      if (!placed[i] && (ops[i] as Operation<I, O>).return !== Number.POSITIVE_INFINITY)
        allCompletedPlaced = false;
    }
    if (allCompletedPlaced) return true;
    for (let x = 0; x < ops.length; x++) {
      if (placed[x]) continue;
      const op = ops[x] as Operation<I, O>;
      const mustWait = ops.some((y, j) => j !== x && !placed[j] && y.return < op.call);
      if (mustWait) continue;
      const [ok, next] = model.step(state, op.input, op.output);
      if (!ok) continue;
      placed[x] = true;
      const found = search(next);
      placed[x] = false;
      if (found) return true;
    }
    return false;
  };
  return search(model.init());
}

const seed = process.env.SEED === undefined ? undefined : Number(process.env.SEED);
const runs = { numRuns: 400, ...(seed === undefined ? {} : { seed }) };

const times = fc
  .tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 6 }), fc.boolean())
  .map(([call, len, pending]) => ({ call, ret: pending ? Number.POSITIVE_INFINITY : call + len }));

const value = fc.constantFrom('a', 'b', 'ab', 'ba');
const kvInput: fc.Arbitrary<KvModelInput> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key: fc.constantFrom('x', 'y') }),
  fc.record({
    op: fc.constant('put' as const),
    key: fc.constantFrom('x', 'y'),
    value: fc.constantFrom('a', 'b'),
  }),
  fc.record({
    op: fc.constant('append' as const),
    key: fc.constantFrom('x', 'y'),
    value: fc.constantFrom('a', 'b'),
  }),
  fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom('x', 'y') }),
);
const kvOp = fc.tuple(kvInput, fc.option(value, { nil: null }), fc.boolean(), times, fc.nat(3)).map(
  ([input, out, observed, t, clientId]): Operation<KvModelInput, KvModelOutput> => ({
    clientId,
    input,
    output: observed && t.ret !== Number.POSITIVE_INFINITY ? out : undefined,
    call: t.call,
    return: t.ret,
  }),
);

const casInput: fc.Arbitrary<CasRegisterInput> = fc.oneof(
  fc.constant({ op: 'read' as const }),
  fc.record({ op: fc.constant('write' as const), value: fc.constantFrom('a', 'b', null) }),
  fc.record({
    op: fc.constant('cas' as const),
    expected: fc.constantFrom('a', 'b', null),
    value: fc.constantFrom('a', 'b'),
  }),
);
const casOp = fc
  .tuple(
    casInput,
    fc.constantFrom<CasRegisterOutput | undefined>('a', 'b', null, true, false, undefined),
    times,
  )
  .map(
    ([input, out, t]): Operation<CasRegisterInput, CasRegisterOutput> => ({
      clientId: 0,
      input,
      output: t.ret === Number.POSITIVE_INFINITY ? undefined : out,
      call: t.call,
      return: t.ret,
    }),
  );

describe('agreement with the definition on small random histories', () => {
  it('kv model (with partitioning, pending operations, unobserved outputs)', () => {
    const model = kvModel();
    let legal = 0;
    let illegal = 0;
    fc.assert(
      fc.property(fc.array(kvOp, { maxLength: 7 }), (h) => {
        const expected = ['x', 'y'].every((k) =>
          linearizableByDefinition(
            h.filter((o) => o.input.key === k),
            model,
          ),
        );
        const r = checkLinearizability(h, model);
        expect(r.result).toBe(expected ? 'ok' : 'illegal');
        if (expected) legal++;
        else illegal++;
      }),
      runs,
    );
    // Both verdicts must have been exercised for the comparison to mean anything.
    expect(legal).toBeGreaterThan(40);
    expect(illegal).toBeGreaterThan(40);
  });

  it('compare-and-set register', () => {
    const model = casRegisterModel();
    let legal = 0;
    let illegal = 0;
    fc.assert(
      fc.property(fc.array(casOp, { maxLength: 7 }), (h) => {
        const expected = linearizableByDefinition(h, model);
        expect(checkLinearizability(h, model).result).toBe(expected ? 'ok' : 'illegal');
        if (expected) legal++;
        else illegal++;
      }),
      runs,
    );
    expect(legal).toBeGreaterThan(40);
    expect(illegal).toBeGreaterThan(40);
  });
});
