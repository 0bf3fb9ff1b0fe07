import { isClientError } from '../errors.js';
import type { Logger } from '../logger.js';
import { sleep } from '../sleep.js';
import type { ConfigApi } from './config-api.js';
import { type ConfigKey, configMapKey } from './config-key.js';

/** What the watcher knows of one subscribed config. */
export interface WatchedConfig extends ConfigKey {
  /** md5 of the content servers last gave (`''` = absent or not known yet). */
  md5: string;
}

export interface ConfigWatcherOptions {
  readonly api: ConfigApi;
  readonly tenant: string;
  readonly longPollTimeoutMs: number;
  readonly retryDelayMs: number;
  readonly logger: Logger;
  /** Re-reads one config after the server said it changed. */
  readonly refresh: (entry: WatchedConfig, signal: AbortSignal) => Promise<void>;
}

/**
 * Nacos' config long polling as one loop for all of a client's subscriptions: send every md5,
 * wait for the server to name what changed, re-read those, repeat. A new subscription cuts the
 * current poll short (the next one asks the server not to hang up, so it answers at once). After
 * a failure the loop waits `retryDelayMs`; subscribers keep their data meanwhile.
 */
export class ConfigWatcher {
  readonly #options: ConfigWatcherOptions;
  readonly #entries = new Map<string, WatchedConfig>();
  readonly #stop = new AbortController();
  #poll: AbortController | undefined;
  #running: Promise<void> | undefined;
  #noHangup = true;
  #polls = 0;

  constructor(options: ConfigWatcherOptions) {
    this.#options = options;
  }

  /** Long polls sent so far. */
  get polls(): number {
    return this.#polls;
  }

  get(key: Pick<ConfigKey, 'dataId' | 'group'>): WatchedConfig | undefined {
    return this.#entries.get(configMapKey(key));
  }

  entries(): WatchedConfig[] {
    return [...this.#entries.values()];
  }

  /** Watches a config from now on (the md5 is what the caller already holds). */
  add(entry: WatchedConfig): void {
    this.#entries.set(configMapKey(entry), entry);
    this.#noHangup = true;
    this.#poll?.abort();
    this.#ensureRunning();
  }

  remove(key: Pick<ConfigKey, 'dataId' | 'group'>): void {
    this.#entries.delete(configMapKey(key));
    if (this.#entries.size === 0) this.#poll?.abort();
  }

  async close(): Promise<void> {
    this.#stop.abort();
    this.#poll?.abort();
    await this.#running;
  }

  #ensureRunning(): void {
    if (this.#running || this.#stop.signal.aborted) return;
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
      // A subscription may have arrived while the loop was ending.
      if (this.#entries.size > 0) this.#ensureRunning();
    });
  }

  async #loop(): Promise<void> {
    const { api, tenant, longPollTimeoutMs, retryDelayMs, logger, refresh } = this.#options;
    const stop = this.#stop.signal;
    while (!stop.aborted && this.#entries.size > 0) {
      const poll = new AbortController();
      this.#poll = poll;
      const signal = AbortSignal.any([stop, poll.signal]);
      const noHangup = this.#noHangup;
      this.#noHangup = false;
      try {
        this.#polls++;
        const changed = await api.listen(this.entries(), tenant, {
          timeoutMs: longPollTimeoutMs,
          noHangup,
          signal,
        });
        for (const c of changed) {
          const entry = this.get(c);
          if (entry) await refresh(entry, stop);
        }
      } catch (err) {
        if (stop.aborted) return;
        // Cut short on purpose (a new subscription): poll again at once.
        if (poll.signal.aborted && isClientError(err) && err.code === 'CLIENT_ABORTED') continue;
        logger.warn({ err: String(err) }, 'config long poll failed, keeping last data');
        await sleep(retryDelayMs, stop);
      }
    }
  }
}
