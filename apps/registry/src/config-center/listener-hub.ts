import type { ConfigKey } from '@reg/storage';
import { keyString } from './config-names.js';
import type { ListenedConfig } from './listening-configs.js';

/** The timer functions the hub uses; tests pass a fake clock. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** One held long poll. */
export interface HeldPoll {
  /**
   * Resolves with the keys that changed while held (the first change answers), or `[]` when the
   * hold time ran out or the hub closed. Never rejects.
   */
  readonly answer: Promise<readonly ListenedConfig[]>;
  /**
   * Answers now with `changed` unless a change or the timeout answered first; resolves what the
   * poll finally answered. Idempotent.
   */
  settle(changed: readonly ListenedConfig[]): Promise<readonly ListenedConfig[]>;
}

interface Waiter {
  readonly configs: readonly ListenedConfig[];
  done: boolean;
  timer: unknown;
  resolve(changed: readonly ListenedConfig[]): void;
}

/**
 * The long polls this member holds, indexed by config key, as Nacos' `LongPollingService`: a poll
 * waits until one of its keys changes (answered with just the changed keys) or its hold time ends
 * (answered empty). Changes arrive from the config state machine on every member, so a poll held
 * anywhere answers a publish made anywhere.
 */
export class ListenerHub {
  readonly #byKey = new Map<string, Set<Waiter>>();
  readonly #timers: Timers;
  #size = 0;
  #closed = false;
  /**
   * Told, for each poll a change answers, how long after the change (`changedAt`, ms since the
   * epoch) it was answered: the notification latency an exporter records.
   */
  onNotified: ((latencyMs: number) => void) | undefined;

  constructor(timers: Timers = REAL_TIMERS) {
    this.#timers = timers;
  }

  /** Polls currently held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Starts holding a poll for `holdMs`. Register before comparing md5s: a change that lands
   * between the comparison and the registration would otherwise go unseen for a whole hold.
   */
  hold(configs: readonly ListenedConfig[], holdMs: number): HeldPoll {
    let resolve!: (changed: readonly ListenedConfig[]) => void;
    const answer = new Promise<readonly ListenedConfig[]>((r) => {
      resolve = r;
    });
    const waiter: Waiter = { configs, done: false, timer: undefined, resolve };
    if (this.#closed) {
      waiter.done = true;
      resolve([]);
    } else {
      for (const c of configs) {
        let set = this.#byKey.get(c.id);
        if (set === undefined) {
          set = new Set();
          this.#byKey.set(c.id, set);
        }
        set.add(waiter);
      }
      this.#size++;
      waiter.timer = this.#timers.setTimeout(() => this.#finish(waiter, []), holdMs);
    }
    return {
      answer,
      settle: (changed) => {
        this.#finish(waiter, changed);
        return answer;
      },
    };
  }

  /** A config changed (at `changedAt`, when known): answers every poll listening on it with that key. */
  notify(key: ConfigKey, changedAt?: number): void {
    const id = keyString(key);
    const set = this.#byKey.get(id);
    if (set === undefined) return;
    for (const waiter of [...set]) {
      this.#finish(
        waiter,
        waiter.configs.filter((c) => c.id === id),
      );
      if (changedAt !== undefined) this.onNotified?.(Math.max(0, Date.now() - changedAt));
    }
  }

  /** Every distinct (key, md5) that held polls wait on. */
  heldConfigs(): ListenedConfig[] {
    const out = new Map<string, ListenedConfig>();
    for (const set of this.#byKey.values()) {
      for (const waiter of set) for (const c of waiter.configs) out.set(`${c.id}\n${c.md5}`, c);
    }
    return [...out.values()];
  }

  /**
   * Answers each held poll with those of its configs `isChanged` selects; polls with none stay
   * held. For when the store changed without a per-key notification (a Raft snapshot restore).
   */
  answerChanged(isChanged: (config: ListenedConfig) => boolean): void {
    const waiters = new Set<Waiter>();
    for (const set of this.#byKey.values()) for (const waiter of set) waiters.add(waiter);
    for (const waiter of waiters) {
      const changed = waiter.configs.filter(isChanged);
      if (changed.length > 0) this.#finish(waiter, changed);
    }
  }

  /** Answers every held poll empty and refuses new ones (they answer empty at once): for shutdown. */
  close(): void {
    this.#closed = true;
    for (const set of [...this.#byKey.values()]) {
      for (const waiter of [...set]) this.#finish(waiter, []);
    }
  }

  #finish(waiter: Waiter, changed: readonly ListenedConfig[]): void {
    if (waiter.done) return;
    waiter.done = true;
    this.#timers.clearTimeout(waiter.timer);
    for (const c of waiter.configs) {
      const set = this.#byKey.get(c.id);
      if (set === undefined) continue;
      set.delete(waiter);
      if (set.size === 0) this.#byKey.delete(c.id);
    }
    this.#size--;
    waiter.resolve(changed);
  }
}
