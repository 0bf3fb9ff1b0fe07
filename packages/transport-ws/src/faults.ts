/**
 * Fault injection for tests. A transport consults it only when one is passed explicitly as the
 * `faults` option; production code paths never construct one. Faults act on outbound frames of
 * an established connection, as a lossy network would: the socket stays up, frames vanish, arrive
 * twice or arrive late. Rules are directional (`from` -> `to`), so one-way partitions are simple;
 * `'*'` matches any member. Randomness comes from a seeded generator so a run replays from its seed.
 */

/** What happens to one outbound frame. */
export interface FaultDecision {
  readonly drop: boolean;
  readonly duplicate: boolean;
  readonly delayMs: number;
}

/** Per-link fault rates. */
export interface LinkFaults {
  /** Probability in [0, 1] that a frame is dropped. */
  readonly dropRate?: number;
  /** Probability in [0, 1] that a frame is sent twice. */
  readonly duplicateRate?: number;
  /** Delay added to every frame, in ms. */
  readonly delayMs?: number;
}

const PASS: FaultDecision = { drop: false, duplicate: false, delayMs: 0 };

/** A seeded set of directional link faults, shared by the transports of a test. */
export class FaultInjector {
  /** The seed; print it in a failing test and pass it back to replay. */
  readonly seed: number;
  private state: number;
  private readonly blocked = new Set<string>();
  private readonly links = new Map<string, LinkFaults>();

  constructor(options: { seed?: number } = {}) {
    this.seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
    this.state = this.seed >>> 0;
  }

  /** Drops every frame `from` sends to `to` (one-way). */
  block(from: string, to: string): this {
    this.blocked.add(key(from, to));
    return this;
  }

  /** Undoes {@link block}. */
  unblock(from: string, to: string): this {
    this.blocked.delete(key(from, to));
    return this;
  }

  /** Cuts both directions between every member of `a` and every member of `b`. */
  partition(a: readonly string[], b: readonly string[]): this {
    for (const x of a) {
      for (const y of b) {
        this.block(x, y).block(y, x);
      }
    }
    return this;
  }

  /** Cuts `id` off from everyone, both directions. */
  isolate(id: string): this {
    return this.block(id, '*').block('*', id);
  }

  /** Sets drop/duplicate/delay rates for frames `from` sends to `to`. */
  setLink(from: string, to: string, faults: LinkFaults): this {
    for (const rate of [faults.dropRate, faults.duplicateRate]) {
      if (rate !== undefined && !(rate >= 0 && rate <= 1))
        throw new RangeError('rates must be within [0, 1]');
    }
    if (faults.delayMs !== undefined && !(faults.delayMs >= 0)) throw new RangeError('delayMs must be >= 0');
    this.links.set(key(from, to), faults);
    return this;
  }

  /** Removes every rule. */
  heal(): this {
    this.blocked.clear();
    this.links.clear();
    return this;
  }

  /** Decides the fate of one frame from `from` to `to`. Called by the transport. */
  decide(from: string, to: string): FaultDecision {
    if (this.blocked.size > 0 && this.isBlocked(from, to))
      return { drop: true, duplicate: false, delayMs: 0 };
    if (this.links.size === 0) return PASS;
    const link =
      this.links.get(key(from, to)) ?? this.links.get(key(from, '*')) ?? this.links.get(key('*', to));
    if (link === undefined) return PASS;
    const drop = link.dropRate !== undefined && this.next() < link.dropRate;
    const duplicate = !drop && link.duplicateRate !== undefined && this.next() < link.duplicateRate;
    return { drop, duplicate, delayMs: link.delayMs ?? 0 };
  }

  private isBlocked(from: string, to: string): boolean {
    return (
      this.blocked.has(key(from, to)) || this.blocked.has(key(from, '*')) || this.blocked.has(key('*', to))
    );
  }

  // mulberry32: small, fast, good enough to spread drops; determinism is what matters here.
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

function key(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
