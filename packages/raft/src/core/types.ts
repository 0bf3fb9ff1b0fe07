/**
 * Data types shared by the core, the storage contract and the driver. Everything here is a plain
 * object of numbers, booleans, arrays and `Uint8Array`, so any structured encoder (msgpack, CBOR,
 * JSON with base64) can put it on disk or on the wire without custom classes.
 */

/**
 * A node id. Positive safe integer; `0` means "none" (no vote, no known leader).
 * Applications with string addresses keep their own id <-> address table.
 */
export type NodeId = number;

/** The "none" node id: no vote cast, no leader known. */
export const NONE: NodeId = 0;

/** Kinds of log entry. Wire tags are numeric and stable. */
export const EntryType = {
  /** Application data (or an empty no-op appended by a new leader, Raft thesis §6.4). */
  Normal: 0,
  /**
   * A membership change. Its `data` is an encoded `ConfChangeEntry` (the change and the resulting
   * configuration, see `encodeConfChangeEntry`); never handed to `StateMachine.apply`.
   */
  ConfChange: 1,
} as const;
/** A value of {@link EntryType}. */
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

/**
 * One log entry.
 * Invariant: within a log, indexes are contiguous and terms never decrease.
 */
export interface Entry {
  /** Term of the leader that created the entry (>= 1). */
  readonly term: number;
  /** Position in the log (>= 1). */
  readonly index: number;
  readonly type: EntryType;
  /** Opaque payload; empty for a leader's no-op entry. */
  readonly data: Uint8Array;
}

/**
 * The state that must be durable before a node answers anything that depends on it
 * (Raft paper Figure 2, "persistent state on all servers").
 * Invariant: `term` and `commit` never decrease; `vote` changes only when `term` increases
 * or from NONE to a candidate within the same term.
 */
export interface HardState {
  /** Latest term this node has seen. */
  readonly term: number;
  /** Candidate voted for in `term`, or NONE. */
  readonly vote: NodeId;
  /** Highest index known committed. Persisting it is an optimisation (replay on restart). */
  readonly commit: number;
}

/** The empty hard state of a node that has never run. */
export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

/**
 * A cluster configuration. Membership changes are single-server, so the joint-consensus fields
 * (`votersOutgoing`, `learnersNext`, `autoLeave`) are always empty/false; they are kept so stored
 * configurations stay readable if joint consensus is added.
 */
export interface ConfState {
  /** Voters of the (incoming) configuration. */
  readonly voters: readonly NodeId[];
  /** Non-voting members that receive the log. */
  readonly learners: readonly NodeId[];
  /** Voters of the outgoing configuration while in a joint configuration; otherwise empty. */
  readonly votersOutgoing: readonly NodeId[];
  /** Voters that become learners when the joint configuration is left; otherwise empty. */
  readonly learnersNext: readonly NodeId[];
  /** Whether the joint configuration is left automatically once committed. */
  readonly autoLeave: boolean;
}

/**
 * Describes the state-machine snapshot the log starts after: all entries up to and including
 * `index` are folded into it. `index = 0, term = 0` means "no snapshot; the log starts at 1".
 */
export interface SnapshotMetadata {
  /** Index of the last entry covered by the snapshot. */
  readonly index: number;
  /** Term of that entry (needed for the log-matching check on the next entry). */
  readonly term: number;
  /** Configuration as of `index`. */
  readonly confState: ConfState;
}

/** Builds a ConfState of plain voters. */
export function confStateOf(voters: readonly NodeId[], learners: readonly NodeId[] = []): ConfState {
  return {
    voters: [...voters],
    learners: [...learners],
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
  };
}
