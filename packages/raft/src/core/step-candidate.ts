import { type Message, MessageType } from './messages.js';
import type { Raft } from './raft.js';
import { broadcastAppend } from './replication.js';
import { handleAppend, handleHeartbeat } from './step-follower.js';
import { NONE } from './types.js';

/** Candidate and pre-candidate handling of a current-term message. */
export function stepCandidate(r: Raft, m: Message): void {
  // A pre-candidate counts PreVoteResp; a candidate counts VoteResp; the other kind is stale.
  const myVoteResp = r.role === 'pre-candidate' ? MessageType.PreVoteResp : MessageType.VoteResp;
  switch (m.type) {
    case MessageType.App:
      // Someone won this term (paper §5.2: "if AppendEntries received from new leader: convert to follower").
      r.becomeFollower(m.term, m.from);
      handleAppend(r, m);
      return;
    case MessageType.Heartbeat:
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return;
    case MessageType.VoteResp:
    case MessageType.PreVoteResp: {
      if (m.type !== myVoteResp) return;
      const result = r.prs.recordVote(m.from, !m.reject);
      if (result === 'won') {
        if (r.role === 'pre-candidate') r.campaign('election', false);
        else {
          r.becomeLeader();
          // Let the no-op reach followers at once (they are in Probe: one App each).
          broadcastAppend(r);
        }
      } else if (result === 'lost') {
        // Fall back to follower (paper §5.2); a lost pre-vote leaves the term unchanged.
        r.becomeFollower(r.term, NONE);
      }
      return;
    }
    default:
      return;
  }
}
