import { RaftError } from '../errors.js';
import { leaseTicks, type RaftConfig, type ResolvedRaftConfig, validateConfig } from './config.js';
import { type Logger, noopLogger } from './logger.js';
import { syncConf } from './membership.js';
import { CAMPAIGN_TRANSFER, isVoteMessage, type Message, MessageType, voteRespType } from './messages.js';
import { RaftLog } from './raft-log.js';
import type { Random } from './random.js';
import { releasePendingReads } from './read-index.js';
import { ReadOnlyQueue, type ReadState } from './read-only.js';
import { ProgressTracker } from './tracker/progress-tracker.js';
import {
  type ConfState,
  type Entry,
  EntryType,
  type HardState,
  NONE,
  type NodeId,
  type SnapshotMetadata,
} from './types.js';

/** A node's role. */
export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** What the core starts from: the persisted state returned by `LogStorage.load()`. */
export interface RaftInitialState {
  readonly hardState: HardState;
  readonly snapshot: SnapshotMetadata;
  readonly entries: readonly Entry[];
}

const EMPTY_ENTRIES: readonly Entry[] = Object.freeze([]);
const EMPTY_DATA = new Uint8Array(0);

/** Fields of an outgoing message that differ from the defaults. */
export type MessageFields = Partial<Message> & { readonly type: MessageType; readonly to: NodeId };

/**
 * The Raft state machine for one node: pure and deterministic. Inputs are `tick()`, `step(m)`
 * and `propose(...)`; outputs accumulate in `msgs` and in the log/hard state, and are collected by
 * `RawNode.ready()`. Role-specific handling lives in `step-leader.ts`, `step-candidate.ts` and
 * `step-follower.ts`.
 */
export class Raft {
  readonly id: NodeId;
  readonly cfg: ResolvedRaftConfig;
  readonly logger: Logger;
  readonly random: Random;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  role: Role = 'follower';
  readonly log: RaftLog;
  readonly prs: ProgressTracker;
  /** Messages produced since the last Ready. */
  msgs: Message[] = [];
  /** Ticks since the last election timeout reset (followers/candidates) or CheckQuorum round (leader). */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  /** Randomized in [electionTick, 2 * electionTick) on every reset (paper §5.2). */
  randomizedElectionTimeout = 0;
  /** Ticks since this incarnation started (lease reads: a restarted node honours leases it forgot). */
  ticksSinceStart = 0;
  /** Answers to read requests since the last Ready. */
  readStates: ReadState[] = [];
  /** Leader: reads waiting for a heartbeat quorum. */
  readonly readOnly = new ReadOnlyQueue();
  /** Leader: read requests that arrived before an entry of this term committed. */
  pendingReadIndex: Message[] = [];
  /** Leader: ticks since it became leader, starting at 1; stamps heartbeats for lease reads. */
  leaderTicks = 0;
  /** Leader: per follower, the newest heartbeat stamp it acknowledged (lease reads). */
  readonly leaseAcks = new Map<NodeId, number>();
  /** Leader ticks a lease lasts (see `leaseTicks`). */
  readonly leaseTicks: number;
  /** Leader: the voter leadership is being handed to (thesis §3.10), or NONE. */
  leadTransferee: NodeId = NONE;
  /**
   * Leader: it sent TimeoutNow in this term. The target may campaign whenever that message arrives,
   * past the followers' leases, so lease reads are off until the term ends.
   */
  leaseForfeited = false;
  /** The configuration at the compaction point (or from the options for a fresh log). */
  baseConf: ConfState;
  /** Index of the ConfChange entry whose configuration is in force; 0 = `baseConf`. */
  confIndex = 0;
  /** A snapshot installed since the last Ready, to persist (`LogStorage.installSnapshot`). */
  pendingSnapshot: SnapshotMetadata | undefined;
  /** Voters of the configuration before the one in force (empty when `confIndex` is 0). */
  prevVoters: readonly NodeId[] = [];

  constructor(config: RaftConfig, initial: RaftInitialState) {
    this.cfg = validateConfig(config);
    this.id = this.cfg.id;
    this.random = this.cfg.random;
    this.logger = (this.cfg.logger ?? noopLogger).child({ raft: this.id });
    this.leaseTicks = leaseTicks(this.cfg.electionTick, this.cfg.maxClockDrift);
    const { hardState, snapshot, entries } = initial;
    this.log = new RaftLog(snapshot.index, snapshot.term, entries, hardState.commit, this.cfg.applied);
    // A fresh store has no configuration yet: take it from the options.
    this.baseConf =
      snapshot.confState.voters.length > 0 || snapshot.confState.learners.length > 0
        ? snapshot.confState
        : {
            voters: this.cfg.voters,
            learners: this.cfg.learners,
            votersOutgoing: [],
            learnersNext: [],
            autoLeave: false,
          };
    this.prs = new ProgressTracker(this.baseConf, this.cfg.maxInflightMsgs);
    // The configuration in force is the latest one in the log, committed or not (thesis §4.1).
    syncConf(this);
    this.term = hardState.term;
    this.vote = hardState.vote;
    // A node that never saw a term cannot have acknowledged a lease: no restart guard for it.
    this.ticksSinceStart = hardState.term === 0 ? this.cfg.electionTick : 0;
    this.becomeFollower(this.term, NONE);
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  /**
   * True when this node may campaign: it is a voter, or it was one before an uncommitted change
   * that removes (or demotes) it. The latter may hold the only up-to-date log the new configuration
   * needs (its removal was appended while it led): it may then win, commit the change and step down
   * (votes are counted in the new configuration, so safety is unaffected).
   */
  promotable(): boolean {
    if (this.prs.voters.includes(this.id)) return true;
    return this.confIndex > this.log.committed && this.prevVoters.includes(this.id);
  }

  /** Queues a message, filling unset fields with defaults (term = current term). */
  send(f: MessageFields): void {
    const m: Message = {
      type: f.type,
      to: f.to,
      from: this.id,
      term: f.term ?? this.term,
      logTerm: f.logTerm ?? 0,
      index: f.index ?? 0,
      entries: f.entries ?? EMPTY_ENTRIES,
      commit: f.commit ?? 0,
      reject: f.reject ?? false,
      rejectHint: f.rejectHint ?? 0,
    };
    if (f.context === undefined && f.snapshot === undefined) this.msgs.push(m);
    else if (f.snapshot === undefined) this.msgs.push({ ...m, context: f.context });
    else this.msgs.push({ ...m, snapshot: f.snapshot });
  }

  // ---- role transitions -------------------------------------------------------------------

  #reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTick + this.random.int(this.cfg.electionTick);
    this.prs.resetVotes();
    this.prs.resetProgress(this.log.lastIndex(), this.id);
    // Leader-only state: reads not yet confirmed are abandoned (their askers time out or see the
    // leader change), leases and transfers end with the term or the role.
    this.readOnly.clear();
    this.pendingReadIndex = [];
    this.leaseAcks.clear();
    this.leaderTicks = 0;
    this.leadTransferee = NONE;
    this.leaseForfeited = false;
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.#reset(term);
    this.lead = lead;
    this.role = 'follower';
    this.logger.debug({ term, lead }, 'became follower');
  }

  becomePreCandidate(): void {
    if (this.role === 'leader') throw new RaftError('RAFT_INVARIANT', 'leader cannot become pre-candidate');
    // A pre-candidate changes neither term nor vote (thesis §9.6): losing costs nothing.
    this.prs.resetVotes();
    this.lead = NONE;
    this.role = 'pre-candidate';
    this.logger.debug({ term: this.term }, 'became pre-candidate');
  }

  becomeCandidate(): void {
    if (this.role === 'leader') throw new RaftError('RAFT_INVARIANT', 'leader cannot become candidate');
    this.#reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
    this.logger.debug({ term: this.term }, 'became candidate');
  }

  becomeLeader(): void {
    if (this.role === 'follower') throw new RaftError('RAFT_INVARIANT', 'follower cannot become leader');
    this.#reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    // Followers start in Probe; our own progress is in Replicate, matching our whole log.
    this.prs.progress.get(this.id)?.becomeReplicate();
    const self = this.prs.progress.get(this.id);
    if (self !== undefined) self.match = this.log.lastIndex();
    this.leaderTicks = 1;
    // An empty entry of the new term lets earlier-term entries commit (paper §5.4.2, thesis §6.4).
    this.appendEntries([EMPTY_DATA], EntryType.Normal);
    this.logger.info({ term: this.term }, 'became leader');
  }

  /** Leader: appends new entries of the current term and counts them as matched locally. */
  appendEntries(datas: readonly Uint8Array[], type: EntryType): { firstIndex: number; term: number } {
    const firstIndex = this.log.lastIndex() + 1;
    const ents: Entry[] = new Array(datas.length);
    for (let i = 0; i < datas.length; i++) {
      ents[i] = { term: this.term, index: firstIndex + i, type, data: datas[i]! };
    }
    const last = this.log.append(ents);
    if (type === EntryType.ConfChange) syncConf(this);
    this.prs.progress.get(this.id)?.maybeUpdate(last);
    // A single-voter cluster commits at once.
    this.maybeCommit();
    return { firstIndex, term: this.term };
  }

  /**
   * Leader: advances commit to the quorum-acknowledged index, but only when that entry is from the
   * current term (paper §5.4.2, Figure 8). Returns true when commit moved.
   */
  maybeCommit(): boolean {
    const mci = this.prs.committed();
    if (mci > this.log.committed && this.log.term(mci) === this.term) {
      this.log.commitTo(mci);
      releasePendingReads(this);
      return true;
    }
    return false;
  }

  // ---- campaigning -------------------------------------------------------------------------

  /**
   * Starts an election (on timeout or by request). With PreVote, first a pre-vote round at
   * term + 1 that changes nothing locally. `transfer` skips the pre-vote and the receivers' leases.
   */
  hup(transfer = false): void {
    if (this.role === 'leader' || !this.promotable()) return;
    if (this.cfg.preVote && !transfer) this.campaign('pre-election', false);
    else this.campaign('election', transfer);
  }

  campaign(kind: 'pre-election' | 'election', transfer: boolean): void {
    let voteType: MessageType;
    let term: number;
    if (kind === 'pre-election') {
      this.becomePreCandidate();
      voteType = MessageType.PreVote;
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteType = MessageType.Vote;
      term = this.term;
    }
    if (this.prs.recordVote(this.id, true) === 'won') {
      // Single voter: no one to ask.
      if (kind === 'pre-election') this.campaign('election', transfer);
      else this.becomeLeader();
      return;
    }
    for (const id of this.prs.voters) {
      if (id === this.id) continue;
      this.send({
        type: voteType,
        to: id,
        term,
        index: this.log.lastIndex(),
        logTerm: this.log.lastTerm(),
        rejectHint: transfer ? CAMPAIGN_TRANSFER : 0,
      });
    }
  }

  /** The vote-request handling shared by every role (paper §5.2, §5.4.1; thesis §9.6). */
  handleVoteRequest(m: Message): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === MessageType.PreVote && m.term > this.term);
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      // Answer a pre-vote with the requested term so the candidate can count it; a real vote
      // has already moved us to m.term.
      this.send({ type: voteRespType(m.type), to: m.from, term: m.term, reject: false });
      if (m.type === MessageType.Vote) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: voteRespType(m.type), to: m.from, term: this.term, reject: true });
    }
  }

  /**
   * True when `m` is a vote request that arrives while we still follow a live leader. With lease
   * reads, also during the first election timeout after a (re)start: this incarnation may have
   * acknowledged a lease before a crash and forgotten it.
   */
  inLease(m: Message): boolean {
    if (!isVoteMessage(m.type) || m.rejectHint === CAMPAIGN_TRANSFER || !this.cfg.checkQuorum) return false;
    if (this.cfg.readOnlyOption === 'lease-based' && this.ticksSinceStart < this.cfg.electionTick)
      return true;
    return this.lead !== NONE && this.electionElapsed < this.cfg.electionTick;
  }
}
