import type { Distro, DistroOptions } from '@reg/distro';

/**
 * The registry's two replication paths, as the API modules (naming, config, auth) see them.
 *
 * CP data (persistent instances, services, switches; configs, namespaces and users on embedded
 * storage) is written as commands through one Raft group: every member applies the same commands
 * in the same order through the module's `apply`. AP data (ephemeral instances) lives in Distro
 * engines, one per module, over the member network.
 *
 * Standalone is the same code with one member: a single-voter Raft group with a durable log, and
 * Distro engines that own every key.
 */

/** Where a committed command sits in the log; the same on every member. */
export interface CommandPosition {
  /** Raft log index: unique, increasing, identical on every member (usable as a record id). */
  readonly index: number;
  readonly term: number;
  /**
   * Milliseconds since the epoch, chosen by the member that proposed the command. Use it for
   * timestamps in replicated state instead of `Date.now()` so every member stores the same value.
   */
  readonly time: number;
}

/**
 * One module's replicated state machine. `apply` runs on every member for every committed command
 * of this module, in log order. It must be deterministic (depend only on the command, the position
 * and state built by earlier commands) and idempotent for a re-applied tail after a crash (use
 * `position.index` as the id of anything it inserts). Throwing is fatal for the member: reject bad
 * commands in `validate` (run before proposing and again when applying) and return refusals (a
 * failed compare-and-set, a missing service) as results instead.
 */
export interface CpModule<C, R> {
  /** Unique, short, stable: it is written into every log entry ("naming", "config", ...). */
  readonly name: string;
  /** Checks and normalizes a command; throws a RegistryError for bad input. */
  validate(command: unknown): C;
  apply(command: C, position: CommandPosition): R | Promise<R>;
  /**
   * Called after a Raft snapshot replaced the whole store (a member far behind the compacted log
   * catching up): reload anything kept in memory from storage. Raft compacts the log and sends
   * snapshots only when every module has this hook (a module that reads storage every time can
   * give an empty one); without it the log is never compacted.
   */
  restored?(): void | Promise<void>;
}

/** What a module uses to write through its state machine. */
export interface CpWriter<C, R> {
  /**
   * Proposes `command` (on the leader, forwarded there from a follower) and resolves with
   * `apply`'s result on the member that proposed it, once committed and applied there. Rejects
   * with RegistryError `REG_NO_LEADER` (HTTP 503 "server is STARTING now, please try again later")
   * when there is no leader, and `REG_CP_TIMEOUT` when the outcome is unknown after the timeout.
   */
  submit(command: C): Promise<R>;
}

/** The CP path. */
export interface Consensus {
  /** Registers a module; only before `start()`. */
  register<C, R>(module: CpModule<C, R>): CpWriter<C, R>;
  /**
   * Resolves once this member has applied every command committed before the call (a
   * linearizable read barrier, ReadIndex when available). Reads after it see every write
   * acknowledged anywhere before it. Rejects like `submit` without a leader.
   */
  readBarrier(): Promise<void>;
  /** True while a leader is known (CP writes can be served). */
  hasLeader(): boolean;
  /** Role, term, leader and indexes, for `/v1/core/cluster/nodes` and metrics. */
  status(): ConsensusStatus;
}

export interface ConsensusStatus {
  readonly role: 'follower' | 'pre-candidate' | 'candidate' | 'leader';
  readonly term: number;
  /** `ip:port` of the known leader, or undefined. */
  readonly leader: string | undefined;
  readonly commitIndex: number;
  readonly appliedIndex: number;
}

/** The AP path. */
export interface EphemeralPlane {
  /**
   * A Distro engine named `name` (channel `distro/<name>`) over the healthy members. Create engines
   * before `start()`; the plane starts and stops them. Options are Distro's, minus what the plane
   * provides.
   */
  distro<V, O = never>(
    name: string,
    options: Omit<DistroOptions<V, O>, 'members' | 'network' | 'logger'>,
  ): Distro<V, O>;
}
