/**
 * One client operation of a recorded history.
 *
 * `call` and `return` are the times at which the client invoked the operation and saw its answer,
 * in any unit, as long as one clock orders the whole history (wall-clock milliseconds,
 * simulation ticks, a global event counter). An operation whose answer never came (the client
 * crashed, timed out, or lost the connection) has `return: Infinity`: it may or may not have
 * taken effect, at any moment after its call, as in porcupine and Jepsen.
 *
 * Two operations are concurrent unless one's `return` is strictly below the other's `call`: an
 * operation that returns at the very instant another is called may still be ordered after it.
 */
export interface Operation<I, O> {
  /** The client (process, thread, session) that ran the operation; used only in reports. */
  readonly clientId: number;
  /** What the client asked for. */
  readonly input: I;
  /**
   * What the client was told. `undefined` means "not observed": always the case when
   * `return` is `Infinity`, and allowed for completed operations whose answer carries nothing
   * (a write acknowledged without a value). Models must then accept any outcome.
   */
  readonly output?: O | undefined;
  /** Invocation time; a finite number. */
  readonly call: number;
  /** Completion time, `>= call`; `Infinity` when the operation never returned. */
  readonly return: number;
}

/** The invocation half of an operation in the event-list form of a history. */
export interface CallEvent<I> {
  readonly kind: 'call';
  /** Pairs the call with its return; unique within the history. */
  readonly id: number;
  readonly clientId: number;
  readonly value: I;
}

/** The completion half of an operation in the event-list form of a history. */
export interface ReturnEvent<O> {
  readonly kind: 'return';
  /** The `id` of the matching {@link CallEvent}, which must come earlier in the list. */
  readonly id: number;
  /** Optional; when present it must match the call's. */
  readonly clientId?: number;
  /** The answer; `undefined` when not observed. */
  readonly value?: O | undefined;
}

/**
 * A history as a list of call and return events in the order they happened (porcupine's
 * `[]Event`): the position in the list is the time. A call without a return never returned.
 */
export type HistoryEvent<I, O> = CallEvent<I> | ReturnEvent<O>;

/** Either form of a history: operations with times, or events in time order. */
export type History<I, O> = readonly Operation<I, O>[] | readonly HistoryEvent<I, O>[];

/**
 * A sequential specification: what a correct single-copy object does, one operation at a time.
 *
 * States must be immutable values: `step` returns a new state and never changes the one given,
 * because the checker keeps old states to backtrack to and to memoize.
 */
export interface Model<State, I, O> {
  /** The state before any operation. */
  init(): State;
  /**
   * Applies `input` to `state`. Returns `[true, next]` when a correct object in `state` could
   * have answered `output`, and `[false, state]` otherwise. `output` is `undefined` when the
   * answer was not observed (always for operations that never returned): accept it and apply
   * the operation's effect.
   */
  step(state: State, input: I, output: O | undefined): readonly [ok: boolean, next: State];
  /** State equality, for memoization: two equal states must behave the same for every input. */
  equal(a: State, b: State): boolean;
  /**
   * A 32-bit hash consistent with {@link Model.equal} (equal states, equal hashes). Optional but
   * makes memoization much cheaper for models with many distinct states.
   */
  hash?(state: State): number;
  /**
   * Splits a history into independent sub-histories (one per key, for example) that are checked
   * separately: a history is linearizable iff every part is (linearizability is local). Each
   * operation must appear in exactly one part. Without it the whole history is one part.
   */
  partition?(history: readonly Operation<I, O>[]): readonly (readonly Operation<I, O>[])[];
  /** Renders an operation for reports, e.g. `put(k, "v")`, `get(k) -> "v"`. */
  describeOperation?(input: I, output: O | undefined): string;
  /** Renders a state for reports. */
  describeState?(state: State): string;
}

/** Options of {@link checkLinearizability}. */
export interface CheckOptions {
  /**
   * Gives up after this many milliseconds (over all partitions) and answers `'unknown'`. The
   * search is exponential in the worst case; without a limit it runs until it decides.
   */
  readonly timeoutMs?: number;
  /**
   * The clock used for `timeoutMs` and `elapsedMs`, in milliseconds. Defaults to
   * `performance.now()`; a simulation can pass its own deterministic clock.
   */
  readonly now?: () => number;
}

/** An operation placed in a report, with its position in the history given to the checker. */
export interface ReportedOperation<I, O> {
  /** Index in the operation list (for the event form: in the order calls appear). */
  readonly index: number;
  readonly operation: Operation<I, O>;
  /** `describeOperation` of the model, or a JSON rendering. */
  readonly description: string;
}

/** Why a history is not linearizable, for the first partition found to be illegal. */
export interface IllegalPartition<I, O> {
  /** Index of the partition among those `model.partition` returned (0 without partitioning). */
  readonly partitionIndex: number;
  /** Every operation of that partition. */
  readonly operations: readonly ReportedOperation<I, O>[];
  /**
   * The longest sequence of the partition's operations the search could linearize, in
   * linearization order. Every valid linearization of the partition would have to extend a
   * sequence like it, and none does.
   */
  readonly longestPrefix: readonly ReportedOperation<I, O>[];
  /** The model state after {@link IllegalPartition.longestPrefix}, described. */
  readonly stateAfterPrefix: string;
  /**
   * The completed operation that returns first among those left out of the prefix: it must
   * take effect before its return, and cannot.
   */
  readonly blocked: ReportedOperation<I, O> | undefined;
  /**
   * The operations that could have come next after the prefix (called before `blocked`
   * returned): none of them leads to a full linearization from there.
   */
  readonly candidates: readonly ReportedOperation<I, O>[];
  /** A multi-line human-readable account of the above. */
  readonly explanation: string;
}

/** The part of every result that does not depend on the verdict. */
export interface CheckSummary {
  /** Number of partitions the history was split into. */
  readonly partitions: number;
  /** Number of operations checked. */
  readonly operations: number;
  /** Milliseconds spent, measured with the `now` option's clock. */
  readonly elapsedMs: number;
}

/** The history is linearizable: a valid linearization exists for every partition. */
export interface CheckOk extends CheckSummary {
  readonly result: 'ok';
}

/** The history is not linearizable; `illegal` explains the first failing partition found. */
export interface CheckIllegal<I, O> extends CheckSummary {
  readonly result: 'illegal';
  readonly illegal: IllegalPartition<I, O>;
}

/**
 * The checker ran out of time before deciding. `decidedPartitions` were proven linearizable;
 * `undecidedPartition` is the index of the one it was working on.
 */
export interface CheckUnknown extends CheckSummary {
  readonly result: 'unknown';
  readonly reason: 'timeout';
  readonly decidedPartitions: number;
  readonly undecidedPartition: number;
}

/** The verdict of {@link checkLinearizability}. */
export type CheckResult<I, O> = CheckOk | CheckIllegal<I, O> | CheckUnknown;
