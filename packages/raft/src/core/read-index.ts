import { type Message, MessageType } from './messages.js';
import { committedIndex, voteResult } from './quorum/majority.js';
import type { Raft } from './raft.js';
import { NONE } from './types.js';

/** Requests held until the leader commits an entry of its term (bounded: a misbehaving peer cannot grow it). */
const MAX_PENDING_BEFORE_COMMIT = 4096;

/**
 * Leader: handles a read request (`m.from` is the asking node, or the leader itself). The read
 * index is the commit index, but only once an entry of the current term is committed: before
 * that, the commit index may lag entries earlier leaders committed (thesis §6.4 step 1).
 */
export function leaderReadIndex(r: Raft, m: Message): void {
  if (r.prs.voters.length === 1 && r.prs.voters[0] === r.id) {
    answerRead(r, m, r.log.committed);
    return;
  }
  if (r.log.term(r.log.committed) !== r.term) {
    if (r.pendingReadIndex.length < MAX_PENDING_BEFORE_COMMIT) r.pendingReadIndex.push(m);
    return;
  }
  if (r.cfg.readOnlyOption === 'lease-based' && leaseValid(r)) {
    answerRead(r, m, r.log.committed);
    return;
  }
  const ctx = m.context!;
  if (!r.readOnly.add(r.log.committed, m, ctx)) return;
  confirmRead(r, r.id, ctx);
  broadcastHeartbeat(r, ctx);
}

/** Leader: the first entry of its term committed; serves the reads that waited for it. */
export function releasePendingReads(r: Raft): void {
  if (r.pendingReadIndex.length === 0 || r.log.term(r.log.committed) !== r.term) return;
  const held = r.pendingReadIndex;
  r.pendingReadIndex = [];
  for (const m of held) leaderReadIndex(r, m);
}

/** Leader: `from` acknowledged a heartbeat carrying `ctx`; answers every read a quorum confirmed. */
export function confirmRead(r: Raft, from: number, ctx: Uint8Array): void {
  const acks = r.readOnly.ack(from, ctx);
  if (acks === undefined || voteResult(r.prs.voters, acks) !== 'won') return;
  for (const { index, req } of r.readOnly.release(ctx)) answerRead(r, req, index);
}

function answerRead(r: Raft, req: Message, index: number): void {
  if (req.from === r.id || req.from === NONE) {
    r.readStates.push({ index, context: req.context! });
  } else {
    r.send({ type: MessageType.ReadIndexResp, to: req.from, index, context: req.context });
  }
}

/** Leader: a heartbeat to every other member; carries `ctx` (a read to confirm) and the lease stamp. */
export function broadcastHeartbeat(r: Raft, ctx: Uint8Array | undefined): void {
  // The follower echoes the stamp; only lease reads use it, so safe mode keeps index 0.
  const index = r.cfg.readOnlyOption === 'lease-based' ? r.leaderTicks : 0;
  for (const [id, pr] of r.prs.progress) {
    if (id === r.id) continue;
    const commit = Math.min(pr.match, r.log.committed);
    if (ctx === undefined) r.send({ type: MessageType.Heartbeat, to: id, commit, index });
    else r.send({ type: MessageType.Heartbeat, to: id, commit, index, context: ctx });
  }
}

/** Leader: records a heartbeat acknowledgement's lease stamp (the leader tick it was sent at). */
export function recordLeaseAck(r: Raft, from: number, stamp: number): void {
  if (stamp > (r.leaseAcks.get(from) ?? 0)) r.leaseAcks.set(from, stamp);
}

/**
 * Leader: true while a quorum acknowledged a heartbeat sent less than `leaseTicks` ticks ago, no
 * leadership transfer is under way and no TimeoutNow was sent this term (a transfer's campaign
 * ignores the followers' leases, whenever its TimeoutNow arrives).
 */
export function leaseValid(r: Raft): boolean {
  if (r.role !== 'leader' || r.leadTransferee !== NONE || r.leaseForfeited) return false;
  const stamp = committedIndex(r.prs.voters, (id) =>
    id === r.id ? r.leaderTicks : (r.leaseAcks.get(id) ?? 0),
  );
  return stamp > 0 && r.leaderTicks - stamp < r.leaseTicks;
}
