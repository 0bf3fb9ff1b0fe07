import type { Proposed } from '../core/raw-node.js';
import type { PendingByIndex } from './pending.js';

interface Queued<R> {
  readonly data: Uint8Array;
  readonly resolve: (r: R) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Proposals made since the driver loop last ran: handed to the core as one batch (one append, one
 * broadcast), then tracked by log index until applied.
 */
export class ProposalQueue<R> {
  #queue: Queued<R>[] = [];

  push(data: Uint8Array): Promise<R> {
    return new Promise<R>((resolve, reject) => this.#queue.push({ data, resolve, reject }));
  }

  /** Proposes everything queued with `propose`; a refusal rejects the whole batch with its error. */
  flush(propose: (datas: Uint8Array[]) => Proposed, pending: PendingByIndex<R>): void {
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    let at: Proposed;
    try {
      at = propose(batch.map((b) => b.data));
    } catch (err) {
      for (const b of batch) b.reject(err as Error);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const b = batch[i]!;
      pending.add(at.index + i, at.term, b.resolve, b.reject);
    }
  }

  rejectAll(err: Error): void {
    for (const q of this.#queue) q.reject(err);
    this.#queue = [];
  }
}
