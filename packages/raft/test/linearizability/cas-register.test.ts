import { describe, expect, it } from 'vitest';
import {
  type CasRegisterInput,
  type CasRegisterOutput,
  casRegisterModel,
  checkLinearizability,
  type Operation,
} from '../../src/testing/linearizability/index.js';

type CasOp = Operation<CasRegisterInput, CasRegisterOutput>;
const op = (
  clientId: number,
  input: CasRegisterInput,
  output: CasRegisterOutput | undefined,
  call: number,
  ret = Number.POSITIVE_INFINITY,
): CasOp => ({ clientId, input, output, call, return: ret });
const read = (key?: string): CasRegisterInput => (key === undefined ? { op: 'read' } : { op: 'read', key });
const write = (value: string | null, key?: string): CasRegisterInput =>
  key === undefined ? { op: 'write', value } : { op: 'write', key, value };
const cas = (expected: string | null, value: string | null, key?: string): CasRegisterInput =>
  key === undefined ? { op: 'cas', expected, value } : { op: 'cas', key, expected, value };

const model = casRegisterModel();

describe('compare-and-set register model', () => {
  it('accepts concurrent CASes from one version where exactly one wins', () => {
    const h = [
      op(0, write('v0'), undefined, 0, 1),
      op(1, cas('v0', 'v1'), true, 2, 10),
      op(2, cas('v0', 'v2'), false, 2, 10),
      op(3, read(), 'v1', 11, 12),
    ];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });

  it('rejects a CAS that succeeded twice from the same expected value', () => {
    const h = [
      op(0, write('v0'), undefined, 0, 1),
      op(1, cas('v0', 'v1'), true, 2, 10),
      op(2, cas('v0', 'v2'), true, 2, 10),
    ];
    const r = checkLinearizability(h, model);
    expect(r.result).toBe('illegal');
    if (r.result === 'illegal') expect(r.illegal.explanation).toMatch(/cas\("v0" => "v[12]"\) -> true/);
  });

  it('rejects a CAS that failed although the value matched and nothing else ran', () => {
    const h = [op(0, write('v0'), undefined, 0, 1), op(1, cas('v0', 'v1'), false, 2, 3)];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });

  it('rejects a CAS success on a value that was never there', () => {
    const h = [op(0, write('v0'), undefined, 0, 1), op(1, cas('vX', 'v1'), true, 2, 3)];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });

  it('accepts create-if-absent (expected null) once, not twice', () => {
    const once = [op(0, cas(null, 'a'), true, 0, 5), op(1, cas(null, 'b'), false, 0, 5)];
    expect(checkLinearizability(once, model).result).toBe('ok');
    const twice = [op(0, cas(null, 'a'), true, 0, 5), op(1, cas(null, 'b'), true, 0, 5)];
    expect(checkLinearizability(twice, model).result).toBe('illegal');
  });

  it('lets a pending CAS have taken effect or not', () => {
    const took = [
      op(0, write('v0'), undefined, 0, 1),
      op(1, cas('v0', 'v1'), undefined, 2),
      op(2, read(), 'v1', 5, 6),
    ];
    expect(checkLinearizability(took, model).result).toBe('ok');
    const didNot = [
      op(0, write('v0'), undefined, 0, 1),
      op(1, cas('v0', 'v1'), undefined, 2),
      op(2, read(), 'v0', 5, 6),
    ];
    expect(checkLinearizability(didNot, model).result).toBe('ok');
    const neither = [
      op(0, write('v0'), undefined, 0, 1),
      op(1, cas('v0', 'v1'), undefined, 2),
      op(2, read(), 'v9', 5, 6),
    ];
    expect(checkLinearizability(neither, model).result).toBe('illegal');
  });

  it('partitions per key: a stale read on one config is found among others', () => {
    const h = [
      op(0, write('a1', 'A'), undefined, 0, 1),
      op(0, write('b1', 'B'), undefined, 0, 1),
      op(1, cas('a1', 'a2', 'A'), true, 2, 3),
      op(2, read('A'), 'a1', 4, 5),
      op(2, read('B'), 'b1', 4, 5),
    ];
    const r = checkLinearizability(h, model);
    expect(r.partitions).toBe(2);
    expect(r.result).toBe('illegal');
    if (r.result === 'illegal') expect(r.illegal.blocked?.index).toBe(3);
  });

  it('supports casMd5-style matching through `matches`', () => {
    // A stand-in digest: what matters is that `expected` is compared through the function.
    const digest = (s: string): string => `md5:${s.length}:${s}`;
    const md5Model = casRegisterModel({
      matches: (cur, expected) => cur !== null && digest(cur) === expected,
    });
    const h = [
      op(0, write('content-1'), undefined, 0, 1),
      op(1, cas(digest('content-1'), 'content-2'), true, 2, 3),
      op(2, cas(digest('content-1'), 'content-3'), false, 4, 5),
      op(2, read(), 'content-2', 6, 7),
    ];
    expect(checkLinearizability(h, md5Model).result).toBe('ok');
    const twice = [h[0] as CasOp, h[1] as CasOp, op(2, cas(digest('content-1'), 'content-3'), true, 4, 5)];
    expect(checkLinearizability(twice, md5Model).result).toBe('illegal');
  });

  it('starts from `initial`', () => {
    const m = casRegisterModel({ initial: 'seed' });
    expect(checkLinearizability([op(0, read(), 'seed', 0, 1)], m).result).toBe('ok');
    expect(checkLinearizability([op(0, read(), null, 0, 1)], m).result).toBe('illegal');
  });

  it('treats write(null) as a delete', () => {
    const h = [
      op(0, write('x'), undefined, 0, 1),
      op(0, write(null), undefined, 2, 3),
      op(1, read(), null, 4, 5),
    ];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });
});
