import type { Message } from '../core/messages.js';
import type { NodeId } from '../core/types.js';
import type { Transport } from './interfaces.js';

/**
 * An in-process network for {@link RaftNode}s: messages are queued and delivered in one batch per
 * event-loop turn (`setImmediate`), never synchronously inside `send`, so a node never re-enters
 * itself. Links can be cut to model partitions.
 */
export class MemoryNetwork {
  readonly #receivers = new Map<NodeId, (m: Message) => void>();
  readonly #down = new Set<string>();
  #queue: Message[] = [];
  #scheduled: ReturnType<typeof setImmediate> | undefined;
  #filter: ((m: Message) => boolean) | undefined;
  /** Messages delivered so far (for message-efficiency checks). */
  delivered = 0;

  /** The transport of node `id`. */
  transport(id: NodeId): Transport {
    return {
      start: (receive) => {
        this.#receivers.set(id, receive);
      },
      send: (messages) => {
        for (const m of messages) this.#queue.push(m);
        if (this.#scheduled === undefined && this.#queue.length > 0)
          this.#scheduled = setImmediate(this.#flush);
      },
      stop: () => {
        this.#receivers.delete(id);
      },
    };
  }

  /** Cuts (or restores) the link from `from` to `to` (one direction). */
  setLink(from: NodeId, to: NodeId, up: boolean): void {
    if (up) this.#down.delete(`${from}>${to}`);
    else this.#down.add(`${from}>${to}`);
  }

  /** Cuts (or restores) every link to and from `id`. */
  isolate(id: NodeId, isolated: boolean, peers: readonly NodeId[]): void {
    for (const p of peers) {
      if (p === id) continue;
      this.setLink(id, p, !isolated);
      this.setLink(p, id, !isolated);
    }
  }

  /**
   * Drops every message for which `filter` returns false (fault injection in tests); `undefined`
   * delivers everything again.
   */
  setFilter(filter: ((m: Message) => boolean) | undefined): void {
    this.#filter = filter;
  }

  /** Drops queued messages and stops delivering. */
  close(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#queue = [];
    this.#receivers.clear();
  }

  readonly #flush = (): void => {
    this.#scheduled = undefined;
    const batch = this.#queue;
    this.#queue = [];
    for (const m of batch) {
      if (this.#down.size > 0 && this.#down.has(`${m.from}>${m.to}`)) continue;
      if (this.#filter !== undefined && !this.#filter(m)) continue;
      const receive = this.#receivers.get(m.to);
      if (receive === undefined) continue;
      this.delivered++;
      receive(m);
    }
  };
}
