/** mulberry32: a small seeded generator, so a scenario's choices replay from its seed. */
export class SeededRandom {
  readonly seed: number;
  #state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.#state = this.seed;
  }

  /** A number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A generator for a sub-task (one per client), so tasks do not shift each other's choices. */
  fork(salt: number): SeededRandom {
    return new SeededRandom((this.seed ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0);
  }
}

/** `SEED` from the environment (to replay a run), else a fresh one; printed by every scenario. */
export function scenarioSeed(): number {
  const raw = process.env.SEED;
  if (raw !== undefined && raw !== '') {
    const seed = Number(raw);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new Error(`SEED=${JSON.stringify(raw)}: expected an integer in 0..4294967295`);
    return seed;
  }
  return Math.floor(Math.random() * 0xffffffff);
}
