import type { ChecksumMessage, DigestMessage } from './messages.js';
import { MessageType } from './messages.js';
import { rendezvousScore, responsibleMember } from './responsibility.js';
import type { DistroStore } from './store.js';
import { compareVersions, type Version } from './version.js';

/**
 * Number of verify buckets. A round sends one digest pair per non-empty bucket instead of every
 * key; only mismatching buckets are then compared key by key.
 */
export const VERIFY_BUCKETS = 256;

/** The verify bucket of a key. */
export function verifyBucket(key: string): number {
  return rendezvousScore('#verify', key) % VERIFY_BUCKETS;
}

function entryHashes(key: string, v: Version): [number, number] {
  const s = `${key}\u0000${v.t}.${v.c}.${v.n}`;
  return [rendezvousScore('a', s), rendezvousScore('b', s)];
}

/** True when `self` counts as responsible for `key` (everything when absent from its own view). */
function owns(members: readonly string[], self: string, key: string): boolean {
  return !members.includes(self) || responsibleMember(members, key) === self;
}

/** Per-bucket digests of the keys `owner` is responsible for, as seen from this store. */
function digestsOf<V>(
  store: DistroStore<V>,
  members: readonly string[],
  owner: string,
  expiry: number,
  expired?: string[],
): Map<number, [number, number]> {
  const sums = new Map<number, [number, number]>();
  for (const [k, e] of store.entries()) {
    if (e.deleted && e.version.t < expiry) {
      expired?.push(k);
      continue;
    }
    if (!owns(members, owner, k)) continue;
    const b = verifyBucket(k);
    const [h1, h2] = entryHashes(k, e.version);
    const cur = sums.get(b) ?? [0, 0];
    sums.set(b, [(cur[0] + h1) >>> 0, (cur[1] + h2) >>> 0]);
  }
  return sums;
}

/**
 * One scan of the store for a verification round: the digest of the keys `self` is responsible
 * for, and the tombstones that have outlived their TTL (to collect).
 */
export function buildDigest<V>(
  store: DistroStore<V>,
  members: readonly string[],
  self: string,
  expiry: number,
): { digest: DigestMessage; expired: string[] } {
  const expired: string[] = [];
  const sums = digestsOf(store, members, self, expiry, expired);
  const buckets = [...sums.keys()].sort((a, b) => a - b);
  const digests = buckets.flatMap((b) => sums.get(b) as [number, number]);
  return { digest: { type: MessageType.Digest, buckets, digests }, expired };
}

/**
 * The buckets in which a peer's digest differs from what this store holds for the keys it thinks
 * that peer owns (a bucket present on one side only differs too).
 */
export function mismatchedBuckets<V>(
  store: DistroStore<V>,
  msg: DigestMessage,
  from: string,
  members: readonly string[],
  expiry: number,
): number[] {
  // If the sender is not in this member's view, compare only what the sender listed.
  const local = members.includes(from) ? digestsOf(store, members, from, expiry) : new Map();
  const out = new Set<number>();
  msg.buckets.forEach((b, i) => {
    const l = local.get(b);
    if (!l || l[0] !== msg.digests[2 * i] || l[1] !== msg.digests[2 * i + 1]) out.add(b);
    local.delete(b);
  });
  for (const b of local.keys()) out.add(b);
  return [...out].sort((a, b) => a - b);
}

/** The versions of the keys `self` is responsible for, restricted to `buckets`. */
export function buildChecksum<V>(
  store: DistroStore<V>,
  members: readonly string[],
  self: string,
  expiry: number,
  buckets: readonly number[],
): ChecksumMessage {
  const wanted = new Set(buckets);
  const keys: string[] = [];
  const versions: Version[] = [];
  for (const [k, e] of store.entries()) {
    if (e.deleted && e.version.t < expiry) continue;
    if (wanted.has(verifyBucket(k)) && owns(members, self, k)) {
      keys.push(k);
      versions.push(e.version);
    }
  }
  return { type: MessageType.Checksum, keys, versions, buckets: [...wanted] };
}

/**
 * Compares a peer's checksum with the local store.
 *
 * `stale`: keys the sender has newer (or that are missing here): pull them from the sender.
 * `newer`: keys held here newer than the sender's, and keys held here that this member also
 * thinks the sender owns but the sender did not list (within the buckets the checksum covers,
 * ignoring expired tombstones): push them back to the sender, which adopts what it lacks.
 */
export function diffChecksum<V>(
  store: DistroStore<V>,
  msg: ChecksumMessage,
  from: string,
  members: readonly string[],
  expiry: number,
): { stale: string[]; newer: string[] } {
  const stale: string[] = [];
  const newer: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < msg.keys.length; i++) {
    const k = msg.keys[i] as string;
    seen.add(k);
    const local = store.get(k);
    const c = local ? compareVersions(local.version, msg.versions[i] as Version) : -1;
    if (c < 0) stale.push(k);
    else if (c > 0) newer.push(k);
  }
  if (members.includes(from)) {
    const covered = msg.buckets ? new Set(msg.buckets) : undefined;
    for (const [k, e] of store.entries()) {
      if (seen.has(k) || (e.deleted && e.version.t < expiry)) continue;
      if (covered && !covered.has(verifyBucket(k))) continue;
      if (responsibleMember(members, k) === from) newer.push(k);
    }
  }
  return { stale, newer };
}
