import { DistroError } from './errors.js';
import type { DistroMetrics, DistroNetwork, MemberView, Scheduler } from './interfaces.js';
import type { Logger } from './logger.js';
import type { DistroStore } from './store.js';
import type { Version } from './version.js';

/**
 * Options of {@link Distro}. Defaults follow Nacos 1.4 where it has a setting (`taskDispatchPeriod`
 * 2 s is split here into one merge window; `batchSyncKeyCount` 1000; verify every 5 s;
 * `loadDataRetryDelayMillis` 30 s; forwarding timeout 2 s).
 *
 * `V` is the stored value type; `O` the type of custom operations applied with
 * {@link Distro.update} (a read-modify-write run at the responsible member, e.g. "add this
 * instance to the service's list").
 */
export interface DistroOptions<V, O = never> {
  /** The healthy-member view (self, sorted healthy list, change events). */
  members: MemberView;
  /** Peer network on the `distro` channel. */
  network: DistroNetwork;
  /** Local replica; defaults to a new {@link MemoryDistroStore}. */
  store?: DistroStore<V>;
  /**
   * Applies a custom operation to the current value at the member that executes the write.
   * Returning `undefined` deletes the key. Must be deterministic and must not throw for valid
   * input; if it throws, the write fails and nothing changes. Required to use `update`.
   */
  reduce?: (current: V | undefined, op: O, key: string) => V | undefined;
  /**
   * Combines a received newer value with the live local one, for values that carry their own
   * history (per-item tombstones). Without it the newer version simply wins, so a member that
   * reduced an operation on a stale copy (views of who is responsible differ for a moment) can
   * overwrite a delete made elsewhere. Return `remote` itself to adopt it unchanged; any other
   * value is stored as a new local write (a newer version, synced to all). Must be a join:
   * commutative, associative and idempotent in effect, or members may keep rewriting each other.
   * Not called when either side is a deleted key.
   */
  merge?: (local: V, remote: V, key: string) => V;
  /**
   * Custom operations whose change leaves at once instead of waiting for the merge window, like
   * deletes always do: a responsible member that crashes within the window loses what it
   * acknowledged, and a lost removal comes back from the other members' copies.
   */
  syncAtOnce?: (op: O) => boolean;
  /** Checks a value received from a peer; a false result rejects the whole message. */
  validateValue?: (value: unknown) => boolean;
  /** Checks a custom operation received from a peer; a false result rejects the write. */
  validateOp?: (op: unknown) => boolean;
  /** Called after every change of the local replica (local or replicated); must not throw. */
  onChange?: (key: string, value: V | undefined, version: Version) => void;
  /** Time source; defaults to real time. Simulations pass a virtual scheduler. */
  scheduler?: Scheduler;
  logger?: Logger;
  metrics?: DistroMetrics;
  /** Merge window: changes made within it leave in one batch. Default 1000 ms. */
  syncDelayMs?: number;
  /** Most entries per sync message; reaching it flushes the window early. Default 1000. */
  maxBatchKeys?: number;
  /** Period of checksum verification. Default 5000 ms. */
  verifyIntervalMs?: number;
  /** Timeout of one forwarded-write attempt. Default 2000 ms. */
  forwardTimeoutMs?: number;
  /** Timeout of pull and snapshot requests. Default 10000 ms. */
  requestTimeoutMs?: number;
  /**
   * Verify buckets (of 256) per snapshot page: a snapshot moves in `256 / snapshotPageBuckets`
   * requests, each about that share of the store, so no frame carries the whole store and other
   * channels on the same connection are not held up. Default 16 (16 pages).
   */
  snapshotPageBuckets?: number;
  /** Delay between rounds of startup snapshot attempts. Default 30000 ms. */
  loadRetryDelayMs?: number;
  /**
   * How long a starting member keeps asking its listed peers for a snapshot while none of them is
   * healthy or answers, before it starts empty (the first member of a new cluster, or every other
   * member down). Rounds in this window repeat every 250 ms at most. Default 5000 ms; only used
   * when the member view lists members.
   */
  startupGraceMs?: number;
  /**
   * How long a delete is remembered. A member that missed a delete and comes back within this
   * time is repaired; after it, the tombstone is collected. Must be well above the verify
   * interval. Default 300000 ms (5 min).
   */
  tombstoneTtlMs?: number;
}

/** Options with defaults applied and validated. */
export interface ResolvedTimings {
  readonly syncDelayMs: number;
  readonly maxBatchKeys: number;
  readonly verifyIntervalMs: number;
  readonly forwardTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly loadRetryDelayMs: number;
  readonly startupGraceMs: number;
  readonly tombstoneTtlMs: number;
  readonly snapshotPageBuckets: number;
}

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) {
    throw new DistroError(
      'DISTRO_INVALID_OPTION',
      `option ${name} must be a number >= ${min}, got ${String(v)}`,
    );
  }
  return v;
}

/**
 * Applies defaults and checks every option, so a bad configuration fails in the constructor.
 *
 * @throws DistroError `DISTRO_INVALID_OPTION`
 */
export function resolveOptions<V, O>(opts: DistroOptions<V, O>): ResolvedTimings {
  if (typeof opts !== 'object' || opts === null) {
    throw new DistroError('DISTRO_INVALID_OPTION', 'options must be an object');
  }
  const m = opts.members;
  if (
    !m ||
    typeof m.healthyMembers !== 'function' ||
    typeof m.onChange !== 'function' ||
    (m.listedMembers !== undefined && typeof m.listedMembers !== 'function')
  ) {
    throw new DistroError('DISTRO_INVALID_OPTION', 'option members must implement MemberView');
  }
  if (typeof m.self !== 'string' || m.self.length === 0) {
    throw new DistroError('DISTRO_INVALID_OPTION', 'members.self must be a non-empty string');
  }
  const n = opts.network;
  if (!n || typeof n.send !== 'function' || typeof n.request !== 'function') {
    throw new DistroError('DISTRO_INVALID_OPTION', 'option network must implement DistroNetwork');
  }
  const t: ResolvedTimings = {
    syncDelayMs: positive('syncDelayMs', opts.syncDelayMs, 1000, 0),
    maxBatchKeys: positive('maxBatchKeys', opts.maxBatchKeys, 1000),
    verifyIntervalMs: positive('verifyIntervalMs', opts.verifyIntervalMs, 5000),
    forwardTimeoutMs: positive('forwardTimeoutMs', opts.forwardTimeoutMs, 2000),
    requestTimeoutMs: positive('requestTimeoutMs', opts.requestTimeoutMs, 10000),
    loadRetryDelayMs: positive('loadRetryDelayMs', opts.loadRetryDelayMs, 30000),
    startupGraceMs: positive('startupGraceMs', opts.startupGraceMs, 5000, 0),
    tombstoneTtlMs: positive('tombstoneTtlMs', opts.tombstoneTtlMs, 300000),
    snapshotPageBuckets: positive('snapshotPageBuckets', opts.snapshotPageBuckets, 16),
  };
  if (!Number.isInteger(t.snapshotPageBuckets) || t.snapshotPageBuckets > 256) {
    throw new DistroError(
      'DISTRO_INVALID_OPTION',
      'option snapshotPageBuckets must be an integer from 1 to 256',
    );
  }
  if (!Number.isInteger(t.maxBatchKeys)) {
    throw new DistroError('DISTRO_INVALID_OPTION', 'option maxBatchKeys must be an integer');
  }
  if (t.tombstoneTtlMs < 2 * t.verifyIntervalMs) {
    throw new DistroError(
      'DISTRO_INVALID_OPTION',
      'option tombstoneTtlMs must be at least twice verifyIntervalMs, or missed deletes cannot be repaired',
    );
  }
  return t;
}
