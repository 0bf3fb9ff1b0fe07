import { RaftError } from '../../errors.js';
import type { History, HistoryEvent, Operation } from './types.js';

function invalid(message: string): RaftError {
  return new RaftError('RAFT_INVALID_ARGUMENT', `linearizability history: ${message}`);
}

/**
 * Converts the event-list form of a history to operations. Event `i` in the list happens at time
 * `i`; a call without a return gets `return: Infinity`. Operations come out in the order of their
 * calls. Throws `RAFT_INVALID_ARGUMENT` for a duplicate call id, a return without an earlier call,
 * a second return, or a return whose `clientId` differs from its call's.
 */
export function eventsToOperations<I, O>(events: readonly HistoryEvent<I, O>[]): Operation<I, O>[] {
  if (!Array.isArray(events)) throw invalid('events must be an array');
  const byId = new Map<number, number>();
  const ops: { clientId: number; input: I; output: O | undefined; call: number; return: number }[] = [];
  for (let t = 0; t < events.length; t++) {
    const e = events[t];
    if (typeof e !== 'object' || e === null) throw invalid(`event ${t} is not an object`);
    if (typeof e.id !== 'number' || !Number.isFinite(e.id)) throw invalid(`event ${t} has no numeric id`);
    if (e.kind === 'call') {
      if (byId.has(e.id)) throw invalid(`event ${t}: call id ${e.id} is used twice`);
      if (typeof e.clientId !== 'number') throw invalid(`event ${t}: call has no numeric clientId`);
      byId.set(e.id, ops.length);
      ops.push({
        clientId: e.clientId,
        input: e.value,
        output: undefined,
        call: t,
        return: Number.POSITIVE_INFINITY,
      });
    } else if (e.kind === 'return') {
      const at = byId.get(e.id);
      const op = at === undefined ? undefined : ops[at];
      if (op === undefined) throw invalid(`event ${t}: return for id ${e.id} has no earlier call`);
      if (op.return !== Number.POSITIVE_INFINITY) throw invalid(`event ${t}: id ${e.id} returns twice`);
      if (e.clientId !== undefined && e.clientId !== op.clientId) {
        throw invalid(
          `event ${t}: return for id ${e.id} names client ${e.clientId}, the call ${op.clientId}`,
        );
      }
      op.return = t;
      op.output = e.value;
    } else {
      throw invalid(
        `event ${t} has kind ${JSON.stringify((e as { kind?: unknown }).kind)}, not call or return`,
      );
    }
  }
  return ops;
}

/**
 * Checks the operation form: finite `call`, `return >= call` (or `Infinity`), numeric clientId.
 * Throws `RAFT_INVALID_ARGUMENT` naming the first bad operation.
 */
export function validateOperations<I, O>(ops: readonly Operation<I, O>[]): void {
  if (!Array.isArray(ops)) throw invalid('history must be an array');
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (typeof op !== 'object' || op === null) throw invalid(`operation ${i} is not an object`);
    if (typeof op.clientId !== 'number') throw invalid(`operation ${i} has no numeric clientId`);
    if (typeof op.call !== 'number' || !Number.isFinite(op.call)) {
      throw invalid(`operation ${i} has call ${String(op.call)}; it must be a finite number`);
    }
    const r = op.return;
    if (typeof r !== 'number' || Number.isNaN(r) || r === Number.NEGATIVE_INFINITY) {
      throw invalid(`operation ${i} has return ${String(r)}; use a number or Infinity`);
    }
    if (r < op.call) throw invalid(`operation ${i} returns at ${r}, before its call at ${op.call}`);
  }
}

function isEventList<I, O>(history: History<I, O>): history is readonly HistoryEvent<I, O>[] {
  const first = history[0] as { kind?: unknown } | undefined;
  return typeof first === 'object' && first !== null && 'kind' in first && !('call' in first);
}

/** Normalizes either form of a history to validated operations. */
export function toOperations<I, O>(history: History<I, O>): readonly Operation<I, O>[] {
  if (!Array.isArray(history)) throw invalid('history must be an array');
  if (isEventList(history)) return eventsToOperations(history);
  const ops = history as readonly Operation<I, O>[];
  validateOperations(ops);
  return ops;
}
