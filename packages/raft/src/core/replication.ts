import { MessageType } from './messages.js';
import type { Raft } from './raft.js';
import { sendSnapshot } from './snapshot.js';

/**
 * Leader: sends `to` the entries from its `next`, unless its progress is paused (probe answer
 * outstanding, or inflight window full). With `sendIfEmpty` false nothing is sent when there is
 * nothing new. Returns true if a message was sent.
 */
export function maybeSendAppend(r: Raft, to: number, sendIfEmpty: boolean): boolean {
  const pr = r.prs.progress.get(to);
  if (pr === undefined || pr.isPaused()) return false;
  const log = r.log;
  const prevIndex = pr.next - 1;
  const prevTerm = log.term(prevIndex);
  if (prevTerm < 0) {
    // The follower needs entries we compacted away: it needs a snapshot.
    sendSnapshot(r, to);
    return true;
  }
  const entries =
    pr.next <= log.lastIndex() ? log.slice(pr.next, log.lastIndex() + 1, r.cfg.maxSizePerMsg) : [];
  if (entries.length === 0 && !sendIfEmpty) return false;
  r.send({
    type: MessageType.App,
    to,
    index: prevIndex,
    logTerm: prevTerm,
    entries,
    commit: log.committed,
  });
  pr.sentEntries(entries.length, prevIndex + entries.length);
  return true;
}

/** Leader: sends one App to `to` (possibly empty, to carry commit or probe). */
export function sendAppend(r: Raft, to: number): void {
  maybeSendAppend(r, to, true);
}

/** Leader: sends an App to every other member. */
export function broadcastAppend(r: Raft): void {
  for (const id of r.prs.progress.keys()) {
    if (id !== r.id) sendAppend(r, id);
  }
}

/** Leader: sends new entries to every other member that is not paused, as many Apps as the window allows. */
export function broadcastNewEntries(r: Raft): void {
  for (const id of r.prs.progress.keys()) {
    if (id === r.id) continue;
    while (maybeSendAppend(r, id, false)) {
      // keep filling the window
    }
  }
}
