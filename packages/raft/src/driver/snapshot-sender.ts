import { type Message, MessageType } from '../core/messages.js';
import type { NodeId, SnapshotMetadata } from '../core/types.js';
import type { SnapshotChunks } from './interfaces.js';

/** Chunks in flight per transfer: memory stays within `window x chunkBytes` on both sides. */
const WINDOW = 4;
/** Retransmissions of an unacknowledged window before the transfer is given up. */
const MAX_RETRIES = 5;

interface Transfer {
  readonly to: NodeId;
  readonly meta: SnapshotMetadata;
  readonly iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  /** Chunks sent and not yet acknowledged, in offset order. */
  inflight: { offset: number; data: Uint8Array; last: boolean }[];
  /** Offset of the next byte to read from the stream. */
  offset: number;
  /** Bytes of the current source chunk not sent yet (source chunks larger than `chunkBytes`). */
  rest: Uint8Array | undefined;
  done: boolean;
  /** Skip (read and drop) the stream up to this offset: the receiver already has it. */
  skipTo: number;
  reading: boolean;
  idleTicks: number;
  retries: number;
}

/** What the sender needs from its node. */
export interface SenderHost {
  readonly id: NodeId;
  term(): number;
  send(messages: Message[]): void;
  /** The transfer to `to` finished (`ok`) or was given up. */
  report(to: NodeId, ok: boolean): void;
}

/**
 * The leader's side of InstallSnapshot: streams a state-machine snapshot to one follower in chunks
 * of at most `chunkBytes`, at most {@link WINDOW} unacknowledged at a time, pulling the source only
 * as acknowledgements free the window (bounded memory for any snapshot size). Lost or reordered
 * chunks are resent from the receiver's acknowledged offset after a stall of `timeoutTicks`; a
 * receiver that already holds part of the same snapshot makes the stream skip ahead.
 */
export class SnapshotSender {
  readonly #host: SenderHost;
  readonly #chunkBytes: number;
  readonly #timeoutTicks: number;
  readonly #transfers = new Map<NodeId, Transfer>();

  constructor(host: SenderHost, chunkBytes: number, timeoutTicks: number) {
    this.#host = host;
    this.#chunkBytes = chunkBytes;
    this.#timeoutTicks = timeoutTicks;
  }

  /** True while a transfer to `to` runs. */
  sending(to: NodeId): boolean {
    return this.#transfers.has(to);
  }

  /** Starts streaming `source` (the state at `meta.index`) to `to`. */
  start(to: NodeId, meta: SnapshotMetadata, source: SnapshotChunks): void {
    const iterator =
      Symbol.asyncIterator in source
        ? source[Symbol.asyncIterator]()
        : (source as Iterable<Uint8Array>)[Symbol.iterator]();
    const t: Transfer = {
      to,
      meta,
      iterator,
      inflight: [],
      offset: 0,
      rest: undefined,
      done: false,
      skipTo: 0,
      reading: false,
      idleTicks: 0,
      retries: 0,
    };
    this.#transfers.set(to, t);
    void this.#fill(t);
  }

  /** An acknowledgement (or refusal) from the receiver. */
  onResp(m: Message): void {
    const t = this.#transfers.get(m.from);
    const c = m.chunk;
    if (t === undefined || c === undefined || m.index !== t.meta.index || m.logTerm !== t.meta.term) return;
    t.idleTicks = 0;
    t.retries = 0;
    if (c.last) {
      // Installed, or refused for good (the receiver cannot take snapshots, or no longer needs it).
      this.#finish(t, !m.reject);
      return;
    }
    if (m.reject) {
      if (c.offset < (t.inflight[0]?.offset ?? t.offset)) {
        // The receiver lost what it had acknowledged (it restarted): a stream cannot rewind.
        this.#finish(t, false);
        return;
      }
      // Resume from the receiver's offset: resend what is in flight from there, or skip ahead.
      t.inflight = t.inflight.filter((x) => x.offset >= c.offset);
      if (t.inflight.length > 0) this.#resend(t);
      else t.skipTo = Math.max(t.skipTo, c.offset);
    } else {
      t.inflight = t.inflight.filter((x) => x.offset + x.data.byteLength > c.offset);
    }
    void this.#fill(t);
  }

  /** A tick: stalled transfers resend their window, and are given up after {@link MAX_RETRIES}. */
  onTick(): void {
    for (const t of this.#transfers.values()) {
      if (++t.idleTicks < this.#timeoutTicks) continue;
      t.idleTicks = 0;
      if (++t.retries > MAX_RETRIES) this.#finish(t, false);
      else this.#resend(t);
    }
  }

  /** Drops every transfer (leadership lost, node stopped); the core forgets them with the term. */
  abortAll(): void {
    for (const t of this.#transfers.values()) void t.iterator.return?.();
    this.#transfers.clear();
  }

  #finish(t: Transfer, ok: boolean): void {
    if (this.#transfers.get(t.to) !== t) return;
    this.#transfers.delete(t.to);
    if (!t.done) void t.iterator.return?.();
    this.#host.report(t.to, ok);
  }

  #message(t: Transfer, x: { offset: number; data: Uint8Array; last: boolean }): Message {
    return {
      type: MessageType.Snapshot,
      from: this.#host.id,
      to: t.to,
      term: this.#host.term(),
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      snapshot: t.meta,
      chunk: x,
    };
  }

  #resend(t: Transfer): void {
    if (t.inflight.length > 0) this.#host.send(t.inflight.map((x) => this.#message(t, x)));
  }

  /** Reads the source until the window is full or the stream ends; sends what it read. */
  async #fill(t: Transfer): Promise<void> {
    if (t.reading) return;
    t.reading = true;
    try {
      while (this.#transfers.get(t.to) === t && !t.done && t.inflight.length < WINDOW) {
        const next = await this.#nextPiece(t);
        if (this.#transfers.get(t.to) !== t) return;
        if (next === undefined) {
          t.done = true;
          const x = { offset: t.offset, data: new Uint8Array(0), last: true };
          t.inflight.push(x);
          this.#host.send([this.#message(t, x)]);
          return;
        }
        if (t.offset + next.byteLength <= t.skipTo) {
          t.offset += next.byteLength;
          continue;
        }
        const x = { offset: t.offset, data: next, last: false };
        t.offset += next.byteLength;
        t.inflight.push(x);
        this.#host.send([this.#message(t, x)]);
      }
    } catch {
      this.#finish(t, false);
    } finally {
      t.reading = false;
    }
  }

  /** The next piece of at most `chunkBytes`, or undefined at the end of the stream. */
  async #nextPiece(t: Transfer): Promise<Uint8Array | undefined> {
    let cur = t.rest;
    t.rest = undefined;
    while (cur === undefined || cur.byteLength === 0) {
      const r = await t.iterator.next();
      if (r.done) return undefined;
      if (!(r.value instanceof Uint8Array)) throw new TypeError('a snapshot chunk must be a Uint8Array');
      cur = r.value;
    }
    if (cur.byteLength <= this.#chunkBytes) return cur;
    t.rest = cur.subarray(this.#chunkBytes);
    return cur.subarray(0, this.#chunkBytes);
  }
}
