import type { Message } from '../core/messages.js';
import type { Entry, SnapshotMetadata } from '../core/types.js';

/** A snapshot's bytes, as a stream of chunks (never one buffer: states can be gigabytes). */
export type SnapshotChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Carries Raft messages between nodes. Implemented by `@reg/transport-ws` over the network and by
 * {@link MemoryNetwork} in process. Delivery is best effort: messages may be lost, duplicated or
 * reordered, and Raft stays safe; only liveness needs most messages to arrive.
 */
export interface Transport {
  /**
   * Starts delivering messages addressed to this node to `receive`. `receive` may be called with
   * anything (it validates); it must not be called after {@link stop} resolved.
   */
  start(receive: (message: Message) => void): void | Promise<void>;
  /** Sends messages (fire-and-forget). Must not throw for unreachable peers; drop instead. */
  send(messages: readonly Message[]): void;
  /** Stops sending and delivering. Idempotent. */
  stop(): void | Promise<void>;
}

/**
 * The replicated application. `apply` is called once per committed entry that carries data, in
 * log order, on every node, with the same entries everywhere (state-machine safety). It must be
 * deterministic: the same entries in the same order give the same state and results.
 *
 * After a restart the driver replays committed entries after `appliedIndex()` (0 by default), so a
 * state machine kept only in memory is rebuilt from the log.
 */
export interface StateMachine<R = unknown> {
  /**
   * Applies one committed entry and returns the result handed to the proposer (on the node where
   * it was proposed). May return a promise; the driver applies the next entry only after it settles.
   * A throw or rejection is fatal for the node (a state machine must not diverge).
   */
  apply(entry: Entry): R | Promise<R>;
  /**
   * For state machines that persist themselves: the index of the last entry already applied
   * durably, so a restart replays only what follows. Default 0.
   */
  appliedIndex?(): number;
  /**
   * Optional capability (with {@link restore}): a point-in-time snapshot of the state after every
   * entry applied so far, as a stream of chunks. The driver calls it between applies; the stream
   * may be read slowly, while later entries are applied, so it must not see them (copy-on-write, a
   * database snapshot, or an immutable structure). Used to compact the log and to bring a follower
   * that is behind the compacted log up to date (InstallSnapshot).
   */
  snapshot?(): SnapshotChunks;
  /**
   * Optional capability (with {@link snapshot}): replaces the whole state with a snapshot's,
   * streamed. The driver applies nothing while it runs, and continues after `metadata.index` once it
   * resolved. A rejection leaves the state unusable until another snapshot is restored.
   */
  restore?(chunks: AsyncIterable<Uint8Array>, metadata: SnapshotMetadata): Promise<void> | void;
}
