import type { Entry, HardState, SnapshotMetadata } from '../core/types.js';

/**
 * Everything a node persisted, as returned by {@link LogStorage.load} at start.
 *
 * Invariants:
 * - `entries` are contiguous: `entries[i].index === snapshot.index + 1 + i`;
 * - terms never decrease along `entries`, and `entries[0].term >= snapshot.term`;
 * - `hardState.commit <= snapshot.index + entries.length` (the last stored index).
 */
export interface PersistedState {
  /** The last durable hard state, or `EMPTY_HARD_STATE` for a fresh store. */
  readonly hardState: HardState;
  /**
   * The compaction point. `{ index: 0, term: 0, confState: <empty> }` for a fresh store; the
   * driver then takes the configuration from its options. After {@link LogStorage.compact} it is the
   * metadata passed there.
   */
  readonly snapshot: SnapshotMetadata;
  /** The log after the compaction point, in index order. */
  readonly entries: readonly Entry[];
}

/**
 * One atomic, durable write: an optional log suffix and an optional new hard state.
 */
export interface AppendBatch {
  /**
   * Entries to store, contiguous and in index order (may be empty). If `entries[0].index` is at or
   * below the last stored index, every stored entry with index `>= entries[0].index` is deleted
   * first (a follower overwriting a conflicting suffix, Raft paper Figure 2 "AppendEntries" step 3).
   * Requirement: `snapshot.index < entries[0].index <= lastIndex + 1`.
   */
  readonly entries: readonly Entry[];
  /** A new hard state to store in the same atomic write, if it changed. */
  readonly hardState?: HardState;
}

/**
 * The durable log and hard state of one Raft node. Implemented by storage packages
 * (`MemoryLogStorage` here; a LevelDB one in `@reg/storage-level`) and driven by `RaftNode`.
 *
 * The driver keeps the uncompacted log in memory, so storage is only asked to load once, append,
 * compact and close; it is never read on the hot path.
 *
 * ## Contract
 * - **Durability.** When a returned promise resolves, the write survives a process crash and a
 *   power loss (fsync or equivalent). The driver sends messages that depend on a write (votes,
 *   append acknowledgements) only after it resolved, which is what makes Raft safe.
 * - **Atomicity.** {@link append} is all-or-nothing: after a crash, {@link load} returns either the
 *   state before the batch or the state after it (truncation, entries and hard state together),
 *   never a mix.
 * - **Ordering.** The driver issues one call at a time and waits for it to settle before the next.
 *   Implementations need not support overlapping calls, but if they receive them they must apply
 *   them in call order.
 * - **Validation.** A call that breaks a requirement stated on it (non-contiguous entries, an index
 *   outside the allowed range, decreasing term or commit) rejects with a `RaftError` of code
 *   `RAFT_STORAGE_INVALID` (or the implementation's own typed error) and changes nothing.
 * - **Failure.** If a write fails (I/O error, closed store), the promise rejects and the stored
 *   state is one of "before" or "after" per the atomicity rule. The driver then stops the node:
 *   it never retries a write it cannot prove durable, and it never answers as if it succeeded.
 *   After {@link close}, every call rejects with code `RAFT_STORAGE_FAILED` (or the
 *   implementation's own typed error).
 *
 * ## Evolution
 * The interface grows only by optional capabilities (hashicorp style), so existing implementations
 * keep working. Snapshots use three optional methods, {@link installSnapshot}, {@link saveSnapshot}
 * and {@link loadSnapshot} (see `runLogStorageSuite`'s snapshot cases): without `installSnapshot` a
 * node cannot receive snapshots from a leader; without `saveSnapshot`/`loadSnapshot` only a state
 * machine that persists itself (`appliedIndex`) lets the log be compacted.
 */
export interface LogStorage {
  /**
   * Reads everything persisted. Called once, before any other method. A fresh store returns the
   * empty hard state, a zero snapshot and no entries.
   */
  load(): Promise<PersistedState>;

  /**
   * Durably writes `batch` (see {@link AppendBatch}): truncates a conflicting suffix, appends the
   * entries and stores the hard state, atomically. An empty batch (no entries, no hard state)
   * resolves without writing.
   */
  append(batch: AppendBatch): Promise<void>;

  /**
   * Discards entries up to and including `snapshot.index` and records `snapshot` as the new
   * compaction point; later {@link load} calls return it. The caller guarantees the state machine
   * has a snapshot covering `snapshot.index` (issue 4).
   *
   * Requirements: `snapshot.index <= lastIndex` and the stored entry at `snapshot.index` has term
   * `snapshot.term` (unless it equals the current compaction point, which is a no-op).
   * `snapshot.index` below the current compaction point rejects with `RAFT_STORAGE_COMPACTED`.
   */
  compact(snapshot: SnapshotMetadata): Promise<void>;

  /**
   * Optional capability: records that the state machine was restored to the snapshot `snapshot`
   * (received from the leader), atomically and durably: if the stored entry at `snapshot.index` has
   * term `snapshot.term`, the entries after it are kept, otherwise every entry is dropped; the
   * compaction point becomes `snapshot`, and the hard state's commit is raised to at least
   * `snapshot.index`. Later appends continue after `snapshot.index` (or after the kept entries).
   * `snapshot.index` below the current compaction point rejects with `RAFT_STORAGE_COMPACTED`.
   */
  installSnapshot?(snapshot: SnapshotMetadata): Promise<void>;

  /**
   * Optional capability (with {@link loadSnapshot}): durably stores a state-machine snapshot,
   * streamed, replacing the previous one only once the whole stream is stored (a crash or a failed
   * stream leaves the previous one). Lets a node whose state machine lives in memory compact its log
   * and restart from the snapshot plus the log tail. May run while other calls are in flight.
   */
  saveSnapshot?(snapshot: SnapshotMetadata, chunks: AsyncIterable<Uint8Array>): Promise<void>;

  /** Optional capability: the last snapshot {@link saveSnapshot} stored, streamed, or undefined. */
  loadSnapshot?(): Promise<{ snapshot: SnapshotMetadata; chunks: AsyncIterable<Uint8Array> } | undefined>;

  /** Releases resources. Idempotent. Later calls to other methods reject. */
  close(): Promise<void>;
}
