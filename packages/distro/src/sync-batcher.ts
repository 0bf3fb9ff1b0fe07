import type { Scheduler, TimerHandle } from './interfaces.js';

/**
 * Collects changed keys and hands them out in merged batches: the first change opens a window of
 * `delayMs`; every change to the same key within the window is one entry when it closes (the
 * batch reads the store's latest state then). Reaching `maxKeys` closes the window early, which
 * bounds both message size and memory under a write storm.
 */
export class SyncBatcher {
  private dirty = new Set<string>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly delayMs: number,
    private readonly maxKeys: number,
    private readonly flushBatch: (keys: string[]) => void,
  ) {}

  /** Marks `key` as changed. */
  mark(key: string): void {
    this.dirty.add(key);
    if (this.dirty.size >= this.maxKeys) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = this.scheduler.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.delayMs);
    }
  }

  /** Number of keys waiting for the window to close. */
  get pending(): number {
    return this.dirty.size;
  }

  /** Closes the window now (used when ownership moves, so no change waits on an old owner). */
  flush(): void {
    if (this.timer !== undefined) {
      this.scheduler.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dirty.size === 0) return;
    const keys = [...this.dirty];
    this.dirty = new Set();
    for (let i = 0; i < keys.length; i += this.maxKeys) {
      this.flushBatch(keys.slice(i, i + this.maxKeys));
    }
  }

  /** Drops pending keys and the timer (engine stop). */
  close(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty.clear();
  }
}
