import type { Entry } from '../core/types.js';
import { RaftError } from '../errors.js';

interface Waiter<T> {
  readonly term: number;
  readonly resolve: (value: T) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Callers waiting for the entries they proposed, by log index. Settled when the index is applied:
 * resolved if the entry there is still theirs (same term), rejected with `RAFT_PROPOSAL_DROPPED`
 * if another leader's entry replaced it.
 */
export class PendingByIndex<T> {
  readonly #waiters = new Map<number, Waiter<T>>();

  add(index: number, term: number, resolve: (value: T) => void, reject: (e: Error) => void): void {
    this.#waiters.set(index, { term, resolve, reject });
  }

  /** `e` was applied; `result` is what its proposer gets (computed only when someone waits). */
  settle(e: Entry, result: () => T): void {
    if (this.#waiters.size === 0) return;
    const w = this.#waiters.get(e.index);
    if (w === undefined) return;
    this.#waiters.delete(e.index);
    if (w.term === e.term) w.resolve(result());
    else w.reject(new RaftError('RAFT_PROPOSAL_DROPPED', `entry ${e.index} was replaced by term ${e.term}`));
  }

  rejectAll(err: Error): void {
    for (const w of this.#waiters.values()) w.reject(err);
    this.#waiters.clear();
  }
}
