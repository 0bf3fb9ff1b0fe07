import type { ConfChange, NodeId, RaftNode } from '@reg/raft';
import type { Logger } from 'pino';

export interface VoterReconcilerOptions {
  // biome-ignore lint/suspicious/noExplicitAny: only membership calls are made, whatever R is.
  readonly node: RaftNode<any>;
  /** Raft ids of the members listed now (cluster.conf); the configuration follows them. */
  readonly listed: () => readonly NodeId[];
  readonly addressOf: (id: NodeId) => string | undefined;
  /** Time between checks. */
  readonly intervalMs: number;
  readonly logger: Logger;
}

/** A learner is promoted once it is at most this many entries behind the leader's commit index. */
export const PROMOTE_WITHIN_ENTRIES = 64;

/** How long one check waits for its change before the next check may look again. */
const CHANGE_ANSWER_MS = 5_000;

/**
 * Keeps the Raft configuration equal to the member list, from the leader, one single-server change
 * at a time: a listed member outside the group joins as a learner and is promoted to voter once it
 * caught up (so it never counts towards a quorum while it cannot vote usefully); a member no longer
 * listed is removed. Followers do nothing; whoever leads next carries on from the log's
 * configuration. The leader never removes itself here: its own member list always holds it.
 */
export class VoterReconciler {
  readonly #opts: VoterReconcilerOptions;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #stopped = false;

  constructor(options: VoterReconcilerOptions) {
    this.#opts = options;
  }

  start(): void {
    this.#timer = setInterval(() => void this.check(), this.#opts.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The change the configuration needs next, or undefined when it matches the list. */
  nextChange(): ConfChange | undefined {
    const { node, listed } = this.#opts;
    const status = node.status();
    const wanted = new Set(listed());
    wanted.add(node.id);
    const inGroup = new Set([...status.voters, ...status.learners]);
    for (const id of wanted) {
      if (!inGroup.has(id)) return { type: 'add-learner', node: id };
    }
    for (const id of status.learners) {
      const match = status.progress.get(id)?.match ?? 0;
      if (wanted.has(id) && match + PROMOTE_WITHIN_ENTRIES >= status.commit)
        return { type: 'add-voter', node: id };
    }
    for (const id of [...status.learners, ...status.voters]) {
      if (!wanted.has(id) && id !== node.id) return { type: 'remove', node: id };
    }
    return undefined;
  }

  /** One step towards the member list, on the leader; errors are logged and retried next time. */
  async check(): Promise<void> {
    const { node, addressOf, logger } = this.#opts;
    if (this.#busy || this.#stopped || node.role !== 'leader' || node.failure !== undefined) return;
    const change = this.nextChange();
    if (change === undefined) return;
    this.#busy = true;
    const member = addressOf(change.node) ?? String(change.node);
    let timer: NodeJS.Timeout | undefined;
    try {
      // A change whose answer is slow (an idle cluster after a leader change) must not block the
      // next checks for ever; they find it in the log and wait for it.
      const conf = await Promise.race([
        node.changeMembership(change),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer yet')), CHANGE_ANSWER_MS);
        }),
      ]);
      logger.info(
        {
          change: change.type,
          member,
          voters: conf.voters.map((id) => addressOf(id) ?? id),
          learners: conf.learners.map((id) => addressOf(id) ?? id),
        },
        'raft membership changed',
      );
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const level = code === 'RAFT_CONF_CHANGE_IN_PROGRESS' || code === 'RAFT_NOT_LEADER' ? 'debug' : 'warn';
      logger[level]({ err, change: change.type, member }, 'raft membership change not made; will retry');
    } finally {
      clearTimeout(timer);
      this.#busy = false;
    }
  }
}
