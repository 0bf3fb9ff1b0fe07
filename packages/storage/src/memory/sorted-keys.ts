import { compareCodePoints } from '../text.js';

/** Keys per chunk before a split; small enough that a splice inside a chunk is cheap. */
const MAX_CHUNK = 512;

/**
 * A sorted set of strings in code point order, stored as a list of sorted chunks (a one-level
 * B-tree). Insert and delete cost O(log n + MAX_CHUNK) instead of the O(n) of one flat array,
 * which matters once a memory store holds hundreds of thousands of keys.
 *
 * Invariants: every chunk is non-empty and sorted; the last key of a chunk is below the first
 * key of the next.
 */
export class SortedKeys {
  private chunks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The chunk that holds `key` or where it would go. */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    // The first chunk whose last key is >= key; the last chunk when key is above everything.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid] as string[];
      if (compareCodePoints(chunk[chunk.length - 1] as string, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static lowerBound(chunk: readonly string[], key: string): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareCodePoints(chunk[mid] as string, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds `key` (no-op when present). */
  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count = 1;
      return;
    }
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[];
    const i = SortedKeys.lowerBound(chunk, key);
    if (chunk[i] === key) return;
    chunk.splice(i, 0, key);
    this.count++;
    if (chunk.length > MAX_CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(MAX_CHUNK / 2));
  }

  /** Removes `key` (no-op when absent). */
  delete(key: string): void {
    if (this.chunks.length === 0) return;
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[];
    const i = SortedKeys.lowerBound(chunk, key);
    if (chunk[i] !== key) return;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
  }

  /** Keys in `[gte, lt)`, ascending or descending, at most `limit`. */
  range(gte: string | undefined, lt: string | undefined, reverse: boolean, limit: number): string[] {
    const out: string[] = [];
    if (this.chunks.length === 0 || limit <= 0) return out;
    const inRange = (k: string) =>
      (gte === undefined || compareCodePoints(k, gte) >= 0) &&
      (lt === undefined || compareCodePoints(k, lt) < 0);
    if (!reverse) {
      let c = gte === undefined ? 0 : this.chunkFor(gte);
      let i = gte === undefined ? 0 : SortedKeys.lowerBound(this.chunks[c] as string[], gte);
      for (; c < this.chunks.length; c++, i = 0) {
        const chunk = this.chunks[c] as string[];
        for (; i < chunk.length; i++) {
          const k = chunk[i] as string;
          if (!inRange(k)) return out;
          out.push(k);
          if (out.length >= limit) return out;
        }
      }
      return out;
    }
    let c = lt === undefined ? this.chunks.length - 1 : this.chunkFor(lt);
    let i =
      lt === undefined
        ? (this.chunks[c] as string[]).length - 1
        : SortedKeys.lowerBound(this.chunks[c] as string[], lt) - 1;
    for (; c >= 0; c--) {
      const chunk = this.chunks[c] as string[];
      if (i === Number.POSITIVE_INFINITY) i = chunk.length - 1;
      for (; i >= 0; i--) {
        const k = chunk[i] as string;
        if (!inRange(k)) return out;
        out.push(k);
        if (out.length >= limit) return out;
      }
      i = Number.POSITIVE_INFINITY;
    }
    return out;
  }
}
