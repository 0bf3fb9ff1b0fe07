import { RaftError } from '../errors.js';
import type { ConfChange } from './conf-change.js';
import type { RaftConfig } from './config.js';
import { proposeConfChange } from './membership.js';
import { type Message, MessageType } from './messages.js';
import { Raft, type RaftInitialState, type Role } from './raft.js';
import { leaderReadIndex, leaseValid } from './read-index.js';
import type { ReadState } from './read-only.js';
import { broadcastNewEntries } from './replication.js';
import { compactLog, installSnapshot, reportSnapshot, snapshotMetadata } from './snapshot.js';
import { step, tick } from './step.js';
import { ProgressState } from './tracker/progress.js';
import { transferLeadership } from './transfer.js';
import { type Entry, EntryType, type HardState, NONE, type NodeId, type SnapshotMetadata } from './types.js';
import { validateMessage } from './validate-message.js';

/** Volatile state worth reporting: who leads, and what we are. */
export interface SoftState {
  readonly lead: NodeId;
  readonly role: Role;
}

/**
 * One batch of work for the application (etcd's Ready). Handle it in this order:
 * 1. persist `entries` and `hardState` in one atomic durable write (`LogStorage.append`);
 * 2. send `messages` (they may depend on step 1: a vote, an acknowledgement);
 * 3. apply `committedEntries` to the state machine, in order;
 * 4. call `advance()`.
 */
export interface Ready {
  /** Set when leader or role changed since the previous Ready. */
  readonly softState?: SoftState;
  /** Set when term, vote or commit changed: persist it. */
  readonly hardState?: HardState;
  /** Entries to persist, appending after (and truncating from) `entries[0].index`. */
  readonly entries: readonly Entry[];
  /** Entries to apply, in order. Always within what steps 1 and earlier made durable. */
  readonly committedEntries: readonly Entry[];
  /** Messages to send after step 1. */
  readonly messages: readonly Message[];
  /** True when the write of step 1 must be fsync'd (term, vote or entries changed). */
  readonly mustSync: boolean;
  /**
   * A snapshot installed with {@link RawNode.installSnapshot}: persist it first
   * (`LogStorage.installSnapshot`), before `entries` and `hardState`. The state machine was already
   * restored to it; `committedEntries` continue after it.
   */
  readonly snapshot?: SnapshotMetadata;
  /**
   * Confirmed reads (see {@link RawNode.readIndex}): serve each once this node has applied
   * `index`. Independent of the other fields (a read is confirmed, not persisted).
   */
  readonly readStates: readonly ReadState[];
}

/** A point-in-time view of a node, for status pages and tests. */
export interface Status {
  readonly id: NodeId;
  readonly role: Role;
  readonly lead: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  /** Voters of the current configuration. */
  readonly voters: readonly NodeId[];
  /** Learners (non-voting members) of the current configuration. */
  readonly learners: readonly NodeId[];
  /** Leader: the voter leadership is being transferred to, or 0. */
  readonly leadTransferee: NodeId;
  /** Leader with lease reads: whether it holds a lease now (reads need no round trip). */
  readonly leaseValid: boolean;
  /** The leader's view of each member (empty on followers). */
  readonly progress: ReadonlyMap<
    NodeId,
    { match: number; next: number; state: 'probe' | 'replicate' | 'snapshot' }
  >;
}

/** Where a proposal landed in the log. */
export interface Proposed {
  /** Index of the first proposed entry (the rest follow contiguously). */
  readonly index: number;
  readonly term: number;
}

const STATE_NAMES = {
  [ProgressState.Probe]: 'probe',
  [ProgressState.Replicate]: 'replicate',
  [ProgressState.Snapshot]: 'snapshot',
} as const;

/**
 * The thread-safe-free, synchronous face of the Raft core: feed it ticks, messages and proposals;
 * drain work with {@link ready} and {@link advance}. Pure and deterministic: no timers, no I/O.
 */
export class RawNode {
  readonly #raft: Raft;
  #prevSoft: SoftState;
  #prevHard: HardState;
  /** What the outstanding Ready handed out, or undefined when none is outstanding. */
  #pending:
    | {
        lastEntry?: Entry;
        lastApplied: number;
        hard?: HardState;
        soft?: SoftState;
        snapshot?: SnapshotMetadata;
      }
    | undefined;

  constructor(config: RaftConfig, initial: RaftInitialState) {
    this.#raft = new Raft(config, initial);
    this.#prevSoft = { lead: this.#raft.lead, role: this.#raft.role };
    this.#prevHard = this.#raft.hardState();
  }

  /** This node's id. */
  get id(): NodeId {
    return this.#raft.id;
  }

  /** Advances the logical clock by one tick (elections, heartbeats, CheckQuorum). */
  tick(): void {
    tick(this.#raft);
  }

  /**
   * Feeds a message received from a peer. Malformed messages throw `RAFT_INVALID_ARGUMENT` and
   * change nothing; messages addressed to another node, and TimeoutNow from anyone but a member or
   * our leader, are ignored (returns false).
   */
  step(m: Message): boolean {
    validateMessage(m);
    const r = this.#raft;
    if (m.to !== r.id || m.from === r.id || !(r.prs.isMember(m.from) || acceptFromNonMember(r.lead, m))) {
      r.logger.debug({ from: m.from, to: m.to }, 'ignored message');
      return false;
    }
    step(r, m);
    return true;
  }

  /**
   * Appends `data` (one payload or a batch) to the leader's log and starts replicating it.
   * Throws `RAFT_NOT_LEADER` (with the known leader) on other nodes, and
   * `RAFT_INVALID_ARGUMENT` when a payload is not a Uint8Array.
   */
  propose(data: Uint8Array | readonly Uint8Array[]): Proposed {
    const r = this.#raft;
    const datas = data instanceof Uint8Array ? [data] : data;
    if (!Array.isArray(datas) || datas.length === 0 || !datas.every((d) => d instanceof Uint8Array)) {
      throw new RaftError('RAFT_INVALID_ARGUMENT', 'a proposal is a Uint8Array or a non-empty array of them');
    }
    if (r.role !== 'leader') {
      throw new RaftError('RAFT_NOT_LEADER', `node ${r.id} is not the leader (leader: ${r.lead})`, {
        leader: r.lead,
      });
    }
    if (r.leadTransferee !== NONE) {
      throw new RaftError(
        'RAFT_LEADER_TRANSFERRING',
        `node ${r.id} is handing leadership to ${r.leadTransferee}; nothing was proposed`,
        { leader: r.id },
      );
    }
    const { firstIndex, term } = r.appendEntries(datas, EntryType.Normal);
    broadcastNewEntries(r);
    return { index: firstIndex, term };
  }

  /**
   * Asks for a linearizable read (ReadIndex, thesis §6.4) without writing the log. `context`
   * identifies the request (non-empty, unique among this node's outstanding reads). When the
   * leader has confirmed it is still leader (a heartbeat quorum, or a valid lease with
   * `readOnlyOption: 'lease-based'`), a {@link ReadState} with the same context appears in a
   * later Ready: once this node has applied `index`, reading its state machine is linearizable.
   *
   * On a follower the request is forwarded to the leader. Throws `RAFT_NOT_LEADER` (leader 0) when
   * no leader is known. A request can be lost silently (messages dropped, leader deposed): callers
   * time out and retry with a new context.
   */
  readIndex(context: Uint8Array): void {
    const r = this.#raft;
    if (!(context instanceof Uint8Array) || context.byteLength === 0) {
      throw new RaftError('RAFT_INVALID_ARGUMENT', 'a read context is a non-empty Uint8Array');
    }
    if (r.role === 'leader') {
      leaderReadIndex(r, { ...READ_REQUEST, from: r.id, to: r.id, term: r.term, context });
      return;
    }
    if (r.lead === NONE || r.role !== 'follower') {
      throw new RaftError('RAFT_NOT_LEADER', `node ${r.id} knows no leader to confirm a read`, {
        leader: NONE,
      });
    }
    r.send({ type: MessageType.ReadIndex, to: r.lead, context });
  }

  /**
   * Leader: hands leadership to voter `to` (thesis §3.10). Proposals throw
   * `RAFT_LEADER_TRANSFERRING` while it runs; `to` is caught up first, then told to campaign at
   * once (TimeoutNow), skipping the pre-vote and the other followers' leases. The transfer aborts
   * after an election timeout (see `status().leadTransferee`). Throws `RAFT_NOT_LEADER` on other
   * nodes and `RAFT_INVALID_ARGUMENT` when `to` is not a voter. A no-op for `to` = this node.
   */
  transferLeadership(to: NodeId): void {
    transferLeadership(this.#raft, to);
  }

  /**
   * Leader: proposes a single-server membership change (see {@link ConfChange}); it takes effect on
   * every node as soon as the entry is in its log, and is final once committed. Throws
   * `RAFT_NOT_LEADER`, `RAFT_LEADER_TRANSFERRING`, `RAFT_CONF_CHANGE_IN_PROGRESS` (the leader has
   * not committed an entry of its term yet, or an earlier change is uncommitted: retry) or
   * `RAFT_INVALID_ARGUMENT` (malformed, no-op, or no voter left).
   */
  proposeConfChange(cc: ConfChange): Proposed {
    return proposeConfChange(this.#raft, cc);
  }

  /**
   * Metadata of a state-machine snapshot taken after applying `index` (its term and the configuration
   * then), for `index` between the compaction point and the last index.
   */
  snapshotMetadata(index: number): SnapshotMetadata {
    return snapshotMetadata(this.#raft, index);
  }

  /**
   * Drops the in-memory log up to `index` (<= the applied index), which a state-machine snapshot now
   * covers. Returns the metadata to hand to `LogStorage.compact`. Followers that need the dropped
   * entries are sent a Snapshot message (see {@link reportSnapshot}).
   */
  compact(index: number): SnapshotMetadata {
    return compactLog(this.#raft, index);
  }

  /**
   * Follower: installs the snapshot described by Snapshot message `m` (metadata only) once the
   * driver has restored the state machine from its data. The next Ready carries `snapshot` to
   * persist, and answers the leader. Returns false when it covers nothing new: check
   * {@link wantsSnapshot} before restoring the state machine. Snapshot messages given to `step()` are ignored: only the
   * driver knows when the data is in.
   */
  installSnapshot(m: Message): boolean {
    validateMessage(m);
    if (m.to !== this.#raft.id) return false;
    return installSnapshot(this.#raft, m);
  }

  /**
   * True when {@link installSnapshot} would install Snapshot message `m` now: it is not from an
   * older term and brings something new (above the applied index). Check before restoring.
   */
  wantsSnapshot(m: Message): boolean {
    const r = this.#raft;
    return m.snapshot !== undefined && m.term >= r.term && m.snapshot.index > r.log.applied;
  }

  /** Leader: the driver finished (`ok`) or gave up sending the snapshot a Snapshot message asked for. */
  reportSnapshot(to: NodeId, ok: boolean): void {
    reportSnapshot(this.#raft, to, ok);
  }

  /** Starts an election now (with a pre-vote first if enabled). No-op on a leader or a learner. */
  campaign(): void {
    this.#raft.hup();
  }

  /** True when {@link ready} would return work. */
  hasReady(): boolean {
    const r = this.#raft;
    if (this.#pending !== undefined) return false;
    if (
      r.msgs.length > 0 ||
      r.readStates.length > 0 ||
      r.log.stabled < r.log.lastIndex() ||
      this.#committedLimit() > r.log.applied
    )
      return true;
    if (r.lead !== this.#prevSoft.lead || r.role !== this.#prevSoft.role) return true;
    return !sameHard(r.hardState(), this.#prevHard);
  }

  /**
   * Collects the work to do. Call {@link advance} once it is done, before the next `ready()`;
   * ticks, steps and proposals are allowed in between.
   */
  ready(): Ready {
    if (this.#pending !== undefined) throw new RaftError('RAFT_INVARIANT', 'ready() called before advance()');
    const r = this.#raft;
    const entries = r.log.unstableEntries();
    const limit = this.#committedLimit();
    const committedEntries =
      limit > r.log.applied ? r.log.slice(r.log.applied + 1, limit + 1, r.cfg.maxCommittedSizePerReady) : [];
    const messages = r.msgs;
    r.msgs = [];
    const readStates = r.readStates;
    r.readStates = [];
    const snapshot = r.pendingSnapshot;
    r.pendingSnapshot = undefined;
    const hard = r.hardState();
    const soft: SoftState = { lead: r.lead, role: r.role };
    const hardChanged = !sameHard(hard, this.#prevHard);
    const softChanged = soft.lead !== this.#prevSoft.lead || soft.role !== this.#prevSoft.role;
    this.#pending = {
      lastEntry: entries[entries.length - 1],
      lastApplied:
        committedEntries.length > 0 ? committedEntries[committedEntries.length - 1]!.index : r.log.applied,
      hard: hardChanged ? hard : undefined,
      soft: softChanged ? soft : undefined,
      snapshot,
    };
    const mustSync =
      snapshot !== undefined ||
      entries.length > 0 ||
      (hardChanged && (hard.term !== this.#prevHard.term || hard.vote !== this.#prevHard.vote));
    // Built without spreads: ready() is on the hot path.
    const rd: { -readonly [K in keyof Ready]: Ready[K] } = {
      entries,
      committedEntries,
      messages,
      mustSync,
      readStates,
    };
    if (snapshot !== undefined) rd.snapshot = snapshot;
    if (softChanged) rd.softState = soft;
    if (hardChanged) rd.hardState = hard;
    return rd;
  }

  /** Acknowledges that the last Ready was persisted, sent and applied. */
  advance(): void {
    const p = this.#pending;
    if (p === undefined) throw new RaftError('RAFT_INVARIANT', 'advance() without an outstanding ready()');
    const r = this.#raft;
    if (p.lastEntry !== undefined) r.log.stableTo(p.lastEntry.index, p.lastEntry.term);
    if (p.lastApplied > r.log.applied) r.log.applied = p.lastApplied;
    if (p.hard !== undefined) this.#prevHard = p.hard;
    if (p.soft !== undefined) this.#prevSoft = p.soft;
    this.#pending = undefined;
  }

  /** The node's current state. */
  status(): Status {
    const r = this.#raft;
    const progress = new Map<
      NodeId,
      { match: number; next: number; state: 'probe' | 'replicate' | 'snapshot' }
    >();
    if (r.role === 'leader') {
      for (const [id, pr] of r.prs.progress)
        progress.set(id, { match: pr.match, next: pr.next, state: STATE_NAMES[pr.state] });
    }
    return {
      id: r.id,
      role: r.role,
      lead: r.lead,
      term: r.term,
      vote: r.vote,
      commit: r.log.committed,
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      // The tracker replaces these arrays on a change and never mutates them: no copy needed.
      voters: r.prs.voters,
      learners: r.prs.learners,
      leadTransferee: r.leadTransferee,
      leaseValid: r.cfg.readOnlyOption === 'lease-based' && leaseValid(r),
      progress,
    };
  }

  /** Entries in [lo, hi) from the in-memory log (for tests and the simulator's checker). */
  entries(lo: number, hi: number): Entry[] {
    return this.#raft.log.slice(lo, hi, Number.MAX_SAFE_INTEGER);
  }

  /** Index of the first entry still in memory (compaction point + 1). */
  firstIndex(): number {
    return this.#raft.log.firstIndex();
  }

  /**
   * Highest index that may be handed out for applying: committed entries that are in the log.
   * Entries not yet durable are in the same Ready's `entries`, persisted before they are applied.
   */
  #committedLimit(): number {
    const r = this.#raft;
    return Math.min(r.log.committed, r.log.lastIndex());
  }
}

/**
 * Whether a message from a sender outside our configuration is handled. Nearly all are: a node
 * that joins learns the configuration only from the leader's log, and must vote before it does (a
 * voter added with an empty log); a leader that removed itself keeps leading until the removal
 * commits. Safety never depended on membership filtering (the election restriction and quorum
 * overlap do that); a removed node's campaigns are kept from disrupting the cluster by PreVote and
 * CheckQuorum's vote lease. Only TimeoutNow, which skips those protections, must come from our leader.
 */
function acceptFromNonMember(lead: NodeId, m: Message): boolean {
  return m.type !== MessageType.TimeoutNow || m.from === lead;
}

const READ_REQUEST: Omit<Message, 'from' | 'to' | 'term'> = {
  type: MessageType.ReadIndex,
  logTerm: 0,
  index: 0,
  entries: [],
  commit: 0,
  reject: false,
  rejectHint: 0,
};

function sameHard(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
