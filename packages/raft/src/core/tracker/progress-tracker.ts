import { committedIndex, type VoteResult, voteResult } from '../quorum/majority.js';
import type { ConfState, NodeId } from '../types.js';
import { Progress } from './progress.js';

/**
 * The configuration plus the leader's per-member {@link Progress} and the current vote tally.
 * Joint configurations (issue 4) extend `voters` with an outgoing half; the quorum arithmetic
 * lives in `quorum/`.
 */
export class ProgressTracker {
  /** Replaced (never mutated) on a configuration change, so it can be handed out. */
  voters: readonly NodeId[];
  learners: readonly NodeId[];
  readonly progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();
  readonly #maxInflight: number;

  constructor(conf: ConfState, maxInflight: number) {
    this.voters = [...conf.voters];
    this.learners = [...conf.learners];
    this.#maxInflight = maxInflight;
  }

  /** The configuration as a ConfState. */
  confState(): ConfState {
    return {
      voters: [...this.voters],
      learners: [...this.learners],
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false,
    };
  }

  /**
   * Switches to configuration `conf`: members that left lose their progress, new ones start in
   * Probe at `lastIndex + 1` (only a leader uses progress), promoted learners become voters.
   */
  applyConf(conf: ConfState, lastIndex: number): void {
    this.voters = [...conf.voters];
    this.learners = [...conf.learners];
    for (const id of [...this.progress.keys()]) if (!this.isMember(id)) this.progress.delete(id);
    for (const id of this.voters) {
      const pr = this.progress.get(id);
      if (pr === undefined) this.progress.set(id, new Progress(lastIndex + 1, this.#maxInflight, false));
      else pr.isLearner = false;
    }
    for (const id of this.learners) {
      const pr = this.progress.get(id);
      if (pr === undefined) this.progress.set(id, new Progress(lastIndex + 1, this.#maxInflight, true));
      else pr.isLearner = true;
    }
    // Votes of members that left no longer count.
    for (const id of [...this.votes.keys()]) if (!this.voters.includes(id)) this.votes.delete(id);
  }

  /** True when `id` is a voter or learner. */
  isMember(id: NodeId): boolean {
    return this.voters.includes(id) || this.learners.includes(id);
  }

  /** Re-creates every member's progress for a new term (match 0 except `self`, next = lastIndex + 1). */
  resetProgress(lastIndex: number, self: NodeId): void {
    this.progress.clear();
    for (const id of this.voters) this.#add(id, lastIndex, self, false);
    for (const id of this.learners) this.#add(id, lastIndex, self, true);
  }

  #add(id: NodeId, lastIndex: number, self: NodeId, learner: boolean): void {
    const pr = new Progress(lastIndex + 1, this.#maxInflight, learner);
    if (id === self) pr.match = lastIndex;
    this.progress.set(id, pr);
  }

  /** The highest index acknowledged by a quorum of voters. */
  committed(): number {
    return committedIndex(this.voters, (id) => this.progress.get(id)?.match ?? 0);
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records `id`'s vote once (later answers from the same voter are ignored) and tallies. */
  recordVote(id: NodeId, granted: boolean): VoteResult {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    return voteResult(this.voters, this.votes);
  }

  /**
   * True when a quorum of voters was active since the last call (`self` always counts), then
   * clears every other member's `recentActive` for the next round (CheckQuorum, thesis §6.2).
   */
  quorumActive(self: NodeId): boolean {
    const active = new Map<NodeId, boolean>();
    for (const [id, pr] of this.progress) {
      if (id === self) {
        active.set(id, true);
        continue;
      }
      active.set(id, pr.recentActive);
      pr.recentActive = false;
    }
    return voteResult(this.voters, active) === 'won';
  }
}
