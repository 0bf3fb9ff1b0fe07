export interface LoginThrottleOptions {
  /** Failed attempts allowed per (client address, username) within one window. */
  readonly maxFailures?: number;
  readonly windowMs?: number;
  /** Most tracked pairs; beyond it the oldest are forgotten, so memory stays bounded. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Failures {
  count: number;
  /** When the window that started with the first failure ends. */
  until: number;
}

/**
 * Slows password guessing (Nacos had no limit, #1918): after `maxFailures` wrong passwords for one
 * username from one address within `windowMs`, further attempts from that address for that user
 * are refused until the window ends, whether the password is right or not. Other addresses are
 * unaffected, so a guesser cannot lock the real user out from elsewhere.
 */
export class LoginThrottle {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, Failures>();

  constructor(options: LoginThrottleOptions = {}) {
    this.#max = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Whether an attempt may be checked at all. */
  allowed(address: string, username: string): boolean {
    const entry = this.#failures.get(keyOf(address, username));
    if (entry === undefined) return true;
    if (entry.until <= this.#now()) {
      this.#failures.delete(keyOf(address, username));
      return true;
    }
    return entry.count < this.#max;
  }

  failed(address: string, username: string): void {
    const key = keyOf(address, username);
    const now = this.#now();
    const entry = this.#failures.get(key);
    if (entry !== undefined && entry.until > now) {
      entry.count++;
      return;
    }
    this.#failures.delete(key);
    if (this.#failures.size >= this.#maxEntries) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
    this.#failures.set(key, { count: 1, until: now + this.#windowMs });
  }

  succeeded(address: string, username: string): void {
    this.#failures.delete(keyOf(address, username));
  }
}

function keyOf(address: string, username: string): string {
  return `${address}\u0000${username}`;
}
