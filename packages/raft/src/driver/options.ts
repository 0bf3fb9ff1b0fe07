import type { RaftConfig } from '../core/config.js';
import type { Role } from '../core/raft.js';
import type { NodeId } from '../core/types.js';
import type { LogStorage } from '../storage/log-storage.js';
import type { StateMachine, Transport } from './interfaces.js';
import type { SnapshotOptions } from './snapshots.js';

/** Options of `RaftNode.start`. */
export interface RaftNodeOptions<R> extends Omit<RaftConfig, 'random' | 'applied'> {
  readonly storage: LogStorage;
  readonly transport: Transport;
  readonly stateMachine: StateMachine<R>;
  /** Milliseconds per tick. Default 100 (so electionTick 10 = 1-2 s election timeout). */
  readonly tickMs?: number;
  /** Election jitter source. Default: seeded from `Math.random()`. */
  readonly random?: RaftConfig['random'];
  /**
   * Log compaction and snapshot transfer. Compaction needs a state machine with `snapshot()` and
   * either `appliedIndex()` (it persists itself) or a storage with `saveSnapshot`/`loadSnapshot`;
   * receiving snapshots also needs `restore()` and `LogStorage.installSnapshot`. Defaults: compact
   * past 10,000 entries or 64 MiB applied; 1 MiB chunks.
   */
  readonly snapshots?: SnapshotOptions;
  /** Called when the known leader or this node's role changes. */
  readonly onLeaderChange?: (info: { leader: NodeId; role: Role; term: number }) => void;
}

/** Options of `RaftNode.stop`. */
export interface StopOptions {
  /**
   * When this node leads, first hand leadership to another voter (`true`: the most up-to-date one;
   * or a node id) and wait until it took over or the transfer aborted (at most about one election
   * timeout), so the cluster has a new leader at once instead of after an election timeout.
   */
  readonly transfer?: boolean | NodeId;
}
