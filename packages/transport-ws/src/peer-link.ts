import type WebSocket from 'ws';
import { TransportError } from './errors.js';
import type { FaultInjector } from './faults.js';
import type { PeerAddress } from './options.js';

/**
 * Connection state of a peer.
 * - `pending`: never connected yet (dialling, or waiting for the peer to dial us).
 * - `up`: an authenticated connection is open.
 * - `down`: the last connection was lost or the last dial failed; requests fail fast with
 *   `TRANSPORT_PEER_UNREACHABLE` until a new connection is authenticated.
 */
export type PeerState = 'pending' | 'up' | 'down';

/** Counters of one peer. All monotonic except the `queued*` gauges and `state`. */
export interface PeerMetrics {
  readonly id: string;
  readonly state: PeerState;
  readonly framesOut: number;
  readonly bytesOut: number;
  readonly framesIn: number;
  readonly bytesIn: number;
  /** Authenticated connections after the first one. */
  readonly reconnects: number;
  /** Dial attempts that failed before authentication. */
  readonly dialFailures: number;
  /** Messages refused because the queue was full. */
  readonly overflows: number;
  /** Frames dropped by fault injection. */
  readonly faultDrops: number;
  /** Gauge: messages waiting in the queue. */
  readonly queuedMessages: number;
  /** Gauge: bytes waiting in the queue. */
  readonly queuedBytes: number;
  /** Gauge: requests awaiting a response. */
  readonly pendingRequests: number;
}

interface QueueEntry {
  readonly bytes: Buffer;
  readonly requestId: number;
  cancelled: boolean;
}

/**
 * A request awaiting its response. Timeouts are not one timer per request: the transport sweeps
 * deadlines every few milliseconds (see `WsTransport`), which keeps the request path free of
 * timer bookkeeping, the main allocation cost of a round trip.
 */
export class PendingRequest {
  entry: QueueEntry | undefined = undefined;
  written = false;
  onAbort: (() => void) | undefined = undefined;

  constructor(
    private readonly settleOk: (value: unknown) => void,
    private readonly settleErr: (err: TransportError) => void,
    /** `performance.now()` after which the request times out. */
    readonly deadline: number,
    readonly channel: string,
    readonly timeoutMs: number,
    readonly signal: AbortSignal | undefined,
  ) {}

  resolve(value: unknown): void {
    this.cleanup();
    this.settleOk(value);
  }

  reject(err: TransportError): void {
    this.cleanup();
    this.settleErr(err);
  }

  private cleanup(): void {
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** Limits a link needs. */
export interface LinkLimits {
  readonly selfId: string;
  readonly maxQueueMessages: number;
  readonly maxQueueBytes: number;
  readonly highWaterBytes: number;
  readonly faults: FaultInjector | undefined;
}

/**
 * One peer: its address, the bounded outbound queue, the authenticated socket when there is one,
 * and the requests in flight to it. Frames are written straight to the socket while it buffers
 * less than `highWaterBytes`; beyond that (a slow peer) or while disconnected they wait in the
 * queue, which is bounded in messages and bytes, so a dead peer costs at most those bounds.
 */
export class PeerLink {
  state: PeerState = 'pending';
  socket: WebSocket | undefined;
  /** Socket being dialled or handshaking (outbound). */
  dialing: WebSocket | undefined;
  dialTimer: NodeJS.Timeout | undefined;
  dialAttempt = 0;
  connectedOnce = false;
  readonly pending = new Map<number, PendingRequest>();

  framesOut = 0;
  bytesOut = 0;
  framesIn = 0;
  bytesIn = 0;
  reconnects = 0;
  dialFailures = 0;
  overflows = 0;
  faultDrops = 0;

  private queue: QueueEntry[] = [];
  private head = 0;
  private queuedBytes = 0;
  private readonly delayed = new Set<NodeJS.Timeout>();
  private readonly onWritten = (): void => this.flush();

  constructor(
    readonly id: string,
    public address: PeerAddress,
    private readonly limits: LinkLimits,
  ) {}

  /** Messages currently queued. */
  get queuedMessages(): number {
    return this.queue.length - this.head;
  }

  /**
   * Queues (or writes) a frame. Returns the queue entry, or `undefined` when the queue is full
   * (the caller counts and reports the overflow).
   */
  enqueue(bytes: Buffer, requestId: number): QueueEntry | undefined | null {
    const s = this.socket;
    if (
      s !== undefined &&
      s.readyState === 1 &&
      this.head === this.queue.length &&
      s.bufferedAmount < this.limits.highWaterBytes
    ) {
      this.write(s, bytes);
      return null; // written at once
    }
    if (
      this.queuedMessages + 1 > this.limits.maxQueueMessages ||
      this.queuedBytes + bytes.length > this.limits.maxQueueBytes
    ) {
      this.overflows++;
      return undefined;
    }
    const entry: QueueEntry = { bytes, requestId, cancelled: false };
    this.queue.push(entry);
    this.queuedBytes += bytes.length;
    return entry;
  }

  /** Removes a queued entry (its request timed out or was aborted) and frees its bytes. */
  cancel(entry: QueueEntry): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    this.queuedBytes -= entry.bytes.length;
  }

  /** Writes queued frames while the socket accepts them. */
  flush(): void {
    const s = this.socket;
    // A closing socket would swallow frames; they stay queued for the next connection.
    if (s === undefined || s.readyState !== 1) return;
    while (this.head < this.queue.length && s.bufferedAmount < this.limits.highWaterBytes) {
      const entry = this.queue[this.head] as QueueEntry;
      this.queue[this.head++] = undefined as unknown as QueueEntry;
      if (entry.cancelled) continue;
      this.queuedBytes -= entry.bytes.length;
      entry.cancelled = true; // no longer cancellable: it is on the wire
      if (entry.requestId !== 0) {
        const p = this.pending.get(entry.requestId);
        if (p !== undefined) {
          p.written = true;
          p.entry = undefined;
        }
      }
      this.write(s, entry.bytes);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private write(s: WebSocket, bytes: Buffer): void {
    const faults = this.limits.faults;
    if (faults !== undefined) {
      const d = faults.decide(this.limits.selfId, this.id);
      if (d.drop) {
        this.faultDrops++;
        return;
      }
      const copies = d.duplicate ? 2 : 1;
      if (d.delayMs > 0) {
        const t = setTimeout(() => {
          this.delayed.delete(t);
          if (this.socket === s) for (let i = 0; i < copies; i++) this.rawWrite(s, bytes);
        }, d.delayMs);
        this.delayed.add(t);
        return;
      }
      for (let i = 0; i < copies; i++) this.rawWrite(s, bytes);
      return;
    }
    this.rawWrite(s, bytes);
  }

  private rawWrite(s: WebSocket, bytes: Buffer): void {
    if (s.readyState !== 1) return;
    this.framesOut++;
    this.bytesOut += bytes.length;
    // Ask for a completion callback only when the socket is getting full: it is what wakes
    // the queue up again, and skipping it otherwise keeps the fast path allocation-free.
    if (s.bufferedAmount + bytes.length >= this.limits.highWaterBytes) s.send(bytes, this.onWritten);
    else s.send(bytes);
  }

  /**
   * Forgets the socket after it closed: requests already on the wire fail with
   * `TRANSPORT_PEER_CLOSED` (the peer may or may not have handled them); queued frames stay
   * queued for the next connection.
   */
  detach(reason: string): void {
    this.socket = undefined;
    for (const t of this.delayed) clearTimeout(t);
    this.delayed.clear();
    for (const [id, p] of this.pending) {
      if (p.written) {
        this.pending.delete(id);
        p.reject(new TransportError('TRANSPORT_PEER_CLOSED', `connection to ${this.id} closed: ${reason}`));
      }
    }
  }

  /** Fails every request and empties the queue (peer removed or transport closed). */
  clear(err: () => TransportError): void {
    for (const p of this.pending.values()) p.reject(err());
    this.pending.clear();
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    for (const t of this.delayed) clearTimeout(t);
    this.delayed.clear();
    if (this.dialTimer !== undefined) clearTimeout(this.dialTimer);
    this.dialTimer = undefined;
  }

  /**
   * Registers request `id` (already encoded in `bytes`) and queues it. Settles with the response,
   * or rejects with `TRANSPORT_QUEUE_OVERFLOW` (after calling `onOverflow`), `TRANSPORT_TIMEOUT`
   * or `TRANSPORT_ABORTED`; a queued request that times out or is aborted leaves the queue.
   */
  request(
    id: number,
    bytes: Buffer,
    channel: string,
    timeoutMs: number,
    deadline: number,
    signal: AbortSignal | undefined,
    onOverflow: () => void,
  ): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const p = new PendingRequest(resolve, reject, deadline, channel, timeoutMs, signal);
      this.pending.set(id, p);
      const entry = this.enqueue(bytes, id);
      if (entry === undefined) {
        this.pending.delete(id);
        onOverflow();
        reject(new TransportError('TRANSPORT_QUEUE_OVERFLOW', `send queue to ${this.id} is full`));
        return;
      }
      if (entry === null) p.written = true;
      else if (!p.written) p.entry = entry;
      if (signal !== undefined) {
        p.onAbort = () =>
          this.abandon(
            id,
            p,
            new TransportError('TRANSPORT_ABORTED', 'request aborted', { cause: signal.reason }),
          );
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
    });
  }

  /** Fails requests whose deadline passed with `TRANSPORT_TIMEOUT`; returns the earliest deadline left. */
  sweep(now: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [id, p] of this.pending) {
      if (p.deadline <= now) {
        const msg = `request to ${this.id} on ${p.channel} timed out after ${p.timeoutMs} ms`;
        this.abandon(id, p, new TransportError('TRANSPORT_TIMEOUT', msg));
      } else if (p.deadline < earliest) {
        earliest = p.deadline;
      }
    }
    return earliest;
  }

  private abandon(id: number, p: PendingRequest, err: TransportError): void {
    if (this.pending.get(id) !== p) return;
    this.pending.delete(id);
    if (p.entry !== undefined) this.cancel(p.entry);
    p.reject(err);
  }

  /** A metrics snapshot. */
  metrics(): PeerMetrics {
    return {
      id: this.id,
      state: this.state,
      framesOut: this.framesOut,
      bytesOut: this.bytesOut,
      framesIn: this.framesIn,
      bytesIn: this.bytesIn,
      reconnects: this.reconnects,
      dialFailures: this.dialFailures,
      overflows: this.overflows,
      faultDrops: this.faultDrops,
      queuedMessages: this.queuedMessages,
      queuedBytes: this.queuedBytes,
      pendingRequests: this.pending.size,
    };
  }
}
