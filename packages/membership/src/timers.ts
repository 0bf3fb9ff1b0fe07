/** An opaque handle returned by {@link Timers.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Time and timers, injected so the health state machine and the watcher debounce can run under a
 * fake clock in tests. The default, {@link systemTimers}, uses `Date.now` and the global timers.
 */
export interface Timers {
  /** Milliseconds since the epoch. Used for `lastRefreshTime`. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Real time: `Date.now` and unref'd global timers (a membership timer never keeps a process alive). */
export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
