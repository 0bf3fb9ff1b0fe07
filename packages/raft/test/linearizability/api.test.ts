import { describe, expect, it } from 'vitest';
import { isRaftError } from '../../src/errors.js';
import {
  checkLinearizability,
  eventsToOperations,
  type HistoryEvent,
  type KvModelInput,
  type KvModelOutput,
  kvModel,
  type Model,
  type Operation,
} from '../../src/testing/linearizability/index.js';
import { get, kv, put } from './helpers.js';

type Ev = HistoryEvent<KvModelInput, KvModelOutput>;
const model = kvModel();

function expectInvalid(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isRaftError(err, 'RAFT_INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected RAFT_INVALID_ARGUMENT');
}

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

describe('event-list histories', () => {
  it('converts events to operations, with calls never answered pending', () => {
    const events: Ev[] = [
      { kind: 'call', id: 7, clientId: 0, value: put('x', 'a') },
      { kind: 'call', id: 8, clientId: 1, value: get('x') },
      { kind: 'return', id: 7, value: 'a' },
      { kind: 'call', id: 9, clientId: 2, value: put('x', 'b') },
      { kind: 'return', id: 8, clientId: 1, value: 'a' },
    ];
    expect(eventsToOperations(events)).toEqual([
      { clientId: 0, input: put('x', 'a'), output: 'a', call: 0, return: 2 },
      { clientId: 1, input: get('x'), output: 'a', call: 1, return: 4 },
      { clientId: 2, input: put('x', 'b'), output: undefined, call: 3, return: Number.POSITIVE_INFINITY },
    ]);
    expect(checkLinearizability(events, model).result).toBe('ok');
  });

  it('finds a stale read in the event form', () => {
    const events: Ev[] = [
      { kind: 'call', id: 1, clientId: 0, value: put('x', 'a') },
      { kind: 'return', id: 1, value: 'a' },
      { kind: 'call', id: 2, clientId: 1, value: get('x') },
      { kind: 'return', id: 2, value: null },
    ];
    const r = checkLinearizability(events, model);
    expect(r.result).toBe('illegal');
    if (r.result === 'illegal') expect(r.illegal.blocked?.index).toBe(1);
  });

  it('rejects malformed event lists', () => {
    const call: Ev = { kind: 'call', id: 1, clientId: 0, value: get('x') };
    expectInvalid(() => eventsToOperations([{ kind: 'return', id: 1, value: null }]), /no earlier call/);
    expectInvalid(() => eventsToOperations([call, call]), /used twice/);
    expectInvalid(
      () =>
        eventsToOperations([
          call,
          { kind: 'return', id: 1, value: null },
          { kind: 'return', id: 1, value: null },
        ]),
      /returns twice/,
    );
    expectInvalid(
      () => eventsToOperations([call, { kind: 'return', id: 1, clientId: 5, value: null }]),
      /names client 5/,
    );
    expectInvalid(
      () => eventsToOperations([{ kind: 'later', id: 1 } as unknown as Ev]),
      /not call or return/,
    );
  });
});

describe('bad input', () => {
  it('rejects operations with impossible times', () => {
    expectInvalid(() => checkLinearizability([kv(0, get('x'), null, 5, 4)], model), /before its call/);
    expectInvalid(() => checkLinearizability([kv(0, get('x'), null, Number.NaN, 4)], model), /finite/);
    expectInvalid(
      () => checkLinearizability([kv(0, get('x'), null, Number.POSITIVE_INFINITY)], model),
      /call Infinity/,
    );
    expectInvalid(() => checkLinearizability([kv(0, get('x'), null, 0, Number.NaN)], model), /return NaN/);
    expectInvalid(
      () => checkLinearizability('nope' as unknown as Operation<KvModelInput, KvModelOutput>[], model),
      /array/,
    );
  });

  it('rejects bad options', () => {
    expectInvalid(() => checkLinearizability([], model, { timeoutMs: -1 }), /timeoutMs/);
    expectInvalid(() => checkLinearizability([], model, { now: 5 as unknown as () => number }), /now/);
  });

  it('rejects a partition function that loses or duplicates operations', () => {
    const h = [kv(0, put('x', 'a'), 'a', 0, 1), kv(1, get('x'), 'a', 2, 3)];
    const losing: Model<string | null, KvModelInput, KvModelOutput> = {
      ...model,
      partition: (ops) => [ops.slice(1)],
    };
    expectInvalid(() => checkLinearizability(h, losing), /returned 1 of 2/);
    const doubling: Model<string | null, KvModelInput, KvModelOutput> = {
      ...model,
      partition: (ops) => [ops, ops],
    };
    expectInvalid(() => checkLinearizability(h, doubling), /exactly once/);
    const copying: Model<string | null, KvModelInput, KvModelOutput> = {
      ...model,
      partition: (ops) => [ops.map((o) => ({ ...o }))],
    };
    expectInvalid(() => checkLinearizability(h, copying), /exactly once/);
  });

  it('changes neither the history nor its operations', () => {
    const h = deepFreeze([
      kv(0, put('x', 'a'), 'a', 0, 1),
      kv(1, get('x'), null, 2, 3),
      kv(2, put('x', 'b'), undefined, 4),
    ]);
    const before = JSON.stringify(h);
    expect(checkLinearizability(h, model).result).toBe('illegal');
    expect(JSON.stringify(h)).toBe(before);
  });
});

describe('models without hash, partition or describe functions', () => {
  // A counter with increments and reads, written in the minimal form.
  type In = { op: 'inc' } | { op: 'read' };
  const counter: Model<number, In, number> = {
    init: () => 0,
    step: (s, input, output) => {
      if (input.op === 'inc') return [true, s + 1];
      return [output === undefined || output === s, s];
    },
    equal: (a, b) => a === b,
  };
  const c = (
    clientId: number,
    input: In,
    output: number | undefined,
    call: number,
    ret: number,
  ): Operation<In, number> => ({
    clientId,
    input,
    output,
    call,
    return: ret,
  });

  it('checks and reports with JSON descriptions', () => {
    const ok = [
      c(0, { op: 'inc' }, undefined, 0, 10),
      c(1, { op: 'inc' }, undefined, 0, 10),
      c(2, { op: 'read' }, 1, 5, 6),
    ];
    expect(checkLinearizability(ok, counter)).toMatchObject({ result: 'ok', partitions: 1 });
    const bad = [c(0, { op: 'inc' }, undefined, 0, 1), c(2, { op: 'read' }, 2, 5, 6)];
    const r = checkLinearizability(bad, counter);
    expect(r.result).toBe('illegal');
    if (r.result !== 'illegal') return;
    expect(r.illegal.stateAfterPrefix).toBe('1');
    expect(r.illegal.blocked?.description).toBe('{"op":"read"} -> 2');
    expect(r.illegal.explanation).toContain('#1 client 2 [5, 6] {"op":"read"} -> 2');
  });
});
