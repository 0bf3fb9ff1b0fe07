/**
 * `@reg/distro`: the Distro AP replication engine. The explicit export list below is the public
 * API; simulation helpers live in `@reg/distro/testing`.
 */
export { Distro } from './distro.js';
export { DistroError, type DistroErrorCode, isDistroError } from './errors.js';
export type { WriteResult } from './forward.js';
export {
  type DistroMetrics,
  type DistroNetwork,
  type MemberView,
  realScheduler,
  type Scheduler,
  type TimerHandle,
} from './interfaces.js';
export { type Logger, noopLogger } from './logger.js';
export {
  type ChecksumMessage,
  type ChecksumRequestMessage,
  type DigestMessage,
  type DistroMessage,
  type EntriesMessage,
  MessageType,
  type PullMessage,
  parseMessage,
  type SnapshotMessage,
  type SyncMessage,
  type WireEntry,
  type WireOp,
  type WriteAckMessage,
  type WriteMessage,
} from './messages.js';
export type { DistroOptions } from './options.js';
export { rankMembers, rendezvousScore, responsibleMember } from './responsibility.js';
export { type DistroEntry, type DistroStore, MemoryDistroStore } from './store.js';
export { compareVersions, HybridClock, isVersion, type Version } from './version.js';
