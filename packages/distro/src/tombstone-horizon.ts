import { rendezvousScore } from './responsibility.js';

/** Number of buckets: more buckets, fewer false refusals, 8 bytes each. */
const BUCKETS = 1024;

function bucketOf(key: string): number {
  return rendezvousScore('', key) % BUCKETS;
}

/**
 * What this member may have forgotten: per hash bucket of keys, the greatest version time of a
 * tombstone it has collected. A delete of an entry not newer than its bucket's horizon may have
 * been forgotten here, so such an entry cannot be told apart from a deleted one.
 *
 * Local knowledge only, never gossiped: a restarted member starts with none, which is right, as
 * it holds nothing it could have deleted.
 */
export class TombstoneHorizon {
  private readonly times = new Float64Array(BUCKETS);

  /** Records that the tombstone of `key` with version time `t` was collected. */
  record(key: string, t: number): void {
    const b = bucketOf(key);
    if (t > (this.times[b] ?? 0)) this.times[b] = t;
  }

  /** True when a delete of `key` at or after time `t` may have been forgotten here. */
  covers(key: string, t: number): boolean {
    return t <= (this.times[bucketOf(key)] ?? 0);
  }
}
