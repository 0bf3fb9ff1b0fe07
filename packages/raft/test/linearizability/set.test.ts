import { describe, expect, it } from 'vitest';
import {
  checkLinearizability,
  type Operation,
  type SetModelInput,
  type SetModelOutput,
  setModel,
} from '../../src/testing/linearizability/index.js';

const op = (
  clientId: number,
  input: SetModelInput,
  output: SetModelOutput | undefined,
  call: number,
  ret = Number.POSITIVE_INFINITY,
): Operation<SetModelInput, SetModelOutput> => ({ clientId, input, output, call, return: ret });

const model = setModel();

describe('set model', () => {
  it('accepts reads in any member order that match a linearization', () => {
    const h = [
      op(0, { op: 'add', value: 'a' }, true, 0, 10),
      op(1, { op: 'add', value: 'b' }, true, 0, 10),
      op(2, { op: 'read' }, ['b'], 1, 2),
      op(2, { op: 'read' }, ['b', 'a'], 11, 12),
      op(3, { op: 'contains', value: 'a' }, true, 11, 12),
    ];
    expect(checkLinearizability(h, model).result).toBe('ok');
  });

  it('rejects a member lost after its add was acknowledged', () => {
    const h = [op(0, { op: 'add', value: 'a' }, true, 0, 1), op(1, { op: 'read' }, [], 2, 3)];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });

  it('rejects a removed member resurrected', () => {
    const h = [
      op(0, { op: 'add', value: 'a' }, true, 0, 1),
      op(0, { op: 'remove', value: 'a' }, true, 2, 3),
      op(1, { op: 'contains', value: 'a' }, true, 4, 5),
    ];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });

  it('rejects two adds of one value that both report a change', () => {
    const h = [op(0, { op: 'add', value: 'a' }, true, 0, 5), op(1, { op: 'add', value: 'a' }, true, 0, 5)];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });

  it('rejects a read listing a member twice', () => {
    const h = [op(0, { op: 'add', value: 'a' }, true, 0, 1), op(1, { op: 'read' }, ['a', 'a'], 2, 3)];
    expect(checkLinearizability(h, model).result).toBe('illegal');
  });
});
