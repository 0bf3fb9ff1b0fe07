import { RaftError } from '../errors.js';
import type { ConfState, Entry, NodeId } from './types.js';

/**
 * One membership change: a single server at a time (Raft thesis §4.1), so the old and the new
 * configuration always share a majority.
 * - `add-voter`: add `node` as a voter, or promote it if it is a learner;
 * - `add-learner`: add `node` as a non-voting learner that receives the log (or demote a voter);
 * - `remove`: remove `node` (voter or learner). Removing the leader is allowed: it keeps leading
 *   until the change commits, then hands over and steps down.
 */
export interface ConfChange {
  readonly type: 'add-voter' | 'add-learner' | 'remove';
  readonly node: NodeId;
}

/** What a `ConfChange` entry carries: the change and the whole configuration it produces. */
export interface ConfChangeEntry {
  readonly change: ConfChange;
  readonly confState: ConfState;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The configuration after `cc`. Throws `RAFT_INVALID_ARGUMENT` for a malformed change, a change
 * that changes nothing, or one that would leave no voter; nothing is changed then.
 */
export function applyConfChange(conf: ConfState, cc: ConfChange): ConfState {
  const ok =
    typeof cc === 'object' &&
    cc !== null &&
    (cc.type === 'add-voter' || cc.type === 'add-learner' || cc.type === 'remove') &&
    Number.isSafeInteger(cc.node) &&
    cc.node > 0;
  if (!ok) throw new RaftError('RAFT_INVALID_ARGUMENT', 'a conf change is { type, node } with a positive id');
  const voters = conf.voters.filter((v) => v !== cc.node);
  const learners = conf.learners.filter((l) => l !== cc.node);
  if (cc.type === 'add-voter') voters.push(cc.node);
  if (cc.type === 'add-learner') learners.push(cc.node);
  voters.sort((a, b) => a - b);
  learners.sort((a, b) => a - b);
  const same =
    voters.length === conf.voters.length &&
    learners.length === conf.learners.length &&
    voters.every((v) => conf.voters.includes(v)) &&
    learners.every((l) => conf.learners.includes(l));
  if (same) throw new RaftError('RAFT_INVALID_ARGUMENT', `conf change ${cc.type} ${cc.node} changes nothing`);
  if (voters.length === 0) throw new RaftError('RAFT_INVALID_ARGUMENT', 'a configuration needs a voter');
  return { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false };
}

/** Encodes a ConfChange entry's payload (UTF-8 JSON, readable in any language). */
export function encodeConfChangeEntry(e: ConfChangeEntry): Uint8Array {
  return encoder.encode(
    JSON.stringify({
      change: { type: e.change.type, node: e.change.node },
      voters: e.confState.voters,
      learners: e.confState.learners,
    }),
  );
}

const isIds = (x: unknown): x is NodeId[] =>
  Array.isArray(x) && x.every((v) => Number.isSafeInteger(v) && (v as number) > 0);

/** Decodes a ConfChange entry's payload; throws `RAFT_INVALID_ARGUMENT` when malformed. */
export function decodeConfChangeEntry(entry: Entry): ConfChangeEntry {
  let x: { change?: { type?: unknown; node?: unknown }; voters?: unknown; learners?: unknown };
  try {
    x = JSON.parse(decoder.decode(entry.data));
  } catch (cause) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `conf change entry ${entry.index} is not JSON`, { cause });
  }
  const c = x?.change;
  if (
    typeof c !== 'object' ||
    c === null ||
    (c.type !== 'add-voter' && c.type !== 'add-learner' && c.type !== 'remove') ||
    !Number.isSafeInteger(c.node) ||
    !isIds(x.voters) ||
    !isIds(x.learners) ||
    x.voters.length === 0
  ) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `conf change entry ${entry.index} is malformed`);
  }
  return {
    change: { type: c.type, node: c.node as number },
    confState: {
      voters: x.voters,
      learners: x.learners,
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false,
    },
  };
}
