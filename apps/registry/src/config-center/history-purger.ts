import type { ConfigCenter } from './config-center.js';
import { REAL_TIMERS, type Timers } from './listener-hub.js';

export interface HistoryPurgerOptions {
  readonly center: Pick<ConfigCenter, 'execute'>;
  /** Only the Raft leader purges, so a cluster runs one sweep, not one per member. */
  readonly isLeader: () => boolean;
  /** Rows whose time is older than this are removed (Nacos `nacos.config.retention.days`). */
  readonly retentionMs: number;
  readonly intervalMs: number;
  readonly now?: () => number;
  readonly timers?: Timers;
  readonly logger?: { warn(obj: object, msg: string): void };
}

/**
 * Nacos' history retention: every `intervalMs` (10 min) the leader removes history rows older
 * than the retention (30 days) with one command. The cut-off travels in the command, so every
 * member removes exactly the same rows.
 */
export class HistoryPurger {
  readonly #options: HistoryPurgerOptions;
  readonly #timers: Timers;
  #timer: unknown;
  #started = false;
  #stopped = false;
  #running: Promise<number> | undefined;

  constructor(options: HistoryPurgerOptions) {
    this.#options = options;
    this.#timers = options.timers ?? REAL_TIMERS;
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#schedule();
  }

  /** Stops the timer for good and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timers.clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  /** One sweep now (when leader): resolves the rows removed. */
  async sweep(): Promise<number> {
    if (!this.#options.isLeader()) return 0;
    const before = (this.#options.now?.() ?? Date.now()) - this.#options.retentionMs;
    const { purged } = await this.#options.center.execute({ op: 'history-purge', before });
    return purged;
  }

  #schedule(): void {
    const timer = this.#timers.setTimeout(() => {
      this.#running = this.sweep().catch((err: unknown) => {
        this.#options.logger?.warn({ err }, 'config history purge failed');
        return 0;
      });
      void this.#running.finally(() => {
        if (!this.#stopped) this.#schedule();
      });
    }, this.#options.intervalMs);
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }
}
