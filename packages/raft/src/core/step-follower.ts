import { syncConf } from './membership.js';
import { type Message, MessageType } from './messages.js';
import type { Raft } from './raft.js';

/** Follower handling of a current-term message. */
export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.App:
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppend(r, m);
      return;
    case MessageType.Heartbeat:
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return;
    case MessageType.ReadIndexResp:
      // The leader confirmed our read at m.index (thesis §6.4: a follower serves it once applied).
      if (m.context !== undefined) r.readStates.push({ index: m.index, context: m.context });
      return;
    case MessageType.TimeoutNow:
      // The leader hands leadership to us (thesis §3.10): campaign now, skipping pre-vote and leases.
      r.logger.info({ from: m.from, term: r.term }, 'campaigning on TimeoutNow');
      r.hup(true);
      return;
    default:
      // ReadIndex goes to the leader only; answers to requests we did not make (stale VoteResp,
      // AppResp) are ignored.
      return;
  }
}

/**
 * AppendEntries receiver (paper Figure 2). On a failed consistency check the answer carries a
 * hint (thesis §5.3 / etcd): the largest index <= the probed one whose term is <= the probed term,
 * so the leader skips whole terms of conflicting entries in one round trip.
 */
export function handleAppend(r: Raft, m: Message): void {
  const log = r.log;
  if (m.index < log.committed) {
    // Everything up to commit is already known to match; tell the leader where we are.
    r.send({ type: MessageType.AppResp, to: m.from, index: log.committed });
    return;
  }
  const lastNew = log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew >= 0) {
    if (m.entries.length > 0) syncConf(r);
    r.send({ type: MessageType.AppResp, to: m.from, index: lastNew });
    return;
  }
  const hintIndex = log.findConflictByTerm(Math.min(m.index, log.lastIndex()), m.logTerm);
  r.send({
    type: MessageType.AppResp,
    to: m.from,
    index: m.index,
    reject: true,
    rejectHint: hintIndex,
    logTerm: Math.max(0, log.term(hintIndex)),
  });
}

/** Heartbeat receiver: advance commit (the leader sends min(our match, its commit)) and answer. */
export function handleHeartbeat(r: Raft, m: Message): void {
  // A commit beyond our log can only come from a confused or malicious sender; never trust it.
  if (m.commit <= r.log.lastIndex()) r.log.commitTo(m.commit);
  // Echo the lease stamp and the read context: the leader counts this answer for both.
  r.send({ type: MessageType.HeartbeatResp, to: m.from, index: m.index, context: m.context });
}
