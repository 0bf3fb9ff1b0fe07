import type { ReadState } from '../core/read-only.js';
import { NONE, type NodeId } from '../core/types.js';
import { RaftError } from '../errors.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  /** Ticks since the call; rejected with RAFT_READ_LOST past the deadline. */
  age: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The driver's side of linearizable reads. Concurrent `readIndex()` calls are batched: at most one
 * confirmation round is outstanding per node, and every call made while it runs joins the next
 * round, so N concurrent reads cost one heartbeat round (or one forwarded request), not N. A
 * confirmed batch waits until the node has applied the read index.
 */
export class ReadBatcher {
  readonly #id: NodeId;
  readonly #deadlineTicks: number;
  /** Distinguishes this incarnation's contexts from a previous one's still queued at the leader. */
  readonly #nonce: number;
  #seq = 0;
  #next: Waiter[] = [];
  #round: { key: string; waiters: Waiter[]; leader: NodeId } | undefined;
  #confirmed: { index: number; waiters: Waiter[] }[] = [];

  constructor(id: NodeId, deadlineTicks: number, nonce: number) {
    this.#id = id;
    this.#deadlineTicks = deadlineTicks;
    this.#nonce = nonce;
  }

  /** A new read, served with the next round. */
  enqueue(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#next.push({ resolve, reject, age: 0 }));
  }

  /** True when a round should start now. */
  get wantsRound(): boolean {
    return this.#round === undefined && this.#next.length > 0;
  }

  /**
   * Starts a round for every waiting read: `send(context)` hands it to the core (which throws
   * `RAFT_NOT_LEADER` when no leader is known: the batch is rejected with that error).
   */
  startRound(leader: NodeId, send: (context: Uint8Array) => void): void {
    if (!this.wantsRound) return;
    const waiters = this.#next;
    this.#next = [];
    const key = `${this.#id}.${this.#nonce}.${this.#seq++}`;
    try {
      send(encoder.encode(key));
    } catch (err) {
      for (const w of waiters) w.reject(err as Error);
      return;
    }
    this.#round = { key, waiters, leader };
  }

  /** Read states from a Ready: the round they confirm waits for `index` to be applied. */
  onReadStates(states: readonly ReadState[]): void {
    const round = this.#round;
    if (round === undefined) return;
    for (const rs of states) {
      // Answers to earlier, abandoned rounds are ignored.
      if (decoder.decode(rs.context) !== round.key) continue;
      this.#confirmed.push({ index: rs.index, waiters: round.waiters });
      this.#round = undefined;
      return;
    }
  }

  /** Serves every confirmed read whose index is applied. */
  onApplied(applied: number): void {
    if (this.#confirmed.length === 0) return;
    const still: { index: number; waiters: Waiter[] }[] = [];
    for (const c of this.#confirmed) {
      if (c.index <= applied) for (const w of c.waiters) w.resolve();
      else still.push(c);
    }
    this.#confirmed = still;
  }

  /** The leader changed: a round it was asked to confirm will never be answered. */
  onLeaderChange(leader: NodeId): void {
    const round = this.#round;
    if (round === undefined || round.leader === leader) return;
    this.#round = undefined;
    const err = new RaftError(
      'RAFT_READ_LOST',
      `read not confirmed: leader changed from ${round.leader} to ${leader === NONE ? 'none' : leader}`,
      { leader },
    );
    for (const w of round.waiters) w.reject(err);
  }

  /** One tick: reads past their deadline (lost messages, a partition) are rejected. */
  onTick(leader: NodeId): void {
    for (const w of this.#next) w.age++;
    for (const w of this.#round?.waiters ?? []) w.age++;
    for (const c of this.#confirmed) for (const w of c.waiters) w.age++;
    const expired = (ws: Waiter[]) => ws.some((w) => w.age > this.#deadlineTicks);
    const lost = (ws: Waiter[]) => {
      const err = new RaftError('RAFT_READ_LOST', `read not served within ${this.#deadlineTicks} ticks`, {
        leader,
      });
      for (const w of ws) w.reject(err);
    };
    if (this.#round !== undefined && expired(this.#round.waiters)) {
      lost(this.#round.waiters);
      this.#round = undefined;
    }
    const late = this.#confirmed.filter((c) => expired(c.waiters));
    if (late.length === 0) return;
    for (const c of late) lost(c.waiters);
    this.#confirmed = this.#confirmed.filter((c) => !late.includes(c));
  }

  /** Rejects everything (the node stopped). */
  rejectAll(err: Error): void {
    for (const w of this.#next) w.reject(err);
    for (const w of this.#round?.waiters ?? []) w.reject(err);
    for (const c of this.#confirmed) for (const w of c.waiters) w.reject(err);
    this.#next = [];
    this.#round = undefined;
    this.#confirmed = [];
  }
}
