import { DistroError } from './errors.js';
import { isVersion, type Version } from './version.js';

/** Wire tags of Distro messages. Numeric and stable: never renumber. */
export const MessageType = {
  /** Owner -> peers: changed entries (also used for repair pushes back to an owner). */
  Sync: 1,
  /** Owner -> peers: the versions of every key the sender is responsible for. */
  Checksum: 2,
  /** Request: entries for the given keys. Reply: {@link MessageType.Entries}. */
  Pull: 3,
  /** Request: every entry. Reply: {@link MessageType.Entries}. */
  Snapshot: 4,
  /** Request: apply a forwarded write. Reply: {@link MessageType.WriteAck}. */
  Write: 5,
  /** Reply to Pull and Snapshot. */
  Entries: 6,
  /** Reply to Write: the version the write got. */
  WriteAck: 7,
  /** Owner -> peers: per-bucket digests of the keys the sender is responsible for. */
  Digest: 8,
  /** Request: the Checksum of the sender's keys in some buckets. Reply: {@link MessageType.Checksum}. */
  ChecksumRequest: 9,
} as const;

/** One of the {@link MessageType} tags. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** An entry on the wire: key, version, and the value (absent for a tombstone). */
export interface WireEntry {
  readonly key: string;
  readonly version: Version;
  readonly deleted: boolean;
  readonly value?: unknown;
}

/** A write operation as forwarded to the responsible member. */
export type WireOp =
  | { readonly kind: 'put'; readonly value: unknown }
  | { readonly kind: 'delete' }
  | { readonly kind: 'update'; readonly op: unknown };

/** Changed entries. `repair` marks a push of entries the sender holds but the owner lacks. */
export interface SyncMessage {
  readonly type: typeof MessageType.Sync;
  readonly entries: readonly WireEntry[];
  readonly repair?: boolean;
}

/**
 * `keys[i]` has `versions[i]` at the sender, which is responsible for all of them. With `buckets`,
 * the list is complete only for the keys in those verify buckets; without, for every key.
 */
export interface ChecksumMessage {
  readonly type: typeof MessageType.Checksum;
  readonly keys: readonly string[];
  readonly versions: readonly Version[];
  readonly buckets?: readonly number[];
}

/**
 * `digests[2i]` and `digests[2i+1]` summarise the sender's keys in verify bucket `buckets[i]`
 * (two independent 32-bit sums of per-entry hashes; buckets with no keys are left out).
 */
export interface DigestMessage {
  readonly type: typeof MessageType.Digest;
  readonly buckets: readonly number[];
  readonly digests: readonly number[];
}

/** Asks for the sender's Checksum restricted to `buckets`. */
export interface ChecksumRequestMessage {
  readonly type: typeof MessageType.ChecksumRequest;
  readonly buckets: readonly number[];
}

/** Asks for the current entries of `keys`. */
export interface PullMessage {
  readonly type: typeof MessageType.Pull;
  readonly keys: readonly string[];
}

/**
 * Asks for every entry (startup load), or with a bucket range only the entries whose verify bucket
 * is in `[fromBucket, toBucket)`, so a large store moves in pages rather than one huge frame.
 */
export interface SnapshotMessage {
  readonly type: typeof MessageType.Snapshot;
  readonly fromBucket?: number;
  readonly toBucket?: number;
}

/** A write forwarded by a member that is not responsible for `key`. */
export interface WriteMessage {
  readonly type: typeof MessageType.Write;
  readonly key: string;
  readonly op: WireOp;
}

/** Entries in reply to Pull or Snapshot. */
export interface EntriesMessage {
  readonly type: typeof MessageType.Entries;
  readonly entries: readonly WireEntry[];
  /** Snapshot replies: false when the sender is itself still loading (its data may be partial). */
  readonly ready?: boolean;
}

/** The version a forwarded write got at the member that applied it. */
export interface WriteAckMessage {
  readonly type: typeof MessageType.WriteAck;
  readonly version: Version;
}

/** Every message on the `distro` channel. Plain data: safe for JSON and msgpack. */
export type DistroMessage =
  | SyncMessage
  | ChecksumMessage
  | PullMessage
  | SnapshotMessage
  | WriteMessage
  | EntriesMessage
  | WriteAckMessage
  | DigestMessage
  | ChecksumRequestMessage;

function bad(what: string): never {
  throw new DistroError('DISTRO_BAD_MESSAGE', `malformed distro message: ${what}`);
}

function isKey(k: unknown): k is string {
  return typeof k === 'string' && k.length > 0;
}

function checkEntries(raw: unknown): readonly WireEntry[] {
  if (!Array.isArray(raw)) bad('entries is not an array');
  for (const e of raw as unknown[]) {
    if (typeof e !== 'object' || e === null) bad('entry is not an object');
    const o = e as Record<string, unknown>;
    if (!isKey(o.key)) bad('entry key');
    if (!isVersion(o.version)) bad('entry version');
    if (typeof o.deleted !== 'boolean') bad('entry deleted flag');
    if (!o.deleted && o.value === undefined) bad('live entry without value');
  }
  return raw as readonly WireEntry[];
}

function isBucket(b: unknown): boolean {
  return typeof b === 'number' && Number.isInteger(b) && b >= 0;
}

function checkBuckets(raw: unknown): readonly number[] {
  if (!Array.isArray(raw) || !raw.every(isBucket)) bad('buckets');
  return raw as readonly number[];
}

function checkKeys(raw: unknown): readonly string[] {
  if (!Array.isArray(raw) || !raw.every(isKey)) bad('keys');
  return raw as readonly string[];
}

/**
 * Validates a message received from a peer before anything reads it, so that a malformed frame
 * changes nothing. Values themselves are opaque here; the engine's `validateValue` option checks
 * them.
 *
 * @throws DistroError `DISTRO_BAD_MESSAGE`
 */
export function parseMessage(raw: unknown): DistroMessage {
  if (typeof raw !== 'object' || raw === null) bad('not an object');
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case MessageType.Sync:
      checkEntries(m.entries);
      if (m.repair !== undefined && typeof m.repair !== 'boolean') bad('repair flag');
      return m as unknown as SyncMessage;
    case MessageType.Checksum: {
      const keys = checkKeys(m.keys);
      if (!Array.isArray(m.versions) || m.versions.length !== keys.length || !m.versions.every(isVersion)) {
        bad('versions');
      }
      if (m.buckets !== undefined) checkBuckets(m.buckets);
      return m as unknown as ChecksumMessage;
    }
    case MessageType.Pull:
      checkKeys(m.keys);
      return m as unknown as PullMessage;
    case MessageType.Snapshot:
      if ((m.fromBucket === undefined) !== (m.toBucket === undefined)) bad('snapshot bucket range');
      if (m.fromBucket !== undefined && (!isBucket(m.fromBucket) || !isBucket(m.toBucket)))
        bad('snapshot bucket range');
      return m as unknown as SnapshotMessage;
    case MessageType.Write: {
      if (!isKey(m.key)) bad('write key');
      const op = m.op as Record<string, unknown> | null;
      if (typeof op !== 'object' || op === null) bad('write op');
      if (op.kind === 'put' && op.value === undefined) bad('put without value');
      if (op.kind !== 'put' && op.kind !== 'delete' && op.kind !== 'update') bad('write op kind');
      return m as unknown as WriteMessage;
    }
    case MessageType.Entries:
      checkEntries(m.entries);
      if (m.ready !== undefined && typeof m.ready !== 'boolean') bad('ready flag');
      return m as unknown as EntriesMessage;
    case MessageType.WriteAck:
      if (!isVersion(m.version)) bad('ack version');
      return m as unknown as WriteAckMessage;
    case MessageType.Digest: {
      const buckets = checkBuckets(m.buckets);
      const d = m.digests;
      if (
        !Array.isArray(d) ||
        d.length !== 2 * buckets.length ||
        !d.every((x) => Number.isInteger(x) && x >= 0)
      ) {
        bad('digests');
      }
      return m as unknown as DigestMessage;
    }
    case MessageType.ChecksumRequest:
      checkBuckets(m.buckets);
      return m as unknown as ChecksumRequestMessage;
    default:
      return bad(`unknown type ${String(m.type)}`);
  }
}
