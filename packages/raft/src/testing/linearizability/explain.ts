import type { IllegalPartition, Model, Operation, ReportedOperation } from './types.js';

function json(value: unknown): string {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s;
  } catch {
    return String(value);
  }
}

/** Describes an operation with the model's `describeOperation`, or as JSON. */
export function describeOperation<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  if (model.describeOperation !== undefined) return model.describeOperation(op.input, op.output);
  return op.output === undefined ? json(op.input) : `${json(op.input)} -> ${json(op.output)}`;
}

function span(op: Operation<unknown, unknown>): string {
  const end = op.return === Number.POSITIVE_INFINITY ? 'never returned' : String(op.return);
  return `[${op.call}, ${end}]`;
}

function line(r: ReportedOperation<unknown, unknown>): string {
  return `#${r.index} client ${r.operation.clientId} ${span(r.operation)} ${r.description}`;
}

/**
 * Builds the report for an illegal partition from the longest prefix the search linearized:
 * the operation left out that returns first (it is overdue) and the operations that could have
 * come next.
 */
export function explainIllegal<S, I, O>(
  model: Model<S, I, O>,
  partitionIndex: number,
  ops: readonly Operation<I, O>[],
  indexOf: (op: Operation<I, O>) => number,
  order: readonly number[],
  stateAfter: S,
): IllegalPartition<I, O> {
  const report = (local: number): ReportedOperation<I, O> => {
    const operation = ops[local] as Operation<I, O>;
    return { index: indexOf(operation), operation, description: describeOperation(model, operation) };
  };
  const taken = new Uint8Array(ops.length);
  for (const i of order) taken[i] = 1;
  let blockedLocal = -1;
  for (let i = 0; i < ops.length; i++) {
    if (taken[i] === 1) continue;
    const r = (ops[i] as Operation<I, O>).return;
    if (r === Number.POSITIVE_INFINITY) continue;
    if (blockedLocal < 0 || r < (ops[blockedLocal] as Operation<I, O>).return) blockedLocal = i;
  }
  const deadline =
    blockedLocal < 0 ? Number.POSITIVE_INFINITY : (ops[blockedLocal] as Operation<I, O>).return;
  const candidateLocals: number[] = [];
  for (let i = 0; i < ops.length; i++) {
    if (taken[i] === 0 && (ops[i] as Operation<I, O>).call <= deadline) candidateLocals.push(i);
  }
  candidateLocals.sort(
    (a, b) => (ops[a] as Operation<I, O>).call - (ops[b] as Operation<I, O>).call || a - b,
  );

  const operations = ops.map((_, i) => report(i));
  const longestPrefix = order.map(report);
  const blocked = blockedLocal < 0 ? undefined : report(blockedLocal);
  const candidates = candidateLocals.map(report);
  const stateAfterPrefix =
    model.describeState !== undefined ? model.describeState(stateAfter) : json(stateAfter);

  const text: string[] = [
    `partition ${partitionIndex} (${ops.length} operations) is not linearizable.`,
    `longest linearizable prefix (${longestPrefix.length} operations):`,
    ...longestPrefix.map((r) => `  ${line(r)}`),
    `state after it: ${stateAfterPrefix}`,
  ];
  if (blocked !== undefined) text.push(`must take effect before it returns, and cannot: ${line(blocked)}`);
  text.push('no continuation from any of these:', ...candidates.map((r) => `  ${line(r)}`));
  return {
    partitionIndex,
    operations,
    longestPrefix,
    stateAfterPrefix,
    blocked,
    candidates,
    explanation: text.join('\n'),
  };
}
