import { type Message, MessageType } from '../core/messages.js';
import type { NodeId, SnapshotMetadata } from '../core/types.js';

interface Incoming {
  readonly from: NodeId;
  readonly meta: SnapshotMetadata;
  /** The Snapshot message (metadata, term) to install once the data is in. */
  readonly message: Message;
  /** Bytes received (queued or consumed). */
  expected: number;
  /** Bytes handed to the consumer: what we acknowledge. */
  consumed: number;
  readonly queue: Uint8Array[];
  ended: boolean;
  failed: Error | undefined;
  wake: (() => void) | undefined;
  idleTicks: number;
}

/** What the receiver needs from its node. */
export interface ReceiverHost {
  readonly id: NodeId;
  term(): number;
  send(messages: Message[]): void;
  /** Whether this node wants (and is able to take) the snapshot of `m` now. */
  wants(m: Message): boolean;
  /**
   * Takes the snapshot's data, streamed (stages it or restores the state machine from it) and
   * installs it. Resolves true once installed; rejects when the stream failed.
   */
  receive(message: Message, chunks: AsyncIterable<Uint8Array>): Promise<boolean>;
}

/**
 * The follower's side of InstallSnapshot: accepts a leader's chunks in offset order, hands them to
 * the consumer as a stream and acknowledges what the consumer took (so the sender's window is the
 * only buffering), asks for a resend from its offset on a gap, and answers `last` once installed.
 * A transfer that stalls for `timeoutTicks` is abandoned (the stream fails; what was staged is
 * dropped).
 */
export class SnapshotReceiver {
  readonly #host: ReceiverHost;
  readonly #timeoutTicks: number;
  #incoming: Incoming | undefined;

  constructor(host: ReceiverHost, timeoutTicks: number) {
    this.#host = host;
    this.#timeoutTicks = timeoutTicks;
  }

  /** A Snapshot message with a chunk from the leader. */
  onChunk(m: Message): void {
    const c = m.chunk;
    const meta = m.snapshot;
    if (c === undefined || meta === undefined || m.term < this.#host.term()) return;
    let cur = this.#incoming;
    if (
      cur === undefined ||
      cur.from !== m.from ||
      cur.meta.index !== meta.index ||
      cur.meta.term !== meta.term
    ) {
      if (c.offset !== 0) {
        // We hold nothing of this snapshot: the sender must start over.
        this.#reply(m.from, meta, 0, false, true);
        return;
      }
      if (!this.#host.wants(m)) {
        this.#reply(m.from, meta, 0, true, true);
        return;
      }
      if (cur !== undefined) this.#fail(cur, new Error('superseded by a newer snapshot'));
      cur = this.#start(m);
    }
    cur.idleTicks = 0;
    if (c.offset > cur.expected) {
      this.#reply(m.from, meta, cur.expected, false, true);
      return;
    }
    const end = c.offset + c.data.byteLength;
    if (end > cur.expected) {
      cur.queue.push(c.data.subarray(cur.expected - c.offset));
      cur.expected = end;
    } else if (!c.last) {
      // A duplicate: repeat the acknowledgement.
      this.#reply(m.from, meta, cur.consumed, false, false);
    }
    if (c.last && end === cur.expected) cur.ended = true;
    cur.wake?.();
  }

  /** A tick: a transfer without progress for `timeoutTicks` is abandoned. */
  onTick(): void {
    const cur = this.#incoming;
    if (cur !== undefined && ++cur.idleTicks >= this.#timeoutTicks) {
      this.#fail(cur, new Error('snapshot transfer stalled'));
    }
  }

  /** Abandons the transfer (node stopping). */
  abort(err: Error): void {
    if (this.#incoming !== undefined) this.#fail(this.#incoming, err);
  }

  #start(m: Message): Incoming {
    const cur: Incoming = {
      from: m.from,
      meta: m.snapshot!,
      message: { ...m, chunk: undefined },
      expected: 0,
      consumed: 0,
      queue: [],
      ended: false,
      failed: undefined,
      wake: undefined,
      idleTicks: 0,
    };
    this.#incoming = cur;
    this.#host.receive(cur.message, this.#stream(cur)).then(
      (installed) => {
        if (this.#incoming === cur) this.#incoming = undefined;
        this.#reply(cur.from, cur.meta, cur.expected, true, !installed);
      },
      () => {
        if (this.#incoming === cur) this.#incoming = undefined;
      },
    );
    return cur;
  }

  async *#stream(cur: Incoming): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (cur.failed !== undefined) throw cur.failed;
      const next = cur.queue.shift();
      if (next !== undefined) {
        cur.consumed += next.byteLength;
        this.#reply(cur.from, cur.meta, cur.consumed, false, false);
        yield next;
        continue;
      }
      if (cur.ended) return;
      await new Promise<void>((resolve) => {
        cur.wake = resolve;
      });
      cur.wake = undefined;
    }
  }

  #fail(cur: Incoming, err: Error): void {
    cur.failed = err;
    if (this.#incoming === cur) this.#incoming = undefined;
    cur.wake?.();
  }

  #reply(to: NodeId, meta: SnapshotMetadata, offset: number, last: boolean, reject: boolean): void {
    this.#host.send([
      {
        type: MessageType.SnapshotResp,
        from: this.#host.id,
        to,
        term: this.#host.term(),
        logTerm: meta.term,
        index: meta.index,
        entries: [],
        commit: 0,
        reject,
        rejectHint: 0,
        chunk: { offset, data: new Uint8Array(0), last },
      },
    ]);
  }
}
