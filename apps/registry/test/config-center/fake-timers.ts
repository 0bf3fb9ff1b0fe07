import type { Timers } from '../../src/config-center/listener-hub.js';

/** A manual clock for the listener hub: time moves only through `advance`. */
export class FakeTimers implements Timers {
  now = 0;
  readonly #pending = new Map<number, { at: number; fn: () => void }>();
  #next = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.#pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.#pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}
