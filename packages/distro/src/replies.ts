import { type EntriesMessage, MessageType, type WireEntry } from './messages.js';
import type { DistroEntry, DistroStore } from './store.js';
import { VERIFY_BUCKETS, verifyBucket } from './verify.js';

/** A stored entry as it goes on the wire (tombstones carry no value). */
export function toWire<V>(key: string, e: DistroEntry<V>): WireEntry {
  return e.deleted
    ? { key, version: e.version, deleted: true }
    : { key, version: e.version, deleted: false, value: e.value };
}

/** The entries of `keys` this store holds (missing keys are left out). */
export function entriesOf<V>(store: DistroStore<V>, keys: Iterable<string>): WireEntry[] {
  const entries: WireEntry[] = [];
  for (const k of keys) {
    const e = store.get(k);
    if (e) entries.push(toWire(k, e));
  }
  return entries;
}

/** Reply to a Pull request. */
export function answerPull<V>(store: DistroStore<V>, keys: readonly string[]): EntriesMessage {
  return { type: MessageType.Entries, entries: entriesOf(store, keys) };
}

/**
 * Reply to a Snapshot request: every entry, tombstones included, whose verify bucket is in
 * `[fromBucket, toBucket)` (everything without a range). `ready` tells the requester whether this
 * member has finished its own startup load.
 */
export function answerSnapshot<V>(
  store: DistroStore<V>,
  fromBucket: number | undefined,
  toBucket: number | undefined,
  ready: boolean,
): EntriesMessage {
  const from = fromBucket ?? 0;
  const to = toBucket ?? VERIFY_BUCKETS;
  const all = from === 0 && to >= VERIFY_BUCKETS;
  const entries: WireEntry[] = [];
  for (const [k, e] of store.entries()) {
    if (all) {
      entries.push(toWire(k, e));
      continue;
    }
    const b = verifyBucket(k);
    if (b >= from && b < to) entries.push(toWire(k, e));
  }
  return { type: MessageType.Entries, entries, ready };
}
