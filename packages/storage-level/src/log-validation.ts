import { type Entry, RaftError, type SnapshotMetadata } from '@reg/raft';

/** Checks an append's entries: contiguous from `firstIndex`, terms never below `prevTerm`, known types, bytes. */
export function validateEntries(firstIndex: number, prevTerm: number, entries: readonly Entry[]): void {
  let term = prevTerm;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Entry;
    if (typeof e !== 'object' || e === null || e.index !== firstIndex + i) {
      throw new RaftError('RAFT_STORAGE_INVALID', `entry ${i} has index ${e?.index}, want ${firstIndex + i}`);
    }
    if (!Number.isSafeInteger(e.term) || e.term < term || e.term < 1) {
      throw new RaftError('RAFT_STORAGE_INVALID', `entry ${e.index} has term ${e.term} after term ${term}`);
    }
    if (e.type !== 0 && e.type !== 1)
      throw new RaftError('RAFT_STORAGE_INVALID', `entry ${e.index} has type ${e.type}`);
    if (!(e.data instanceof Uint8Array)) {
      throw new RaftError('RAFT_STORAGE_INVALID', `entry ${e.index} data is not a Uint8Array`);
    }
    term = e.term;
  }
}

/** Checks snapshot metadata given to `installSnapshot` or `saveSnapshot` before anything is written. */
export function validateSnapshotMetadata(snapshot: SnapshotMetadata): void {
  const ids = (v: unknown) => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && x >= 0);
  const c = typeof snapshot === 'object' && snapshot !== null ? snapshot.confState : undefined;
  if (
    typeof snapshot !== 'object' ||
    snapshot === null ||
    !Number.isSafeInteger(snapshot.index) ||
    !Number.isSafeInteger(snapshot.term) ||
    snapshot.index < 0 ||
    snapshot.term < 0 ||
    typeof c !== 'object' ||
    c === null ||
    !ids(c.voters) ||
    !ids(c.learners) ||
    !ids(c.votersOutgoing) ||
    !ids(c.learnersNext) ||
    typeof c.autoLeave !== 'boolean'
  ) {
    throw new RaftError('RAFT_STORAGE_INVALID', 'snapshot metadata is malformed');
  }
}
