import type { Logger } from './logger.js';

/** Removes the listener it was returned for. Calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * A minimal typed event emitter. A throwing listener is logged and skipped, never allowed to
 * break the state machine that emits (the table's state must not depend on who listens).
 */
export class Emitter<Events extends { [K in keyof Events]: (arg: never) => void }> {
  readonly #listeners = new Map<keyof Events, Set<(arg: never) => void>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  on<K extends keyof Events>(event: K, listener: Events[K]): Unsubscribe {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<K extends keyof Events>(event: K, arg: Parameters<Events[K]>[0]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (a: typeof arg) => void)(arg);
      } catch (err) {
        this.#logger.error({ err, event: String(event) }, 'listener threw');
      }
    }
  }
}
