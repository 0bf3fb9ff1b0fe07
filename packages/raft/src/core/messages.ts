import type { Entry, NodeId, SnapshotMetadata } from './types.js';

/** Kinds of Raft message on the wire. Numeric tags are stable: never reuse or renumber them. */
export const MessageType = {
  /** AppendEntries: `index`/`logTerm` name the entry before `entries`; `commit` is the leader's. */
  App: 1,
  /** Answer to App. Accept: `index` is the last matching index. Reject: `index` is the rejected
   * App's `index`, `rejectHint`/`logTerm` point at where the follower's log may match (fast backtracking). */
  AppResp: 2,
  /** RequestVote: `index`/`logTerm` are the candidate's last entry. */
  Vote: 3,
  VoteResp: 4,
  /** Pre-vote (thesis §9.6): like Vote for `term` = candidate term + 1, but changes no state. */
  PreVote: 5,
  PreVoteResp: 6,
  /** Leader heartbeat: `commit` is min(follower match, leader commit). */
  Heartbeat: 7,
  HeartbeatResp: 8,
  /**
   * InstallSnapshot: `snapshot` carries the metadata. The core emits it without data when a follower
   * needs a snapshot; the driver streams the state machine's snapshot as Snapshot messages with a
   * `chunk`, which never reach the follower's core (its driver installs the snapshot once restored).
   */
  Snapshot: 9,
  /** Leadership transfer: the recipient campaigns at once, ignoring leases (thesis §3.10). */
  TimeoutNow: 10,
  /** Linearizable read request / answer: `context` identifies the read; the answer's `index` is the read index. */
  ReadIndex: 11,
  ReadIndexResp: 12,
  /**
   * Driver-level acknowledgement of snapshot chunks (never handled by the core): `chunk.offset` is
   * the next byte the receiver expects, `chunk.last` that it installed the whole snapshot; `reject`
   * when it cannot take the offset it got (the sender resumes from `chunk.offset`) or gave up.
   */
  SnapshotResp: 13,
} as const;
/** A value of {@link MessageType}. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

const MESSAGE_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(MessageType).map(([k, v]) => [v, k]),
);

/** The name of a message type (`'App'`), or `'Unknown(n)'`. */
export function messageTypeName(t: number): string {
  return MESSAGE_TYPE_NAMES[t] ?? `Unknown(${t})`;
}

/**
 * A Raft message. Every numeric field is always present (0 when unused) so messages are
 * monomorphic objects and trivially encodable; `entries` is empty when unused.
 */
export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  /** Sender's term (for PreVote: the term it would campaign in). */
  readonly term: number;
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** InstallSnapshot metadata. */
  readonly snapshot?: SnapshotMetadata;
  /** Opaque request context (ReadIndex, read-confirming heartbeats and their answers). */
  readonly context?: Uint8Array;
  /** A piece of a streamed snapshot (Snapshot) or its acknowledgement (SnapshotResp). */
  readonly chunk?: SnapshotChunk;
}

/** A piece of a state-machine snapshot in flight: `data` starts at byte `offset` of the stream. */
export interface SnapshotChunk {
  readonly offset: number;
  readonly data: Uint8Array;
  /** True on the final chunk (and, in a SnapshotResp, once the snapshot is installed). */
  readonly last: boolean;
}

/**
 * `rejectHint` value that marks a Vote as a leadership-transfer campaign (thesis §3.10): voters
 * grant it even while they still hear from the old leader.
 */
export const CAMPAIGN_TRANSFER = 1;

/** True for the messages that carry a vote request or answer. */
export function isVoteMessage(t: MessageType): boolean {
  return t === MessageType.Vote || t === MessageType.PreVote;
}

/** The answer type for a vote request. */
export function voteRespType(t: MessageType): MessageType {
  return t === MessageType.PreVote ? MessageType.PreVoteResp : MessageType.VoteResp;
}
