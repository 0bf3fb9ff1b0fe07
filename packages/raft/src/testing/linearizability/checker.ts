import { RaftError } from '../../errors.js';
import { explainIllegal } from './explain.js';
import { toOperations } from './history.js';
import { searchPartition } from './search.js';
import type { CheckOptions, CheckResult, History, Model, Operation } from './types.js';

function defaultNow(): number {
  return globalThis.performance.now();
}

/**
 * Decides whether a concurrent history is linearizable with respect to a sequential model:
 * whether every operation can be given one instant between its call and its return (any
 * instant after its call, or none, for operations that never returned) such that applying them
 * in that order to the model reproduces every observed output.
 *
 * The history is split with `model.partition` (linearizability is local: a history is
 * linearizable iff each per-object sub-history is) and each part is searched in turn; the first
 * illegal part ends the check. With `timeoutMs` the answer is `'unknown'` once the time is up.
 *
 * Throws `RAFT_INVALID_ARGUMENT` for a malformed history or options, or when `model.partition`
 * does not return every operation exactly once. Neither the history nor the model is changed.
 *
 * @example
 * ```ts
 * const r = checkLinearizability(history, kvModel(), { timeoutMs: 5_000 });
 * if (r.result === 'illegal') console.log(r.illegal.explanation);
 * ```
 */
export function checkLinearizability<S, I, O>(
  history: History<I, O>,
  model: Model<S, I, O>,
  options: CheckOptions = {},
): CheckResult<I, O> {
  const { timeoutMs } = options;
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0)
  ) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `timeoutMs must be a number >= 0, got ${String(timeoutMs)}`);
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new RaftError('RAFT_INVALID_ARGUMENT', 'now must be a function returning milliseconds');
  }
  const now = options.now ?? defaultNow;
  const ops = toOperations(history);
  const started = now();
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : started + timeoutMs;
  const expired = (): boolean => now() >= deadline;

  const indexOfOp = new Map<Operation<I, O>, number>();
  for (let i = 0; i < ops.length; i++) indexOfOp.set(ops[i] as Operation<I, O>, i);
  const parts = partitionOf(ops, model, indexOfOp);
  const indexOf = (op: Operation<I, O>): number => indexOfOp.get(op) ?? -1;

  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as readonly Operation<I, O>[];
    const outcome = searchPartition(part, model, expired);
    if (outcome.kind === 'illegal') {
      return {
        result: 'illegal',
        partitions: parts.length,
        operations: ops.length,
        elapsedMs: now() - started,
        illegal: explainIllegal(model, p, part, indexOf, outcome.order, outcome.state),
      };
    }
    if (outcome.kind === 'timeout') {
      return {
        result: 'unknown',
        reason: 'timeout',
        partitions: parts.length,
        operations: ops.length,
        elapsedMs: now() - started,
        decidedPartitions: p,
        undecidedPartition: p,
      };
    }
  }
  return { result: 'ok', partitions: parts.length, operations: ops.length, elapsedMs: now() - started };
}

function partitionOf<S, I, O>(
  ops: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  indexOfOp: ReadonlyMap<Operation<I, O>, number>,
): readonly (readonly Operation<I, O>[])[] {
  if (model.partition === undefined) return [ops];
  const parts = model.partition(ops);
  const seen = new Uint8Array(ops.length);
  let total = 0;
  for (const part of parts) {
    for (const op of part) {
      const i = indexOfOp.get(op);
      if (i === undefined || seen[i] === 1) {
        throw new RaftError(
          'RAFT_INVALID_ARGUMENT',
          'model.partition must return each operation of the history exactly once (the same objects)',
        );
      }
      seen[i] = 1;
      total++;
    }
  }
  if (total !== ops.length) {
    throw new RaftError(
      'RAFT_INVALID_ARGUMENT',
      `model.partition returned ${total} of ${ops.length} operations`,
    );
  }
  return parts;
}
