import type { AppendBatch, LogStorage, PersistedState, SnapshotMetadata } from '@reg/raft';

/** The Raft log holds less than the state says was applied (the log folder was lost or swapped). */
export class LogBehindStateError extends Error {
  override name = 'LogBehindStateError';
}

/**
 * Wraps the Raft log so its load checks it against the applied-index checkpoint. A checkpoint
 * beyond the log's last entry means the log was replaced or lost while the state survived;
 * starting anyway would re-use indexes the modules consider applied and silently skip new
 * writes, so the start fails instead.
 */
export function checkedLog(inner: LogStorage, applied: () => number, location: string): LogStorage {
  return {
    async load(): Promise<PersistedState> {
      const state = await inner.load();
      // Compared with the last entry, not the commit index: a commit-only change is not fsynced
      // (the log storage may lose it in a power cut, Raft relearns it), but every applied entry was.
      const last = state.snapshot.index + state.entries.length;
      if (applied() > last) {
        throw new LogBehindStateError(
          `the Raft log at ${location} holds entries up to index ${last}, but the stored state was applied up to ${applied()}: the log was lost or replaced. Restore it. Otherwise, on a cluster member: remove it from cluster.conf on the other members, delete both its log and its storage, then list it again (it rejoins as a new learner and catches up; restarting it empty while still listed is not enough, the leader would still count its old entries). Standalone: delete both to start empty`,
        );
      }
      return state;
    },
    append: (batch: AppendBatch) => inner.append(batch),
    compact: (snapshot: SnapshotMetadata) => inner.compact(snapshot),
    // Optional capabilities pass through only when the inner log has them (Raft probes for them).
    ...(inner.installSnapshot === undefined
      ? {}
      : { installSnapshot: (snapshot: SnapshotMetadata) => inner.installSnapshot!(snapshot) }),
    close: () => inner.close(),
  };
}
