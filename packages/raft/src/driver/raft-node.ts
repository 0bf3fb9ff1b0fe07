import type { ConfChange } from '../core/conf-change.js';
import { type Logger, noopLogger } from '../core/logger.js';
import { type Message, MessageType } from '../core/messages.js';
import type { Role } from '../core/raft.js';
import { SeededRandom } from '../core/random.js';
import { RawNode, type Ready, type Status } from '../core/raw-node.js';
import { type ConfState, NONE, type NodeId } from '../core/types.js';
import { validateMessage } from '../core/validate-message.js';
import { RaftError } from '../errors.js';
import type { LogStorage } from '../storage/log-storage.js';
import { Applier } from './applier.js';
import type { StateMachine, Transport } from './interfaces.js';
import type { RaftNodeOptions, StopOptions } from './options.js';
import { ProposalQueue } from './proposal-queue.js';
import { ReadBatcher } from './read-batcher.js';
import { Snapshots } from './snapshots.js';
import { TickClock } from './tick-clock.js';
import { bestTransferTarget, TransferWaiters } from './transfer-waiters.js';

/** Ready batches handled back to back before the loop yields to the event loop. */
const YIELD_EVERY = 32;

/**
 * Runs the Raft core against a {@link LogStorage}, a {@link Transport} and a {@link StateMachine},
 * driving it with a tick timer. Each Ready is handled in the safe order: persist (and wait for the
 * storage to resolve) -> send -> apply -> advance, so no message ever depends on state that is not
 * yet durable. A storage or state-machine failure stops the node: it never answers on state it
 * cannot prove.
 */
export class RaftNode<R = unknown> {
  readonly id: NodeId;
  readonly #raw: RawNode;
  readonly #opts: RaftNodeOptions<R>;
  readonly #logger: Logger;
  readonly #applier: Applier<R>;
  readonly #queue = new ProposalQueue<R>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running = false;
  #stopped = false;
  #failure: Error | undefined;
  #idle: (() => void)[] = [];
  #term = 0;
  #lead: NodeId = NONE;
  #role: Role = 'follower';
  readonly #reads: ReadBatcher;
  readonly #transfers: TransferWaiters;
  readonly #clock: TickClock;
  readonly #snapshots: Snapshots;

  private constructor(raw: RawNode, opts: RaftNodeOptions<R>, logger: Logger, tickMs: number) {
    this.id = opts.id;
    this.#raw = raw;
    this.#opts = opts;
    this.#logger = logger;
    const electionTick = opts.electionTick ?? 10;
    // Lease reads need logical time to keep up with real time; otherwise a late timer is one tick.
    this.#clock = new TickClock(tickMs, opts.readOnlyOption === 'lease-based' ? 2 * electionTick : 1);
    this.#reads = new ReadBatcher(opts.id, 2 * electionTick, Math.floor(Math.random() * 0x100000000));
    this.#transfers = new TransferWaiters(3 * electionTick);
    this.#applier = new Applier(opts.stateMachine, raw.status().applied);
    this.#snapshots = new Snapshots(
      {
        id: opts.id,
        raw,
        storage: opts.storage,
        stateMachine: opts.stateMachine as StateMachine<unknown>,
        logger,
        electionTick,
        term: () => this.#raw.status().term,
        applied: () => this.#applier.applied,
        setApplied: (index) => {
          this.#applier.applied = Math.max(this.#applier.applied, index);
          this.#reads.onApplied(this.#applier.applied);
        },
        send: (ms) => this.#opts.transport.send(ms),
        schedule: () => this.#schedule(),
        fail: (err) => this.#fail(err),
        applyIdle: () => this.#applier.idle(),
      },
      opts.snapshots,
    );
  }

  /** Loads the storage, starts the transport and the tick timer. Restarts resume from storage. */
  static async start<R>(opts: RaftNodeOptions<R>): Promise<RaftNode<R>> {
    const tickMs = opts.tickMs ?? 100;
    if (!Number.isFinite(tickMs) || tickMs <= 0)
      throw new RaftError('RAFT_INVALID_CONFIG', 'tickMs must be > 0');
    const logger = (opts.logger ?? noopLogger).child({ node: opts.id });
    let state: Awaited<ReturnType<LogStorage['load']>>;
    try {
      state = await opts.storage.load();
    } catch (cause) {
      throw new RaftError('RAFT_STORAGE_FAILED', 'loading the raft log failed', { cause });
    }
    // Restart from the saved snapshot (if the state machine is behind it) plus the log tail.
    const start = await Snapshots.prepareStart(
      opts.storage,
      opts.stateMachine as StateMachine<unknown>,
      state,
    );
    state = start.state;
    const raw = new RawNode(
      {
        ...opts,
        random: opts.random ?? new SeededRandom(Math.floor(Math.random() * 0x100000000)),
        applied: start.applied,
        logger,
      },
      state,
    );
    const node = new RaftNode(raw, opts, logger, tickMs);
    await opts.transport.start((m) => node.#receive(m));
    node.#timer = setInterval(() => node.#tick(), tickMs);
    node.#timer.unref?.();
    logger.info(
      { term: state.hardState.term, lastIndex: state.snapshot.index + state.entries.length },
      'started',
    );
    node.#schedule();
    return node;
  }

  /** The leader this node knows of (NONE = 0 if none). */
  get leader(): NodeId {
    return this.#lead;
  }

  get role(): Role {
    return this.#role;
  }

  get term(): number {
    return this.#term;
  }

  /** The error that stopped the node, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** A snapshot of the core's state. */
  status(): Status {
    return this.#raw.status();
  }

  /**
   * Replicates `data` and resolves with the state machine's result once it is applied on this
   * node. Rejects with `RAFT_NOT_LEADER` (carrying `leader`) when this node is not the leader, so
   * the caller can forward; with `RAFT_PROPOSAL_DROPPED` when leadership changed and the entry was
   * replaced; with `RAFT_LEADER_TRANSFERRING` while a leadership transfer runs (nothing was proposed);
   * with `RAFT_STOPPED` when the node stops first. A rejected proposal may still have
   * been committed (the answer was lost with the leadership): make commands idempotent (client
   * sessions) to retry safely.
   */
  propose(data: Uint8Array): Promise<R> {
    if (this.#stopped) return Promise.reject(this.#stoppedError());
    if (!(data instanceof Uint8Array) || data.byteLength === 0) {
      return Promise.reject(new RaftError('RAFT_INVALID_ARGUMENT', 'a proposal is a non-empty Uint8Array'));
    }
    if (this.#role !== 'leader') {
      return Promise.reject(
        new RaftError('RAFT_NOT_LEADER', `node ${this.id} is not the leader`, { leader: this.#lead }),
      );
    }
    const p = this.#queue.push(data);
    this.#schedule();
    return p;
  }

  /**
   * Waits until a read of this node's state machine is linearizable, without writing the log
   * (ReadIndex, Raft thesis §6.4): the leader confirms it still leads (a heartbeat quorum, or its
   * lease with `readOnlyOption: 'lease-based'`) and names its commit index; the promise resolves once
   * this node has applied that index. Read your state machine right after it resolves (or use
   * {@link read}): the value reflects every write that completed before the call.
   *
   * Works on followers and learners too (the request is forwarded to the leader), so reads can be
   * spread over the cluster. Concurrent calls are batched: one confirmation round is outstanding at a
   * time, and every call made meanwhile joins the next round.
   *
   * Rejects with `RAFT_NOT_LEADER` (`err.leader` = 0) when no leader is known; with
   * `RAFT_READ_LOST` (`err.leader` = the leader now known, or 0) when the leader changed before
   * confirming, or when the read was not served within two election timeouts (lost messages, a
   * partition); with `RAFT_STOPPED` when the node stops. A rejected read had no effect: retry it.
   */
  readIndex(): Promise<void> {
    if (this.#stopped) return Promise.reject(this.#stoppedError());
    const p = this.#reads.enqueue();
    this.#schedule();
    return p;
  }

  /**
   * {@link readIndex}, then `fn()` (typically a lookup in your state machine), with `fn`'s result.
   * Nothing is applied between the confirmation and `fn` if `fn` is synchronous.
   */
  async read<T>(fn: () => T | Promise<T>): Promise<T> {
    await this.readIndex();
    return fn();
  }

  /**
   * Hands leadership to voter `to` (leadership transfer, Raft thesis §3.10) and resolves once this
   * node knows `to` leads. The leader stops taking proposals (they reject with
   * `RAFT_LEADER_TRANSFERRING`), brings `to` up to date if it lags, then tells it to campaign at
   * once; the new leader is usually in place within a few round trips, well under an election
   * timeout. Rejects with `RAFT_NOT_LEADER` on a non-leader, `RAFT_INVALID_ARGUMENT` when `to` is not
   * a voter, and `RAFT_TRANSFER_ABORTED` when `to` did not take over within an election timeout
   * (proposals are accepted again) or another node took over. Resolves at once for `to` = this node.
   */
  transferLeadership(to: NodeId): Promise<void> {
    if (this.#stopped) return Promise.reject(this.#stoppedError());
    if (to === this.id && this.#role === 'leader') return Promise.resolve();
    try {
      this.#raw.transferLeadership(to);
    } catch (err) {
      return Promise.reject(err);
    }
    const p = this.#transfers.wait(to);
    this.#schedule();
    return p;
  }

  /**
   * Changes the cluster's membership by one server (Raft thesis §4.1; see {@link ConfChange}) and
   * resolves with the new configuration once the change is committed and applied on this node (the
   * leader). Add a new server as a learner first (`add-learner`), let it catch up, then promote it
   * (`add-voter`): a voter with an empty log would slow commits until it catches up. Start the new
   * server with an empty configuration (`voters: []`): it learns the configuration from the log.
   * Removing the leader itself is allowed: it keeps leading until the change commits, then hands
   * leadership to the most up-to-date voter and steps down (the promise resolves before that).
   *
   * Rejects with `RAFT_NOT_LEADER` (carrying `leader`), `RAFT_CONF_CHANGE_IN_PROGRESS` (an earlier
   * change is not committed yet, or the leader has not yet committed an entry of its term: retry
   * shortly), `RAFT_LEADER_TRANSFERRING`, `RAFT_INVALID_ARGUMENT` (malformed, a no-op, or no voter
   * would be left), `RAFT_PROPOSAL_DROPPED` (leadership changed and the entry was replaced) and
   * `RAFT_STOPPED`. `status()` shows `voters` and `learners`.
   */
  changeMembership(change: ConfChange): Promise<ConfState> {
    if (this.#stopped) return Promise.reject(this.#stoppedError());
    let at: { index: number; term: number };
    try {
      at = this.#raw.proposeConfChange(change);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#schedule();
    return new Promise<ConfState>((resolve, reject) =>
      this.#applier.confChanges.add(at.index, at.term, resolve, reject),
    );
  }

  /** Starts an election now (tests, operators). */
  campaign(): void {
    if (this.#stopped) return;
    this.#raw.campaign();
    this.#schedule();
  }

  /** Resolves once every Ready produced so far has been handled (for tests). */
  async idle(): Promise<void> {
    if (this.#stopped || (!this.#running && !this.#raw.hasReady())) return;
    const done = new Promise<void>((resolve) => this.#idle.push(resolve));
    this.#schedule();
    await done;
  }

  /**
   * Stops timers and the transport; pending proposals and reads reject with `RAFT_STOPPED`. Does not
   * close storage. With `{ transfer: true }` a leader first hands leadership over (graceful
   * shutdown: the cluster does not wait an election timeout for a new leader).
   */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.#stopped) return;
    if (options.transfer !== undefined && options.transfer !== false && this.#role === 'leader') {
      const target =
        typeof options.transfer === 'number'
          ? options.transfer
          : bestTransferTarget(this.#raw.status(), this.id);
      if (target !== NONE) {
        await this.transferLeadership(target).catch((err: unknown) => {
          this.#logger.warn({ err, target }, 'leadership transfer before stop failed');
        });
      }
      if (this.#stopped) return;
    }
    this.#halt(undefined);
    await this.#opts.transport.stop();
    // Let an in-flight storage write finish so the caller can reuse the storage.
    if (this.#running) await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #stoppedError(): RaftError {
    return this.#failure !== undefined
      ? new RaftError('RAFT_STOPPED', `node ${this.id} stopped after a failure`, { cause: this.#failure })
      : new RaftError('RAFT_STOPPED', `node ${this.id} is stopped`);
  }

  #halt(failure: Error | undefined): void {
    this.#stopped = true;
    this.#failure = failure;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const err = failure ?? this.#stoppedError();
    this.#applier.rejectAll(err);
    this.#queue.rejectAll(err);
    this.#reads.rejectAll(err);
    this.#transfers.rejectAll(err);
    this.#snapshots.stop(err);
  }

  #tick(): void {
    if (this.#stopped) return;
    const n = this.#catchUpTicks();
    if (n === 0) return;
    const s = this.#raw.status();
    for (let i = 0; i < n; i++) {
      this.#snapshots.onTick();
      this.#reads.onTick(s.lead);
      this.#transfers.onTick(s.lead, s.role, s.leadTransferee);
    }
    this.#schedule();
  }

  /** Feeds the core every tick the monotonic clock says is due; returns how many. */
  #catchUpTicks(): number {
    const n = this.#clock.due();
    for (let i = 0; i < n; i++) this.#raw.tick();
    return n;
  }

  #receive(m: Message): void {
    if (this.#stopped) return;
    try {
      if (m.type === MessageType.Snapshot || m.type === MessageType.SnapshotResp) {
        validateMessage(m);
        if (m.to === this.id) this.#snapshots.route(m);
        return;
      }
      this.#raw.step(m);
    } catch (err) {
      // Malformed input from the network changes nothing; a broken invariant is fatal.
      if ((err as RaftError).code === 'RAFT_INVALID_ARGUMENT') {
        this.#logger.warn({ err }, 'dropped malformed message');
        return;
      }
      this.#fail(err);
      return;
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    queueMicrotask(() => {
      void this.#loop();
    });
  }

  #fail(err: unknown): void {
    // Storage and apply failures arrive typed; anything else came from the transport or a bug.
    const failure =
      err instanceof RaftError ? err : new RaftError('RAFT_INVARIANT', 'raft node failed', { cause: err });
    this.#logger.error({ err: failure }, 'node stopped on failure');
    this.#halt(failure);
  }

  async #loop(): Promise<void> {
    try {
      let rounds = 0;
      while (!this.#stopped) {
        this.#queue.flush((datas) => this.#raw.propose(datas), this.#applier.proposals);
        if (this.#reads.wantsRound) {
          // A lease is judged on the core's clock: bring it up to date first.
          this.#catchUpTicks();
          this.#reads.startRound(this.#role === 'leader' ? this.id : this.#lead, (ctx) =>
            this.#raw.readIndex(ctx),
          );
        }
        if (!this.#raw.hasReady()) break;
        await this.#handle(this.#raw.ready());
        if (!this.#stopped) await this.#snapshots.maybeCompact();
        // Storage and proposals can keep this loop busy on microtasks alone (a single-node cluster
        // commits without waiting for the network); yield now and then so timers and I/O run.
        if (++rounds % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      this.#fail(err);
    } finally {
      this.#running = false;
      const idle = this.#idle;
      this.#idle = [];
      for (const f of idle) f();
    }
  }

  async #handle(rd: Ready): Promise<void> {
    const storage = this.#opts.storage;
    const early = this.#sendableBeforePersist(rd);
    if (early.length > 0) this.#opts.transport.send(early);
    try {
      // A snapshot the state machine was restored to goes first: the entries continue after it.
      if (rd.snapshot !== undefined) await storage.installSnapshot!(rd.snapshot);
      if (rd.entries.length > 0 || rd.hardState !== undefined) {
        await storage.append({ entries: rd.entries, hardState: rd.hardState });
      }
    } catch (cause) {
      throw new RaftError('RAFT_STORAGE_FAILED', 'persisting the raft log failed', { cause });
    }
    if (this.#stopped) return;
    if (rd.hardState !== undefined) this.#term = rd.hardState.term;
    if (rd.messages.length > early.length) {
      const out = rd.messages.filter((m) => m.type !== MessageType.Snapshot && !early.includes(m));
      if (out.length < rd.messages.length) {
        for (const m of rd.messages) if (m.type === MessageType.Snapshot) this.#snapshots.send(m);
      }
      this.#opts.transport.send(out);
    }
    if (rd.softState !== undefined) this.#onSoftState(rd.softState.lead, rd.softState.role);
    if (rd.readStates.length > 0) {
      this.#reads.onReadStates(rd.readStates);
      this.#reads.onApplied(this.#applier.applied);
    }
    // A snapshot being restored replaces the state: wait, and skip what it covers.
    const gate = this.#snapshots.gate;
    if (gate !== undefined && rd.committedEntries.length > 0) await gate;
    await this.#applier.apply(rd.committedEntries);
    this.#raw.advance();
    if (rd.committedEntries.length > 0) {
      this.#reads.onApplied(this.#applier.applied);
      this.#snapshots.onApplied(rd.committedEntries);
    }
  }

  /**
   * A leader's appends and heartbeats that may leave while this Ready's entries are still being
   * written (thesis §10.2.1): the leader's own write then overlaps the followers' instead of
   * preceding it. Safe only when nothing they carry depends on this write: no term or vote change
   * in it, and no commit index beyond what earlier Readies made durable here (a follower must never
   * apply an entry the leader could still lose). Anything else waits for the write, as before.
   */
  #sendableBeforePersist(rd: Ready): Message[] {
    if (this.#role !== 'leader' || rd.snapshot !== undefined || rd.softState !== undefined) return [];
    if (rd.hardState !== undefined && rd.hardState.term !== this.#term) return [];
    const durable = rd.entries.length > 0 ? (rd.entries[0] as { index: number }).index - 1 : Infinity;
    const early = rd.messages.filter(
      (m) => (m.type === MessageType.App || m.type === MessageType.Heartbeat) && m.term === this.#term,
    );
    if (early.length === 0 || early.some((m) => m.commit > durable)) return [];
    return early;
  }

  #onSoftState(lead: NodeId, role: Role): void {
    const wasLeader = this.#role === 'leader';
    this.#lead = lead;
    this.#role = role;
    this.#term = this.#raw.status().term;
    if (wasLeader && role !== 'leader') {
      // Proposals not yet proposed cannot be; proposals in the log may still commit, and are
      // settled when their index is applied (resolved if our entry survived, rejected otherwise).
      const err = new RaftError('RAFT_NOT_LEADER', `node ${this.id} lost leadership`, { leader: lead });
      this.#queue.rejectAll(err);
      this.#snapshots.abortSends();
    }
    this.#reads.onLeaderChange(role === 'leader' ? this.id : lead);
    this.#transfers.onLeaderChange(lead, role);
    this.#opts.onLeaderChange?.({ leader: lead, role, term: this.#term });
  }
}
