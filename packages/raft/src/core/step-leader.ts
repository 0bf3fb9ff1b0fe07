import { type Message, MessageType } from './messages.js';
import type { Raft } from './raft.js';
import { confirmRead, leaderReadIndex, recordLeaseAck } from './read-index.js';
import { broadcastAppend, maybeSendAppend, sendAppend } from './replication.js';
import { ProgressState } from './tracker/progress.js';
import { maybeSendTimeoutNow } from './transfer.js';

/** Leader handling of a current-term message. */
export function stepLeader(r: Raft, m: Message): void {
  const pr = r.prs.progress.get(m.from);
  if (pr === undefined) return;
  switch (m.type) {
    case MessageType.AppResp:
      pr.recentActive = true;
      if (m.reject) {
        handleAppReject(r, m);
        return;
      }
      handleAppAccept(r, m);
      return;
    case MessageType.HeartbeatResp:
      pr.recentActive = true;
      // A heartbeat answer proves the follower is alive: let a paused probe resend, and if a full
      // window's appends were all lost, free a slot so the next append exposes the gap (the
      // follower rejects it and we fall back to probing) instead of stalling forever.
      pr.probeSent = false;
      if (pr.state === ProgressState.Replicate && pr.inflights.full()) pr.inflights.freeFirstOne();
      if (pr.match < r.log.lastIndex()) sendAppend(r, m.from);
      if (m.index > 0) recordLeaseAck(r, m.from, m.index);
      if (m.context !== undefined) confirmRead(r, m.from, m.context);
      // Resends TimeoutNow if the first one was lost (the transferee is still our follower).
      if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) maybeSendTimeoutNow(r);
      return;
    case MessageType.ReadIndex:
      leaderReadIndex(r, m);
      return;
    default:
      // Another "leader" of our term is impossible (election safety); stale answers are ignored.
      return;
  }
}

function handleAppReject(r: Raft, m: Message): void {
  const pr = r.prs.progress.get(m.from)!;
  // Fast backtracking: the follower says nothing above rejectHint can match, and that its entry
  // there has term logTerm. Skip further, to the last index of ours with term <= logTerm: entries
  // between would conflict anyway.
  let nextProbe = m.rejectHint;
  if (m.logTerm > 0) nextProbe = r.log.findConflictByTerm(m.rejectHint, m.logTerm);
  if (pr.maybeDecrTo(m.index, nextProbe)) {
    r.logger.debug({ from: m.from, rejected: m.index, next: pr.next }, 'append rejected, backing off');
    if (pr.state === ProgressState.Replicate) pr.becomeProbe();
    sendAppend(r, m.from);
  }
}

function handleAppAccept(r: Raft, m: Message): void {
  const pr = r.prs.progress.get(m.from)!;
  const wasPaused = pr.isPaused();
  if (!pr.maybeUpdate(m.index)) {
    if (wasPaused && !pr.isPaused()) sendAppend(r, m.from);
    return;
  }
  if (pr.state === ProgressState.Probe) pr.becomeReplicate();
  else if (pr.state === ProgressState.Snapshot && pr.match >= pr.pendingSnapshot) pr.becomeReplicate();
  else if (pr.state === ProgressState.Replicate) pr.inflights.freeLE(m.index);
  if (r.maybeCommit()) {
    // Tell everyone the new commit index (and send whatever else is pending).
    broadcastAppend(r);
  } else if (wasPaused) {
    sendAppend(r, m.from);
  }
  // Keep the window full while there are entries to send.
  while (maybeSendAppend(r, m.from, false)) {
    // loop until paused or caught up
  }
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) maybeSendTimeoutNow(r);
}
