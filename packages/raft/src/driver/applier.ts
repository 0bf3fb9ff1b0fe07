import { decodeConfChangeEntry } from '../core/conf-change.js';
import { type ConfState, type Entry, EntryType } from '../core/types.js';
import { RaftError } from '../errors.js';
import type { StateMachine } from './interfaces.js';
import { PendingByIndex } from './pending.js';

/**
 * Applies committed entries to the state machine, one at a time and in order, and settles the
 * proposals and membership changes waiting for them. Entries at or below `applied` are skipped: a
 * restored snapshot already covers them.
 */
export class Applier<R> {
  readonly proposals = new PendingByIndex<R>();
  readonly confChanges = new PendingByIndex<ConfState>();
  /** Index of the last entry applied (or skipped as empty, or covered by a restored snapshot). */
  applied: number;
  readonly #sm: StateMachine<R>;
  #applying: Promise<void> | undefined;

  constructor(sm: StateMachine<R>, applied: number) {
    this.#sm = sm;
    this.applied = applied;
  }

  /** Applies `entries`; a throw or rejection of the state machine rejects with `RAFT_APPLY_FAILED`. */
  async apply(entries: readonly Entry[]): Promise<void> {
    if (entries.length === 0) return;
    let done: () => void = () => {};
    this.#applying = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      for (const e of entries) {
        if (e.index <= this.applied) continue;
        let result: R | undefined;
        if (e.type === EntryType.Normal && e.data.byteLength > 0) {
          try {
            const r = this.#sm.apply(e);
            result = isThenable(r) ? await r : r;
          } catch (cause) {
            throw new RaftError('RAFT_APPLY_FAILED', `applying entry ${e.index} failed`, { cause });
          }
        }
        this.applied = e.index;
        if (e.type === EntryType.ConfChange)
          this.confChanges.settle(e, () => decodeConfChangeEntry(e).confState);
        else this.proposals.settle(e, () => result as R);
      }
    } finally {
      this.#applying = undefined;
      done();
    }
  }

  /** Resolves when no apply is in flight. */
  async idle(): Promise<void> {
    while (this.#applying !== undefined) await this.#applying;
  }

  rejectAll(err: Error): void {
    this.proposals.rejectAll(err);
    this.confChanges.rejectAll(err);
  }
}

function isThenable<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === 'function';
}
