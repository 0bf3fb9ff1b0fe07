import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import type { ClientAgent } from './client-agent.js';
import type { NamingMetrics } from './naming-metrics.js';
import { decodeAck, encodePush, MAX_DATAGRAM_BYTES } from './push-packet.js';

/** A client that asked to be pushed to (`/instance/list` with `udpPort`). */
export interface Subscriber {
  /** `namespace##group@@service`. */
  readonly serviceKey: string;
  readonly namespaceId: string;
  /** The grouped name as the client requested it (echoed as `name`). */
  readonly groupedName: string;
  /** The `clusters` parameter as sent. */
  readonly clusters: string;
  readonly agent: ClientAgent;
  /** The raw User-Agent, for `/service/subscribers`. */
  readonly agentText: string;
  readonly app: string;
  readonly env: string;
  /** Where pushes go. */
  readonly ip: string;
  readonly port: number;
}

export interface PushServiceOptions {
  /** The list body a subscriber gets (Nacos' list answer with `cacheMillis` 10000). */
  build(subscriber: Subscriber): unknown;
  /** Switch `pushEnabled`. */
  enabled(): boolean;
  /** A subscriber not refreshed by a list call for this long is dropped. */
  subscriberTtlMs(): number;
  metrics: NamingMetrics;
  onError?(err: unknown, what: string): void;
  now?: () => number;
  /** Changes to a service within this window leave as one push. Default 1000 ms (Nacos). */
  pushDelayMs?: number;
  /** Resend when no ack came within this time. Default 10000 ms (Nacos). */
  ackTimeoutMs?: number;
  /** Sends per push, retries included. Default 2 (Nacos). */
  maxSends?: number;
  /** Period of the retry and expiry sweep. Default 1000 ms. */
  sweepMs?: number;
  /** Local address of the UDP socket. Default `0.0.0.0`. */
  bindAddress?: string;
}

interface Pending {
  readonly subscriber: Subscriber;
  readonly packet: Buffer;
  /** When the change that caused this push was noticed (for latency). */
  readonly changedAt: number;
  sentAt: number;
  sends: number;
}

/**
 * UDP push to subscribers, as Nacos 1.x clients expect: changes to a service are coalesced for
 * `pushDelayMs`, then every live subscriber of it gets its own list (its clusters, its names)
 * in a `dom` datagram from the one socket that also reads the acks; unacknowledged pushes are
 * resent once after `ackTimeoutMs`, then counted as failed. Subscribers that stop polling expire.
 */
export class PushService {
  readonly #options: PushServiceOptions;
  readonly #now: () => number;
  readonly #subscribers = new Map<string, Map<string, { subscriber: Subscriber; refreshedAt: number }>>();
  readonly #pending = new Map<string, Pending>();
  readonly #dirty = new Map<string, number>();
  #socket: Socket | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  // Java uses nanoTime; a microsecond clock plus a counter stays far below 2^53 and never repeats.
  #sequence = Date.now() * 1000;

  constructor(options: PushServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Binds the UDP socket; resolves with its port. */
  async start(): Promise<number> {
    const socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
    socket.on('error', (err) => this.#options.onError?.(err, 'push socket'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, this.#options.bindAddress ?? '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.unref();
    this.#socket = socket;
    this.#sweepTimer = setInterval(() => this.sweep(), this.#options.sweepMs ?? 1000);
    this.#sweepTimer.unref();
    return socket.address().port;
  }

  async close(): Promise<void> {
    clearTimeout(this.#flushTimer);
    clearInterval(this.#sweepTimer);
    this.#flushTimer = undefined;
    this.#sweepTimer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** Adds or refreshes a subscriber. IPv6 targets are not pushed to (the socket is IPv4): they poll. */
  subscribe(subscriber: Subscriber): void {
    if (!isIPv4(subscriber.ip) || subscriber.port <= 0 || subscriber.port > 65535) return;
    let forService = this.#subscribers.get(subscriber.serviceKey);
    if (!forService) {
      forService = new Map();
      this.#subscribers.set(subscriber.serviceKey, forService);
    }
    forService.set(`${subscriber.ip}:${subscriber.port}|${subscriber.clusters}`, {
      subscriber,
      refreshedAt: this.#now(),
    });
  }

  /** Live subscribers of a service (all services when `serviceKey` is absent). */
  subscribers(serviceKey?: string): Subscriber[] {
    const out: Subscriber[] = [];
    const maps = serviceKey ? [this.#subscribers.get(serviceKey)] : [...this.#subscribers.values()];
    for (const map of maps) for (const { subscriber } of map?.values() ?? []) out.push(subscriber);
    return out;
  }

  hasSubscribers(serviceKey: string): boolean {
    return this.#subscribers.has(serviceKey);
  }

  /** Schedules a push of `serviceKey` to its subscribers after the coalescing window. */
  serviceChanged(serviceKey: string): void {
    if (!this.#socket || !this.#subscribers.has(serviceKey) || this.#dirty.has(serviceKey)) return;
    this.#dirty.set(serviceKey, this.#now());
    if (!this.#flushTimer) {
      this.#flushTimer = setTimeout(() => this.flush(), this.#options.pushDelayMs ?? 1000);
      this.#flushTimer.unref();
    }
  }

  /** Sends the pushes whose window closed (normally called by the timer). */
  flush(): void {
    this.#flushTimer = undefined;
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    if (!this.#options.enabled()) return;
    for (const [serviceKey, changedAt] of dirty) {
      for (const { subscriber } of this.#subscribers.get(serviceKey)?.values() ?? []) {
        this.#push(subscriber, changedAt);
      }
    }
  }

  /** Resends and gives up on unacknowledged pushes; drops subscribers that stopped polling. */
  sweep(): void {
    const now = this.#now();
    const ackTimeout = this.#options.ackTimeoutMs ?? 10_000;
    const maxSends = this.#options.maxSends ?? 2;
    for (const [key, pending] of this.#pending) {
      if (now - pending.sentAt < ackTimeout) continue;
      if (pending.sends >= maxSends) {
        this.#pending.delete(key);
        this.#options.metrics.pushFailed++;
        continue;
      }
      pending.sends++;
      pending.sentAt = now;
      this.#sendRaw(pending.subscriber, pending.packet);
    }
    const ttl = this.#options.subscriberTtlMs();
    for (const [serviceKey, map] of this.#subscribers) {
      for (const [id, entry] of map) if (now - entry.refreshedAt > ttl) map.delete(id);
      if (map.size === 0) this.#subscribers.delete(serviceKey);
    }
  }

  /** Pushes awaiting an ack. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  #push(subscriber: Subscriber, changedAt: number): void {
    let packet: Buffer;
    const lastRefTime = ++this.#sequence;
    try {
      packet = encodePush(this.#options.build(subscriber), lastRefTime);
    } catch (err) {
      this.#options.onError?.(err, 'push encode');
      return;
    }
    if (packet.length > MAX_DATAGRAM_BYTES) {
      // Too large for one datagram: the client gets it by polling instead.
      this.#options.metrics.pushFailed++;
      return;
    }
    this.#pending.set(`${subscriber.ip}:${subscriber.port}:${lastRefTime}`, {
      subscriber,
      packet,
      changedAt,
      sentAt: this.#now(),
      sends: 1,
    });
    this.#sendRaw(subscriber, packet);
  }

  #sendRaw(subscriber: Subscriber, packet: Buffer): void {
    this.#options.metrics.pushSent++;
    this.#socket?.send(packet, subscriber.port, subscriber.ip, (err) => {
      if (err) this.#options.onError?.(err, 'push send');
    });
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const ack = decodeAck(msg);
    if (!ack) return;
    const key = `${rinfo.address}:${rinfo.port}:${ack.lastRefTime}`;
    const pending = this.#pending.get(key);
    if (!pending) return;
    this.#pending.delete(key);
    const metrics = this.#options.metrics;
    metrics.pushAcked++;
    metrics.recordPushLatency(Math.max(0, this.#now() - pending.changedAt));
  }
}
