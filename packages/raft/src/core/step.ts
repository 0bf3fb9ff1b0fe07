import { maybeStepDownRemoved } from './membership.js';
import { type Message, MessageType } from './messages.js';
import type { Raft } from './raft.js';
import { broadcastHeartbeat } from './read-index.js';
import { stepCandidate } from './step-candidate.js';
import { stepFollower } from './step-follower.js';
import { stepLeader } from './step-leader.js';
import { abortTransfer } from './transfer.js';
import { NONE } from './types.js';

/**
 * Feeds one validated message from a known member into `r`: the term rules every role shares
 * (paper §5.1: a higher term makes us follower; a lower term is stale), then the role's handler.
 */
export function step(r: Raft, m: Message): void {
  if (m.term > r.term) {
    if (r.inLease(m)) {
      // We heard from a leader within the minimum election timeout: a node that could not hear
      // it (e.g. just rejoined from a partition) must not disrupt it (thesis §4.2.3).
      r.logger.debug({ from: m.from, term: m.term }, 'ignored vote request in lease');
      return;
    }
    if (m.type === MessageType.PreVote) {
      // A pre-vote never changes our term.
    } else if (m.type === MessageType.PreVoteResp && !m.reject) {
      // A granted pre-vote carries the term we would campaign in; counted below.
    } else if (
      m.type === MessageType.App ||
      m.type === MessageType.Heartbeat ||
      m.type === MessageType.Snapshot
    ) {
      r.becomeFollower(m.term, m.from);
    } else {
      r.becomeFollower(m.term, NONE);
    }
  } else if (m.term < r.term) {
    if (
      (r.cfg.checkQuorum || r.cfg.preVote) &&
      (m.type === MessageType.App || m.type === MessageType.Heartbeat)
    ) {
      // A stale leader (e.g. cut off and now back) learns the new term from this answer and steps
      // down; otherwise, with CheckQuorum/PreVote, nobody would ever tell it.
      r.send({ type: MessageType.AppResp, to: m.from });
    } else if (m.type === MessageType.PreVote) {
      // Reject so a pre-candidate with a stale term learns ours and stops.
      r.send({ type: MessageType.PreVoteResp, to: m.from, reject: true });
    }
    return;
  }

  switch (m.type) {
    case MessageType.Vote:
    case MessageType.PreVote:
      r.handleVoteRequest(m);
      return;
    default:
      break;
  }
  switch (r.role) {
    case 'leader':
      stepLeader(r, m);
      maybeStepDownRemoved(r);
      return;
    case 'candidate':
    case 'pre-candidate':
      stepCandidate(r, m);
      return;
    default:
      stepFollower(r, m);
  }
}

/** Advances the logical clock by one tick. */
export function tick(r: Raft): void {
  r.ticksSinceStart++;
  if (r.role === 'leader') tickHeartbeat(r);
  else tickElection(r);
}

function tickElection(r: Raft): void {
  r.electionElapsed++;
  if (r.promotable() && r.electionElapsed >= r.randomizedElectionTimeout) {
    r.electionElapsed = 0;
    r.hup();
  }
}

function tickHeartbeat(r: Raft): void {
  r.heartbeatElapsed++;
  r.electionElapsed++;
  r.leaderTicks++;
  if (r.electionElapsed >= r.cfg.electionTick) {
    r.electionElapsed = 0;
    abortTransfer(r, 'target did not take over within an election timeout');
    if (r.cfg.checkQuorum && !r.prs.quorumActive(r.id)) {
      // Cannot reach a quorum: step down so clients go elsewhere (thesis §6.2).
      r.logger.info({ term: r.term }, 'stepped down: quorum inactive');
      r.becomeFollower(r.term, NONE);
      return;
    }
  }
  if (r.heartbeatElapsed >= r.cfg.heartbeatTick) {
    r.heartbeatElapsed = 0;
    // Carrying the newest unconfirmed read retries it when an earlier round's messages were lost.
    broadcastHeartbeat(r, r.readOnly.lastContext());
  }
}
