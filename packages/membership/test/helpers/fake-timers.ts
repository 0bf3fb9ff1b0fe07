import type { TimerHandle, Timers } from '../../src/timers.js';

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A manual clock: time moves only through `advance`, which fires due timers in time order and
 * lets promise callbacks run between them (so async report outcomes land deterministically).
 */
export class FakeTimers implements Timers {
  #now: number;
  #nextId = 1;
  #pending: Pending[] = [];

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const entry = { id: this.#nextId++, at: this.#now + ms, fn };
    this.#pending.push(entry);
    return entry.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#pending = this.#pending.filter((p) => p.id !== handle);
  }

  /** Number of timers waiting to fire. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      await flush();
      const next = [...this.#pending].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (next === undefined || next.at > until) break;
      this.#pending = this.#pending.filter((p) => p !== next);
      this.#now = next.at;
      next.fn();
    }
    this.#now = until;
    await flush();
  }
}

/** Lets queued promise callbacks run (several turns: outcomes chain through a few `then`s). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
