import type { ReadOnlyOption } from '../core/config.js';
import type { RawNode } from '../core/raw-node.js';
import type { ReadState } from '../core/read-only.js';
import type { Entry, HardState, NodeId, SnapshotMetadata } from '../core/types.js';

/** The replicated application inside a simulation: synchronous and deterministic. */
export interface SimStateMachine {
  apply(entry: Entry): unknown;
  /** A snapshot of the state (any value; it is never mutated afterwards). Needed for compaction. */
  snapshot?(): unknown;
  /** Replaces the state with a snapshot's. */
  restore?(data: unknown): void;
}

/** Fault probabilities and bounds. Every probability is per message or per step, in [0, 1]. */
export interface SimFaults {
  /** Chance a message is lost. */
  readonly drop?: number;
  /** Chance a message is delivered twice. */
  readonly duplicate?: number;
  /** Messages are delayed by 0..maxDelay ticks, uniformly, which also reorders them. */
  readonly maxDelay?: number;
  /** Per step: chance to impose a random partition (symmetric or one-way). */
  readonly partition?: number;
  /** Per step: chance to heal every partition. */
  readonly heal?: number;
  /** Per step: chance to crash a random live node (it loses everything not persisted). */
  readonly crash?: number;
  /** Per step: chance to restart a random crashed node from its persisted state. */
  readonly restart?: number;
  /** Chance that a crash hits between taking a Ready and persisting it (losing that Ready). */
  readonly crashMidReady?: number;
}

/** Options of a {@link Simulation}. */
export interface SimulationOptions {
  readonly seed: number;
  /** Number of voters (ids 1..nodes). Default 3. */
  readonly nodes?: number;
  /**
   * Extra nodes (ids after the voters) that start outside the configuration, with an empty one:
   * they follow a leader once a membership change adds them. Default 0.
   */
  readonly spares?: number;
  readonly electionTick?: number;
  readonly heartbeatTick?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly maxInflightMsgs?: number;
  readonly maxSizePerMsg?: number;
  /** How reads are confirmed (see `RaftConfig.readOnlyOption`). Default 'safe'. */
  readonly readOnlyOption?: ReadOnlyOption;
  /** Lease reads: the drift bound the nodes assume (see `RaftConfig.maxClockDrift`). Default 0.1. */
  readonly maxClockDrift?: number;
  /**
   * Real clock skew: each node's clock runs at a fixed rate drawn from [1, 1 + clockSkew] ticks per
   * step, so rates differ by up to that ratio. Default 0 (every node ticks once per step).
   */
  readonly clockSkew?: number;
  readonly faults?: SimFaults;
  /** Creates the state machine of a node (again after each restart). Default: records nothing. */
  readonly stateMachine?: (id: NodeId) => SimStateMachine;
  /** Called for every entry a node applies, with the state machine's result. */
  readonly onApply?: (node: NodeId, entry: Entry, result: unknown) => void;
  /**
   * Compact a node's log (taking a state-machine snapshot) whenever it has applied this many entries
   * past its compaction point; followers that fall behind then get InstallSnapshot. Default: never.
   */
  readonly compactEvery?: number;
  /** Called for every confirmed read a node hands out (after the same Ready's entries were applied). */
  readonly onReadState?: (node: NodeId, readState: ReadState) => void;
}

/** What a simulated node keeps on "disk": it survives crashes. */
export interface Persisted {
  hardState: HardState;
  /** The compaction point (index 0 = none). */
  snapshot: SnapshotMetadata;
  /** The state machine's snapshot at `snapshot.index` (from `SimStateMachine.snapshot`). */
  snapshotData: unknown;
  /** The log after `snapshot.index`. */
  entries: Entry[];
}

/** One simulated node. */
export interface SimNode {
  readonly id: NodeId;
  /** The running core, or undefined while crashed. */
  raw: RawNode | undefined;
  sm: SimStateMachine | undefined;
  /** What survived on "disk". */
  readonly disk: Persisted;
  /** Index last applied by the current incarnation. */
  applied: number;
  /** Ticks per step of this node's clock (see `SimulationOptions.clockSkew`). */
  readonly clockRate: number;
}
