import { Inflights } from './inflights.js';

/** How the leader replicates to one follower (etcd's progress states). */
export const ProgressState = {
  /** Unknown match: send one App at a time and wait for the answer (after election or a reject). */
  Probe: 0,
  /** Known match: stream Apps optimistically, bounded by the inflight window. */
  Replicate: 1,
  /** The follower needs a snapshot (issue 4); nothing is sent until it is installed. */
  Snapshot: 2,
} as const;
/** A value of {@link ProgressState}. */
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState];

/**
 * The leader's view of one follower.
 * Invariants: `0 <= match < next`; in Replicate, every index in `inflights` is >= `next - 1`'s
 * predecessor sends, and `next - 1` is the last index sent.
 */
export class Progress {
  /** Highest index known to be replicated on the follower. */
  match = 0;
  /** Index of the next entry to send. */
  next: number;
  state: ProgressState = ProgressState.Probe;
  /**
   * In Probe: an App was sent and not yet answered, so sending is paused until an answer or a
   * heartbeat response arrives.
   */
  probeSent = false;
  /** In Snapshot: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  isLearner: boolean;
  readonly inflights: Inflights;

  constructor(next: number, maxInflight: number, isLearner: boolean) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
    this.isLearner = isLearner;
  }

  becomeProbe(): void {
    // After a snapshot, resume after it (its answer may not have arrived yet).
    this.next =
      this.state === ProgressState.Snapshot
        ? Math.max(this.match + 1, this.pendingSnapshot + 1)
        : this.match + 1;
    this.state = ProgressState.Probe;
    this.pendingSnapshot = 0;
    this.probeSent = false;
    this.inflights.reset();
  }

  becomeReplicate(): void {
    this.state = ProgressState.Replicate;
    this.next = this.match + 1;
    this.pendingSnapshot = 0;
    this.probeSent = false;
    this.inflights.reset();
  }

  /** The follower needs entries we compacted: nothing is sent until the snapshot at `index` is in. */
  becomeSnapshot(index: number): void {
    this.state = ProgressState.Snapshot;
    this.pendingSnapshot = index;
    this.probeSent = false;
    this.inflights.reset();
  }

  /** True when the leader must not send App messages to this follower now. */
  isPaused(): boolean {
    switch (this.state) {
      case ProgressState.Probe:
        return this.probeSent;
      case ProgressState.Replicate:
        return this.inflights.full();
      default:
        return true;
    }
  }

  /**
   * Records that an App ending at `lastIndex` with `count` entries was sent.
   * In Replicate the window advances optimistically; in Probe sending pauses until answered.
   */
  sentEntries(count: number, lastIndex: number): void {
    if (this.state === ProgressState.Replicate) {
      if (count > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex);
      }
    } else if (this.state === ProgressState.Probe) {
      this.probeSent = true;
    }
  }

  /**
   * Handles an accepting AppResp for `index`. Returns false if it was stale (nothing new).
   */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    if (this.next < index + 1) this.next = index + 1;
    return updated;
  }

  /**
   * Handles a rejecting AppResp for the App whose previous index was `rejected`, with the
   * follower's hint `matchHint` (the highest index that may match). Returns false if stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === ProgressState.Replicate) {
      // Only a reject of something above match can be fresh; next rewinds to just after match.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // In Probe only the answer to the single outstanding App (previous index next-1) counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }
}
