import { DistroError } from '../errors.js';
import type { DistroNetwork } from '../interfaces.js';
import type { DistroMessage } from '../messages.js';
import type { SeededRandom } from './random.js';
import type { SimScheduler } from './sim-scheduler.js';

/** Faults applied to every message (requests and replies alike). */
export interface LinkFaults {
  /** Probability that a message is lost. */
  drop: number;
  /** Probability that a message is delivered twice. */
  duplicate: number;
  /** Delay bounds in ms; a uniform delay per copy, which reorders messages. */
  minDelayMs: number;
  maxDelayMs: number;
}

/** No loss, no duplicates, 1 to 5 ms delay. */
export const RELIABLE: LinkFaults = { drop: 0, duplicate: 0, minDelayMs: 1, maxDelayMs: 5 };

/** What a registered member does with an inbound message: Distro's `handle`. */
export type SimHandler = (from: string, message: unknown) => Promise<DistroMessage | undefined>;

/** Traffic counters of a {@link SimNetwork}. */
export interface SimNetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  /** JSON-encoded bytes of every message put on a link. */
  bytes: number;
}

/**
 * An in-memory, seeded network for Distro simulations: drop, duplicate, reorder (random delay),
 * per-member extra delay (a slow peer) and partitions. Every message is JSON-cloned on send, so
 * members never share objects and values must survive serialisation as on a real wire.
 */
export class SimNetwork {
  private readonly handlers = new Map<string, SimHandler>();
  private readonly slow = new Map<string, number>();
  private groups: Map<string, number> | undefined;
  /** Current fault settings; may be replaced at any time. */
  faults: LinkFaults;
  readonly stats: SimNetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, bytes: 0 };

  constructor(
    private readonly scheduler: SimScheduler,
    private readonly random: SeededRandom,
    faults: LinkFaults = RELIABLE,
  ) {
    this.faults = faults;
  }

  /** Connects member `id`; its inbound messages go to `handler`. */
  register(id: string, handler: SimHandler): void {
    this.handlers.set(id, handler);
  }

  /** Disconnects member `id` (a crashed process): messages to it are lost. */
  unregister(id: string): void {
    this.handlers.delete(id);
  }

  /** The {@link DistroNetwork} member `id` uses. */
  endpoint(id: string): DistroNetwork {
    return {
      send: (to, message) => this.transmit(id, to, message, undefined),
      request: (to, message, timeoutMs) => this.request(id, to, message, timeoutMs),
    };
  }

  /** Members in different groups cannot reach each other; members in no group reach nobody. */
  partition(groups: readonly (readonly string[])[]): void {
    this.groups = new Map();
    groups.forEach((g, i) => {
      for (const m of g) this.groups?.set(m, i);
    });
  }

  /** Removes the partition. */
  heal(): void {
    this.groups = undefined;
  }

  /** Adds `ms` to every message to or from `id` (0 removes it). */
  setSlow(id: string, ms: number): void {
    if (ms > 0) this.slow.set(id, ms);
    else this.slow.delete(id);
  }

  /** True when `a` can currently reach `b`. */
  connected(a: string, b: string): boolean {
    if (!this.groups) return true;
    const ga = this.groups.get(a);
    return ga !== undefined && ga === this.groups.get(b);
  }

  private request(
    from: string,
    to: string,
    message: DistroMessage,
    timeoutMs: number,
  ): Promise<DistroMessage> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = this.scheduler.setTimeout(() => {
        if (done) return;
        done = true;
        reject(new DistroError('DISTRO_PEER_UNAVAILABLE', `sim: request ${from}->${to} timed out`));
      }, timeoutMs);
      this.transmit(from, to, message, {
        reply: (reply) => {
          if (done) return;
          done = true;
          this.scheduler.clearTimeout(timer);
          resolve(reply);
        },
      });
    });
  }

  private transmit(from: string, to: string, message: DistroMessage, route: Route | undefined): void {
    const text = JSON.stringify(message);
    this.stats.sent++;
    this.stats.bytes += text.length;
    if (!this.connected(from, to) || this.random.chance(this.faults.drop)) {
      this.stats.dropped++;
      return;
    }
    let copies = 1;
    if (this.random.chance(this.faults.duplicate)) {
      copies = 2;
      this.stats.duplicated++;
    }
    const { minDelayMs, maxDelayMs } = this.faults;
    for (let i = 0; i < copies; i++) {
      const delay =
        minDelayMs +
        this.random.next() * (maxDelayMs - minDelayMs) +
        (this.slow.get(from) ?? 0) +
        (this.slow.get(to) ?? 0);
      this.scheduler.setTimeout(() => this.deliver(from, to, text, route), delay);
    }
  }

  private deliver(from: string, to: string, text: string, route: Route | undefined): void {
    const handler = this.handlers.get(to);
    // A partition that started while the message was in flight loses it too.
    if (!handler || !this.connected(from, to)) {
      this.stats.dropped++;
      return;
    }
    this.stats.delivered++;
    if (route?.answer) {
      route.answer(JSON.parse(text) as DistroMessage);
      return;
    }
    const reply = route?.reply;
    handler(from, JSON.parse(text)).then(
      (answer) => {
        if (reply && answer) this.transmit(to, from, answer, { answer: reply });
      },
      () => {
        // The handler refused the message (bad input, stopped): the requester times out, as
        // it would over a real link.
      },
    );
  }
}

/** How a delivered message is handled: a request expecting a reply, or a reply to a request. */
interface Route {
  reply?: (reply: DistroMessage) => void;
  answer?: (reply: DistroMessage) => void;
}
