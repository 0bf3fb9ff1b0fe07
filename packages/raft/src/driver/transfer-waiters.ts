import type { Role } from '../core/raft.js';
import type { Status } from '../core/raw-node.js';
import { NONE, type NodeId } from '../core/types.js';
import { RaftError } from '../errors.js';

interface TransferWaiter {
  readonly to: NodeId;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  age: number;
}

/**
 * Callers of `RaftNode.transferLeadership` waiting for the outcome: resolved when this node learns
 * that the target leads, rejected with `RAFT_TRANSFER_ABORTED` when the core gave up (the target
 * did not take over within an election timeout) or another node took over.
 */
export class TransferWaiters {
  readonly #deadlineTicks: number;
  #waiters: TransferWaiter[] = [];

  constructor(deadlineTicks: number) {
    this.#deadlineTicks = deadlineTicks;
  }

  wait(to: NodeId): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#waiters.push({ to, resolve, reject, age: 0 }));
  }

  /** The known leader or our role changed. */
  onLeaderChange(leader: NodeId, role: Role): void {
    this.#settle((w) => {
      if (leader === w.to) return 'done';
      if (role !== 'leader' && leader !== NONE) return `node ${leader} took over instead`;
      return undefined;
    }, leader);
  }

  /** One tick; `transferee` is the core's current transfer target while we lead (0 if none). */
  onTick(leader: NodeId, role: Role, transferee: NodeId): void {
    this.#settle((w) => {
      if (++w.age > this.#deadlineTicks) return 'no new leader in time';
      if (role === 'leader' && transferee !== w.to)
        return 'the target did not take over within an election timeout';
      return undefined;
    }, leader);
  }

  rejectAll(err: Error): void {
    for (const w of this.#waiters) w.reject(err);
    this.#waiters = [];
  }

  #settle(outcome: (w: TransferWaiter) => 'done' | string | undefined, leader: NodeId): void {
    if (this.#waiters.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => {
      const o = outcome(w);
      if (o === undefined) return true;
      if (o === 'done') w.resolve();
      else
        w.reject(
          new RaftError('RAFT_TRANSFER_ABORTED', `leadership transfer to ${w.to} aborted: ${o}`, { leader }),
        );
      return false;
    });
  }
}

/** The voter (other than `self`) with the most of the leader's log, ties to the lowest id; or NONE. */
export function bestTransferTarget(s: Status, self: NodeId): NodeId {
  let best: NodeId = NONE;
  let bestMatch = -1;
  for (const id of s.voters) {
    const match = s.progress.get(id)?.match ?? -1;
    if (id !== self && match > bestMatch) {
      best = id;
      bestMatch = match;
    }
  }
  return best;
}
