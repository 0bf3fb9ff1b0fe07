/**
 * Turns a monotonic clock into a count of due ticks. A timer that fires late (a blocked event loop,
 * a GC pause) must not stretch logical time: a leader whose ticks lag real time would believe its
 * lease still holds. Catch-up is bounded: past two election timeouts more ticks change nothing.
 */
export class TickClock {
  readonly #tickMs: number;
  readonly #maxCatchUp: number;
  readonly #now: () => number;
  readonly #start: number;
  #fed = 0;

  constructor(tickMs: number, maxCatchUp: number, now: () => number = () => performance.now()) {
    this.#tickMs = tickMs;
    this.#maxCatchUp = maxCatchUp;
    this.#now = now;
    this.#start = now();
  }

  /**
   * Ticks due since the last call, at most `maxCatchUp` (0 when the timer fired early). With
   * `maxCatchUp` 1 the clock just counts timer firings that are not early.
   */
  due(): number {
    const due = Math.floor((this.#now() - this.#start) / this.#tickMs);
    if (due <= this.#fed) return 0;
    const n = Math.min(due - this.#fed, this.#maxCatchUp);
    this.#fed = due;
    return n;
  }
}
