/** A source of randomness injected into the core, so runs are reproducible from a seed. */
export interface Random {
  /** A uniformly distributed integer in [0, n). `n` is a positive integer. */
  int(n: number): number;
}

/**
 * A small, fast seeded generator (a 32-bit splitmix-style mixer over a Weyl sequence). Not for
 * cryptography; good enough for election jitter and simulations, and identical on every platform.
 */
export class SeededRandom implements Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  int(n: number): number {
    return Math.floor((this.next() / 0x100000000) * n);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 0x100000000;
  }
}
