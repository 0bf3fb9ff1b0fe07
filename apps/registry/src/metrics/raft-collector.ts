import { Counter, Gauge, type Registry } from 'prom-client';
import type { Consensus, ConsensusStatus } from '../consensus/consensus.js';

const ROLES: readonly ConsensusStatus['role'][] = ['follower', 'pre-candidate', 'candidate', 'leader'];
/** How often the leader is sampled to count changes (Consensus has no change event). */
const SAMPLE_MS = 100;

/**
 * Raft metrics from `Consensus.status()`: role (one series per role, 1 for the current one),
 * term, commit and applied index, apply lag, and leader changes. Leader changes are counted by
 * sampling every 100 ms and at each scrape, so two changes inside one sample count as one.
 */
export class RaftCollector {
  readonly #consensus: Consensus;
  readonly #leaderChanges: Counter;
  readonly #timer: NodeJS.Timeout;
  #lastLeader: string | undefined;

  constructor(registry: Registry, consensus: Consensus) {
    this.#consensus = consensus;
    const status = () => {
      this.sample();
      return consensus.status();
    };
    new Gauge({
      name: 'reg_raft_role',
      help: 'Raft role of this member: 1 for the current role, 0 for the others',
      labelNames: ['role'],
      registers: [registry],
      collect() {
        const { role } = status();
        for (const r of ROLES) this.set({ role: r }, r === role ? 1 : 0);
      },
    });
    const gauge = (name: string, help: string, read: (s: ConsensusStatus) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read(status()));
        },
      });
    gauge('reg_raft_term', 'Current Raft term', (s) => s.term);
    gauge('reg_raft_commit_index', 'Highest log index known committed', (s) => s.commitIndex);
    gauge('reg_raft_applied_index', 'Highest log index applied by this member', (s) => s.appliedIndex);
    gauge('reg_raft_apply_lag', 'Committed entries not applied yet here', (s) =>
      Math.max(0, s.commitIndex - s.appliedIndex),
    );
    gauge('reg_raft_has_leader', '1 while a leader is known (CP writes can be served)', (s) =>
      s.leader === undefined ? 0 : 1,
    );
    this.#leaderChanges = new Counter({
      name: 'reg_raft_leader_changes_total',
      help: 'Times this member saw a different leader (sampled every 100 ms)',
      registers: [registry],
    });
    this.#timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.#timer.unref();
  }

  /** Counts a change when a leader is known and differs from the last one seen. */
  sample(): void {
    const { leader } = this.#consensus.status();
    if (leader === undefined || leader === this.#lastLeader) return;
    this.#lastLeader = leader;
    this.#leaderChanges.inc();
  }

  isLeader(): boolean {
    return this.#consensus.status().role === 'leader';
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
