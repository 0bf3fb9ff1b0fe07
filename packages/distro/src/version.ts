/**
 * A per-key version: a hybrid logical clock reading of the member that applied the write.
 *
 * Versions are totally ordered by (`t`, `c`, `n`). Every write gets a version strictly greater
 * than every version its member has seen (for that key and in general), so a replica keeps the
 * greatest version it has received and stale, duplicated or reordered syncs are ignored.
 * Invariant: two different writes never share a version (`n` tells members apart, `c` orders
 * writes within one millisecond of one member).
 */
export interface Version {
  /** Physical part: milliseconds (the max of the wall clock and every `t` seen). */
  readonly t: number;
  /** Logical counter within `t`. */
  readonly c: number;
  /** Id of the member that applied the write; the final tie-breaker. */
  readonly n: string;
}

/** Orders two versions: negative if `a < b`, 0 if equal, positive if `a > b`. */
export function compareVersions(a: Version, b: Version): number {
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  if (a.c !== b.c) return a.c < b.c ? -1 : 1;
  if (a.n === b.n) return 0;
  return a.n < b.n ? -1 : 1;
}

/** True when `v` has the shape of a {@link Version} (used to validate peer messages). */
export function isVersion(v: unknown): v is Version {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.t === 'number' &&
    Number.isSafeInteger(o.t) &&
    o.t >= 0 &&
    typeof o.c === 'number' &&
    Number.isSafeInteger(o.c) &&
    o.c >= 0 &&
    typeof o.n === 'string'
  );
}

/**
 * A hybrid logical clock (Kulkarni et al., 2014): physical time when it moves forward, a counter
 * when it does not, and never behind anything observed. It makes a new owner's first write to a
 * key newer than the previous owner's last write it has received, even with clock skew.
 */
export class HybridClock {
  private t = 0;
  private c = 0;

  constructor(
    private readonly node: string,
    private readonly now: () => number,
  ) {}

  /** A fresh version, greater than every version returned or observed before. */
  next(): Version {
    const wall = Math.floor(this.now());
    if (wall > this.t) {
      this.t = wall;
      this.c = 0;
    } else {
      this.c += 1;
    }
    return { t: this.t, c: this.c, n: this.node };
  }

  /** Moves the clock past a version received from a peer. */
  observe(v: Version): void {
    if (v.t > this.t) {
      this.t = v.t;
      this.c = v.c;
    } else if (v.t === this.t && v.c > this.c) {
      this.c = v.c;
    }
  }
}
