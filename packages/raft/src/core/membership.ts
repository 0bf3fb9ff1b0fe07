import { RaftError } from '../errors.js';
import {
  applyConfChange,
  type ConfChange,
  decodeConfChangeEntry,
  encodeConfChangeEntry,
} from './conf-change.js';
import { MessageType } from './messages.js';
import type { Raft } from './raft.js';
import { broadcastNewEntries } from './replication.js';
import { type ConfState, EntryType, NONE } from './types.js';

/**
 * Puts the latest configuration in the log in force (thesis §4.1: a server uses the latest
 * configuration in its log, committed or not). Called whenever entries are appended or truncated,
 * so a configuration whose entry is overwritten reverts too.
 */
export function syncConf(r: Raft): void {
  const at = r.log.lastConfIndex();
  if (at === r.confIndex) return;
  const conf = at === 0 ? r.baseConf : decodeConfChangeEntry(r.log.entryAt(at)).confState;
  const idx = r.log.confIndexes;
  const before = idx.length >= 2 ? idx[idx.length - 2]! : 0;
  r.prevVoters =
    at === 0
      ? []
      : (before === 0 ? r.baseConf : decodeConfChangeEntry(r.log.entryAt(before)).confState).voters;
  r.confIndex = at;
  r.prs.applyConf(conf, r.log.lastIndex());
  r.logger.info(
    { index: at, voters: conf.voters.join(','), learners: conf.learners.join(',') },
    'configuration changed',
  );
}

/** The configuration in force. */
export function currentConf(r: Raft): ConfState {
  return r.prs.confState();
}

/**
 * Leader: appends a single-server configuration change. Refused with
 * `RAFT_CONF_CHANGE_IN_PROGRESS` until the leader has committed an entry of its own term (the fix
 * to single-server changes: a leader's term must be established before its configuration can
 * differ from its predecessor's) and while an earlier change is not yet committed: two pending
 * single-server changes could form configurations without a common majority.
 */
export function proposeConfChange(r: Raft, cc: ConfChange): { index: number; term: number } {
  if (r.role !== 'leader') {
    throw new RaftError('RAFT_NOT_LEADER', `node ${r.id} is not the leader (leader: ${r.lead})`, {
      leader: r.lead,
    });
  }
  if (r.leadTransferee !== NONE) {
    throw new RaftError('RAFT_LEADER_TRANSFERRING', `node ${r.id} is handing leadership over`, {
      leader: r.id,
    });
  }
  const next = applyConfChange(currentConf(r), cc);
  if (r.log.term(r.log.committed) !== r.term) {
    throw new RaftError(
      'RAFT_CONF_CHANGE_IN_PROGRESS',
      'the leader has not committed an entry of its term yet',
      {
        leader: r.id,
      },
    );
  }
  if (r.confIndex > r.log.committed) {
    throw new RaftError(
      'RAFT_CONF_CHANGE_IN_PROGRESS',
      `configuration change ${r.confIndex} is not committed yet`,
      {
        leader: r.id,
      },
    );
  }
  const at = r.appendEntries([encodeConfChangeEntry({ change: cc, confState: next })], EntryType.ConfChange);
  broadcastNewEntries(r);
  return { index: at.firstIndex, term: at.term };
}

/**
 * Leader no longer a voter (removed, or demoted to learner): once the change is committed, it hands
 * leadership to the most up-to-date voter (TimeoutNow; the voters accept it from their current
 * leader even though it left the configuration) and steps down (thesis §4.2.2).
 */
export function maybeStepDownRemoved(r: Raft): void {
  if (r.role !== 'leader' || r.prs.voters.includes(r.id) || r.confIndex > r.log.committed) return;
  let best = NONE;
  for (const id of r.prs.voters) {
    const pr = r.prs.progress.get(id);
    if (pr !== undefined && pr.match === r.log.lastIndex() && (best === NONE || id < best)) best = id;
  }
  if (best !== NONE) {
    r.leaseForfeited = true;
    r.send({ type: MessageType.TimeoutNow, to: best });
  }
  r.logger.info({ term: r.term, successor: best }, 'stepped down: removed from the configuration');
  r.becomeFollower(r.term, NONE);
}
