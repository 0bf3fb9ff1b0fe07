import type { Scheduler, TimerHandle } from '../interfaces.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets every pending promise callback run (they all run before the next macrotask). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A virtual-time {@link Scheduler}: nothing happens until the test advances time with
 * {@link SimScheduler.runFor}, which fires timers in (time, creation) order and lets promise
 * chains settle after each one. Deterministic for a given sequence of calls.
 */
export class SimScheduler implements Scheduler {
  private current: number;
  private seq = 0;
  private readonly heap: Timer[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(t);
    return t;
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle && typeof handle === 'object') (handle as Timer).cancelled = true;
  }

  /** Timers not yet fired or cancelled. */
  get pending(): number {
    return this.heap.filter((t) => !t.cancelled).length;
  }

  /**
   * Advances virtual time by `ms`, firing due timers. Bounded by `maxEvents` so a runaway timer
   * loop fails loudly instead of hanging the test.
   */
  async runFor(ms: number, maxEvents = 5_000_000): Promise<void> {
    const until = this.current + ms;
    let fired = 0;
    await settle();
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > until) break;
      this.pop();
      if (top.cancelled) continue;
      this.current = top.at;
      top.fn();
      await settle();
      if (++fired > maxEvents) throw new Error(`SimScheduler: more than ${maxEvents} events in ${ms} ms`);
    }
    this.current = until;
    await settle();
  }

  /**
   * Advances time in `stepMs` steps until `done()` holds; returns the virtual time it took, or
   * undefined if it did not hold within `maxMs`.
   */
  async runUntil(done: () => boolean, maxMs: number, stepMs = 100): Promise<number | undefined> {
    const start = this.current;
    while (!done()) {
      if (this.current - start >= maxMs) return undefined;
      await this.runFor(stepMs);
    }
    return this.current - start;
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i] as Timer, h[p] as Timer)) break;
      [h[i], h[p]] = [h[p] as Timer, h[i] as Timer];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (h.length === 0 || !last) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l] as Timer, h[m] as Timer)) m = l;
      if (r < h.length && less(h[r] as Timer, h[m] as Timer)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Timer, h[i] as Timer];
      i = m;
    }
  }
}

function less(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
