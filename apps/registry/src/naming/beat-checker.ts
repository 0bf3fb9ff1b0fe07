import { expiryDue } from './instance-ops.js';
import type { InstanceRecord } from './model.js';

/** What the checker needs; injected so tests drive it with a fake clock and no timers. */
export interface BeatCheckerDeps {
  now(): number;
  /** Every service key with its ephemeral instances (local replica). */
  entries(): Iterable<[string, readonly InstanceRecord[]]>;
  /** Only the responsible member expires a service's instances. */
  isResponsible(key: string): boolean;
  /** True when the service has persistent settings (an explicit service is never cleaned). */
  isPersistentService(key: string): boolean;
  /** Issues the expiry write (reduced at the responsible member as of `now`). */
  expire(key: string, now: number): Promise<void>;
  /** Removes a still-empty service. */
  dropEmpty(key: string): Promise<void>;
  /** Called with the error of a failed write; the next tick retries. */
  onError(err: unknown, key: string): void;
}

export interface BeatCheckerOptions {
  /** How often silent instances are looked for. Nacos checks every 5 s; default 1 s, for sharper timings. */
  readonly periodMs?: number;
  /** How long a service stays empty before it is removed (Nacos' auto-clean: about 2.5 min). */
  readonly emptyServiceTtlMs?: number;
}

export const DEFAULT_BEAT_CHECK_PERIOD_MS = 1_000;
export const DEFAULT_EMPTY_SERVICE_TTL_MS = 150_000;

/**
 * Expires ephemeral instances whose client stopped beating: unhealthy after the beat timeout
 * (15 s), removed after the delete timeout (30 s), both overridable per instance through
 * metadata. Writes happen only when something is due, and only for services this member is
 * responsible for, so each service is expired by exactly one member in a stable view.
 */
export class BeatChecker {
  readonly #deps: BeatCheckerDeps;
  readonly #periodMs: number;
  readonly #emptyTtlMs: number;
  readonly #emptySince = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(deps: BeatCheckerDeps, options: BeatCheckerOptions = {}) {
    this.#deps = deps;
    this.#periodMs = options.periodMs ?? DEFAULT_BEAT_CHECK_PERIOD_MS;
    this.#emptyTtlMs = options.emptyServiceTtlMs ?? DEFAULT_EMPTY_SERVICE_TTL_MS;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      // One pass at a time: a slow write must not pile up overlapping passes.
      if (!this.#running) this.#running = this.tick().finally(() => (this.#running = undefined));
    }, this.#periodMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass over the services this member is responsible for. */
  async tick(): Promise<void> {
    const now = this.#deps.now();
    const writes: Promise<void>[] = [];
    const seen = new Set<string>();
    for (const [key, list] of this.#deps.entries()) {
      if (!this.#deps.isResponsible(key)) continue;
      seen.add(key);
      if (list.length === 0) {
        writes.push(this.#maybeDrop(key, now));
        continue;
      }
      this.#emptySince.delete(key);
      const due = expiryDue(list, now);
      if (due.unhealthy.length > 0 || due.removed.length > 0) {
        writes.push(this.#deps.expire(key, now).catch((err: unknown) => this.#deps.onError(err, key)));
      }
    }
    for (const key of this.#emptySince.keys()) if (!seen.has(key)) this.#emptySince.delete(key);
    await Promise.all(writes);
  }

  async #maybeDrop(key: string, now: number): Promise<void> {
    if (this.#deps.isPersistentService(key)) return;
    const since = this.#emptySince.get(key);
    if (since === undefined) {
      this.#emptySince.set(key, now);
      return;
    }
    if (now - since < this.#emptyTtlMs) return;
    this.#emptySince.delete(key);
    await this.#deps.dropEmpty(key).catch((err: unknown) => this.#deps.onError(err, key));
  }
}
