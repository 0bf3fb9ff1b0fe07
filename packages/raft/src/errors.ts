import type { NodeId } from './core/types.js';

/** Every error code `@reg/raft` produces. Stable: callers match on `code`. */
export type RaftErrorCode =
  /** The configuration handed to the core or the driver is invalid. */
  | 'RAFT_INVALID_CONFIG'
  /** A proposal reached a node that is not the leader; `leader` names the known leader (or 0). */
  | 'RAFT_NOT_LEADER'
  /** A proposal was dropped (leadership lost before it committed, or the node stopped). */
  | 'RAFT_PROPOSAL_DROPPED'
  /** An argument (proposal payload, message) is malformed. Nothing was changed. */
  | 'RAFT_INVALID_ARGUMENT'
  /** A storage call violated the LogStorage contract (non-contiguous append, bad index). */
  | 'RAFT_STORAGE_INVALID'
  /** The requested index is at or below the compaction point. */
  | 'RAFT_STORAGE_COMPACTED'
  /** The storage failed or is closed; the node stops taking part. */
  | 'RAFT_STORAGE_FAILED'
  /** The state machine threw while applying a committed entry; the node stopped. */
  | 'RAFT_APPLY_FAILED'
  /** A linearizable read could not be confirmed (leadership changed, or no answer in time). */
  | 'RAFT_READ_LOST'
  /** The leader is handing leadership over and takes no proposals; retry on the new leader. */
  | 'RAFT_LEADER_TRANSFERRING'
  /** A leadership transfer did not complete (timed out, or another node took over). */
  | 'RAFT_TRANSFER_ABORTED'
  /** A membership change must wait: an earlier one is uncommitted, or the leader is new. Retry. */
  | 'RAFT_CONF_CHANGE_IN_PROGRESS'
  /** The node is stopped. */
  | 'RAFT_STOPPED'
  /** A core invariant broke. Fatal: never caught inside the library. */
  | 'RAFT_INVARIANT';

/** Every code, in catalogue order (the README "Errors" section follows it). */
export const RAFT_ERROR_CODES: readonly RaftErrorCode[] = [
  'RAFT_INVALID_CONFIG',
  'RAFT_NOT_LEADER',
  'RAFT_PROPOSAL_DROPPED',
  'RAFT_INVALID_ARGUMENT',
  'RAFT_STORAGE_INVALID',
  'RAFT_STORAGE_COMPACTED',
  'RAFT_STORAGE_FAILED',
  'RAFT_APPLY_FAILED',
  'RAFT_READ_LOST',
  'RAFT_LEADER_TRANSFERRING',
  'RAFT_TRANSFER_ABORTED',
  'RAFT_CONF_CHANGE_IN_PROGRESS',
  'RAFT_STOPPED',
  'RAFT_INVARIANT',
];

/** Options for {@link RaftError}. */
export interface RaftErrorOptions {
  readonly cause?: unknown;
  /** For `RAFT_NOT_LEADER` and the read/transfer errors: the leader this node knows of, or 0. */
  readonly leader?: NodeId;
}

/**
 * The one error class of `@reg/raft`. Match on {@link RaftError.code}, not on `instanceof`
 * (two installed copies of the package break `instanceof`).
 */
export class RaftError extends Error {
  override readonly name = 'RaftError';
  readonly code: RaftErrorCode;
  /** Known leader for `RAFT_NOT_LEADER` (0 when unknown); 0 otherwise. */
  readonly leader: NodeId;

  constructor(code: RaftErrorCode, message: string, options: RaftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.leader = options.leader ?? 0;
  }
}

/** True when `err` is a RaftError-shaped value with the given code (works across package copies). */
export function isRaftError(err: unknown, code?: RaftErrorCode): err is RaftError {
  if (typeof err !== 'object' || err === null) return false;
  const c = (err as { code?: unknown }).code;
  return typeof c === 'string' && c.startsWith('RAFT_') && (code === undefined || c === code);
}
