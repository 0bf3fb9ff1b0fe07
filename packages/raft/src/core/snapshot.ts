import { RaftError } from '../errors.js';
import { decodeConfChangeEntry } from './conf-change.js';
import { syncConf } from './membership.js';
import { type Message, MessageType } from './messages.js';
import type { Raft } from './raft.js';
import { ProgressState } from './tracker/progress.js';
import type { ConfState, NodeId, SnapshotMetadata } from './types.js';

/** The configuration in force at `index` (the latest ConfChange entry at or before it). */
function confAt(r: Raft, index: number): ConfState {
  let at = 0;
  for (const i of r.log.confIndexes) if (i <= index) at = i;
  return at === 0 ? r.baseConf : decodeConfChangeEntry(r.log.entryAt(at)).confState;
}

/**
 * Metadata of a state-machine snapshot taken after applying `index`: its term and the
 * configuration then. `index` must be in [compaction point, last index].
 */
export function snapshotMetadata(r: Raft, index: number): SnapshotMetadata {
  const term = r.log.term(index);
  if (!Number.isSafeInteger(index) || term < 0) {
    throw new RaftError(
      'RAFT_STORAGE_COMPACTED',
      `no entry ${index} in the log (first ${r.log.firstIndex()})`,
    );
  }
  return { index, term, confState: confAt(r, index) };
}

/**
 * Drops the log up to `index`, which the state machine's snapshot now covers (`index` <= applied).
 * Returns the new compaction point, for `LogStorage.compact`.
 */
export function compactLog(r: Raft, index: number): SnapshotMetadata {
  if (index > r.log.applied) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `cannot compact to ${index}: applied is ${r.log.applied}`);
  }
  const meta = snapshotMetadata(r, index);
  r.baseConf = meta.confState;
  r.log.compact(index);
  r.confIndex = r.log.lastConfIndex();
  return meta;
}

/** Leader: `to` needs entries we compacted: ask the driver to send it a snapshot. */
export function sendSnapshot(r: Raft, to: NodeId): void {
  const pr = r.prs.progress.get(to);
  if (pr === undefined) return;
  const meta = snapshotMetadata(r, r.log.snapshotIndex);
  pr.becomeSnapshot(meta.index);
  r.logger.info({ to, index: meta.index }, 'follower needs a snapshot');
  r.send({ type: MessageType.Snapshot, to, snapshot: meta });
}

/**
 * Leader: the driver finished (`ok`) or gave up sending a snapshot to `to`. Either way the follower
 * is probed again: after a success from past the snapshot, after a failure from its last known
 * match (which leads to a new snapshot if it is still needed).
 */
export function reportSnapshot(r: Raft, to: NodeId, ok: boolean): void {
  const pr = r.prs.progress.get(to);
  if (r.role !== 'leader' || pr === undefined || pr.state !== ProgressState.Snapshot) return;
  if (!ok) pr.pendingSnapshot = 0;
  pr.becomeProbe();
  r.logger.info({ to, ok, next: pr.next }, 'snapshot send reported');
}

/**
 * Follower: installs the snapshot of Snapshot message `m` once the driver has restored the state
 * machine from it. The snapshot holds committed entries only, so it is installed even if the term
 * moved on meanwhile (the state machine is already there); only a current leader's message also
 * makes us follow it. Returns false when it covers nothing new (nothing changes then). Answers the
 * sender with the new last index.
 */
export function installSnapshot(r: Raft, m: Message): boolean {
  const meta = m.snapshot;
  if (m.type !== MessageType.Snapshot || meta === undefined) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', 'installSnapshot takes a Snapshot message with metadata');
  }
  if (m.term > r.term || (m.term === r.term && r.role !== 'follower')) r.becomeFollower(m.term, m.from);
  if (m.term === r.term) {
    r.lead = m.from;
    r.electionElapsed = 0;
  }
  if (meta.index <= r.log.applied) {
    r.send({ type: MessageType.AppResp, to: m.from, index: r.log.committed });
    return false;
  }
  const keeps = r.log.matchTerm(meta.index, meta.term) && meta.index >= r.log.snapshotIndex;
  r.baseConf = keeps ? confAt(r, meta.index) : meta.confState;
  r.log.restore(meta.index, meta.term);
  r.confIndex = -1; // force re-evaluation
  syncConf(r);
  r.pendingSnapshot = meta;
  r.logger.info({ index: meta.index, term: meta.term, kept: keeps }, 'installed snapshot');
  r.send({ type: MessageType.AppResp, to: m.from, index: r.log.lastIndex() });
  return true;
}
