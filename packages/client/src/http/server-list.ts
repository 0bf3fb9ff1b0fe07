import type { ServerAddress } from './server-address.js';

/** What the server list remembers about one server. Times are ms since the epoch; 0 = never. */
interface ServerState {
  readonly address: ServerAddress;
  lastSuccessAt: number;
  lastFailureAt: number;
}

export interface ServerListOptions {
  /** Random source in [0, 1), for the start server. Default `Math.random`. */
  readonly random?: () => number;
  /** Clock. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * How long a server that failed (and has not answered since) is tried only after the others.
   * Default 30 000 ms.
   */
  readonly failureCooldownMs?: number;
}

/**
 * The servers in the order a request should try them (seed 002, "client retry"): start at a
 * random server, stay on a server while it answers, move to the next one when it fails, and try
 * servers that failed recently only after those that did not.
 */
export class ServerList {
  readonly #servers: ServerState[];
  readonly #now: () => number;
  readonly #cooldownMs: number;
  /** Index of the server a request starts with. Invariant: 0 <= current < servers.length. */
  #current: number;

  constructor(addresses: readonly ServerAddress[], options: ServerListOptions = {}) {
    if (addresses.length === 0) throw new Error('ServerList needs at least one address');
    this.#servers = addresses.map((address) => ({ address, lastSuccessAt: 0, lastFailureAt: 0 }));
    this.#now = options.now ?? Date.now;
    this.#cooldownMs = options.failureCooldownMs ?? 30_000;
    const random = options.random ?? Math.random;
    this.#current = Math.min(addresses.length - 1, Math.floor(random() * addresses.length));
  }

  get size(): number {
    return this.#servers.length;
  }

  /** Every server, in configuration order. */
  get addresses(): readonly ServerAddress[] {
    return this.#servers.map((s) => s.address);
  }

  /**
   * The order to try servers in: the current one and then the rest in ring order, with the
   * servers whose latest outcome is a failure within the cooldown moved (in the same ring order)
   * behind the others. Each server appears once.
   */
  attemptOrder(): ServerAddress[] {
    const now = this.#now();
    const ring = this.#servers.map((_, i) => this.#servers[(this.#current + i) % this.#servers.length]!);
    const suspect = (s: ServerState) =>
      s.lastFailureAt > s.lastSuccessAt && now - s.lastFailureAt < this.#cooldownMs;
    return [...ring.filter((s) => !suspect(s)), ...ring.filter(suspect)].map((s) => s.address);
  }

  /** Records an answer: later requests start at this server. */
  reportSuccess(address: ServerAddress): void {
    const index = this.#indexOf(address);
    if (index === -1) return;
    this.#servers[index]!.lastSuccessAt = this.#now();
    this.#current = index;
  }

  /** Records a failure: when it was the start server, later requests start at the next one. */
  reportFailure(address: ServerAddress): void {
    const index = this.#indexOf(address);
    if (index === -1) return;
    this.#servers[index]!.lastFailureAt = this.#now();
    if (index === this.#current) this.#current = (index + 1) % this.#servers.length;
  }

  #indexOf(address: ServerAddress): number {
    return this.#servers.findIndex((s) => s.address.label === address.label);
  }
}
