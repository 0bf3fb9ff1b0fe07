import { RaftError } from '../errors.js';
import { MessageType } from './messages.js';
import type { Raft } from './raft.js';
import { sendAppend } from './replication.js';
import { NONE, type NodeId } from './types.js';

/**
 * Leader: starts handing leadership to voter `to` (thesis §3.10). Proposals are refused while the
 * transfer runs; `to` is first brought up to date, then told to campaign at once (TimeoutNow). The
 * transfer aborts if `to` has not taken over within an election timeout.
 */
export function transferLeadership(r: Raft, to: NodeId): void {
  if (r.role !== 'leader') {
    throw new RaftError('RAFT_NOT_LEADER', `node ${r.id} is not the leader (leader: ${r.lead})`, {
      leader: r.lead,
    });
  }
  if (!r.prs.voters.includes(to)) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `transfer target ${to} is not a voter`);
  }
  if (to === r.id || r.leadTransferee === to) return;
  if (r.leadTransferee !== NONE) {
    r.logger.info({ from: r.leadTransferee, to }, 'leadership transfer redirected');
  }
  r.leadTransferee = to;
  // The transfer has one election timeout, counted from now.
  r.electionElapsed = 0;
  r.logger.info({ to, term: r.term }, 'leadership transfer started');
  maybeSendTimeoutNow(r);
}

/**
 * Leader: sends TimeoutNow once the transferee's log matches ours (otherwise it could not win, or
 * would win without our latest entries' being safe: the election restriction decides); until then,
 * keeps replicating to it.
 */
export function maybeSendTimeoutNow(r: Raft): void {
  const to = r.leadTransferee;
  const pr = r.prs.progress.get(to);
  if (to === NONE || pr === undefined) return;
  if (pr.match === r.log.lastIndex()) {
    r.logger.info({ to, term: r.term }, 'sent TimeoutNow');
    // The target may campaign whenever it arrives, past the other followers' leases, even after
    // this transfer was given up: no lease read is safe for the rest of the term.
    r.leaseForfeited = true;
    r.send({ type: MessageType.TimeoutNow, to });
  } else {
    sendAppend(r, to);
  }
}

/** Leader: gives up a transfer that took an election timeout (called from the leader's tick). */
export function abortTransfer(r: Raft, why: string): void {
  if (r.leadTransferee === NONE) return;
  r.logger.info({ to: r.leadTransferee, term: r.term }, `leadership transfer aborted: ${why}`);
  r.leadTransferee = NONE;
}
