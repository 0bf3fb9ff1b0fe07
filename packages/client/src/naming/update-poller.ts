import type { Logger } from '../logger.js';
import { sleep } from '../sleep.js';
import { type ServiceRef, serviceKey } from './names.js';

export interface UpdatePollerOptions {
  /** Reads one service from a server and hands it to the holder. */
  readonly refresh: (ref: ServiceRef, signal: AbortSignal) => Promise<void>;
  /** Delay before the next read of a key after a successful one (the server's `cacheMillis`). */
  readonly interval: (key: string) => number;
  readonly logger: Logger;
  /** Longest delay after failures (ms). Default 30 000. */
  readonly maxBackoffMs?: number;
}

/**
 * Re-reads every subscribed service on a timer: the polling half of subscription, which also
 * renews the server's UDP push registration (it expires without list calls) and takes over
 * when pushes are lost. After failures the delay grows from 1 s, doubling up to the maximum,
 * and the subscribers keep their last data; the first success restores the normal interval.
 */
export class UpdatePoller {
  readonly #options: UpdatePollerOptions;
  readonly #tasks = new Map<string, AbortController>();

  constructor(options: UpdatePollerOptions) {
    this.#options = options;
  }

  has(key: string): boolean {
    return this.#tasks.has(key);
  }

  /** Starts polling `ref` unless it already is; the first read comes after one interval. */
  start(ref: ServiceRef): void {
    const key = serviceKey(ref);
    if (this.#tasks.has(key)) return;
    const stop = new AbortController();
    this.#tasks.set(key, stop);
    void this.#run(ref, key, stop.signal);
  }

  stop(key: string): void {
    this.#tasks.get(key)?.abort();
    this.#tasks.delete(key);
  }

  stopAll(): void {
    for (const stop of this.#tasks.values()) stop.abort();
    this.#tasks.clear();
  }

  async #run(ref: ServiceRef, key: string, signal: AbortSignal): Promise<void> {
    const maxBackoff = this.#options.maxBackoffMs ?? 30_000;
    let failures = 0;
    while (!signal.aborted) {
      const delay =
        failures === 0 ? this.#options.interval(key) : Math.min(1000 * 2 ** (failures - 1), maxBackoff);
      await sleep(delay, signal);
      if (signal.aborted) return;
      try {
        await this.#options.refresh(ref, signal);
        failures = 0;
      } catch (err) {
        if (signal.aborted) return;
        failures = Math.min(failures + 1, 30);
        this.#options.logger.warn(
          { key, failures, err: String(err) },
          'service refresh failed, keeping last data',
        );
      }
    }
  }
}
