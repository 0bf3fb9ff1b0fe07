import type { Message } from './messages.js';
import type { NodeId } from './types.js';

/**
 * The answer to a read request (`RawNode.readIndex`): once this node has applied `index`, a
 * read of its state machine is linearizable (it reflects every write completed before the request).
 */
export interface ReadState {
  /** The leader's commit index when the read was confirmed. */
  readonly index: number;
  /** The request's context, as passed to `readIndex`. */
  readonly context: Uint8Array;
}

interface PendingRead {
  /** Commit index when the request arrived at the leader. */
  readonly index: number;
  /** The request (`from` is the node that asked; the leader itself for local reads). */
  readonly req: Message;
  /** Voters that acknowledged a heartbeat carrying this context, or a later one. */
  readonly acks: Map<NodeId, boolean>;
}

/** A context's bytes as a map key. */
export function contextKey(ctx: Uint8Array): string {
  let s = '';
  for (let i = 0; i < ctx.length; i++) s += String.fromCharCode(ctx[i]!);
  return s;
}

/**
 * The leader's queue of reads waiting for a heartbeat quorum (ReadIndex, thesis §6.4), in arrival
 * order. A quorum acknowledging a request's heartbeat also confirms every earlier request: the
 * leader was leader when the later one was sent, so it was when the earlier ones were.
 */
export class ReadOnlyQueue {
  readonly #byKey = new Map<string, PendingRead>();
  #order: string[] = [];

  get size(): number {
    return this.#order.length;
  }

  /** Queues a request at `index`; false (ignored) when the same context is already queued. */
  add(index: number, req: Message, ctx: Uint8Array): boolean {
    const key = contextKey(ctx);
    if (this.#byKey.has(key)) return false;
    this.#byKey.set(key, { index, req, acks: new Map() });
    this.#order.push(key);
    return true;
  }

  /** Records `from`'s acknowledgement of the heartbeat for `ctx`; returns the acks so far, or undefined. */
  ack(from: NodeId, ctx: Uint8Array): ReadonlyMap<NodeId, boolean> | undefined {
    const p = this.#byKey.get(contextKey(ctx));
    if (p === undefined) return undefined;
    p.acks.set(from, true);
    return p.acks;
  }

  /** Removes and returns the requests up to and including `ctx`'s, oldest first. */
  release(ctx: Uint8Array): { index: number; req: Message }[] {
    const key = contextKey(ctx);
    const at = this.#order.indexOf(key);
    if (at < 0) return [];
    const done = this.#order.slice(0, at + 1);
    this.#order = this.#order.slice(at + 1);
    return done.map((k) => {
      const p = this.#byKey.get(k)!;
      this.#byKey.delete(k);
      return { index: p.index, req: p.req };
    });
  }

  /** The context of the newest request, which every heartbeat carries until it is confirmed. */
  lastContext(): Uint8Array | undefined {
    const key = this.#order[this.#order.length - 1];
    return key === undefined ? undefined : this.#byKey.get(key)!.req.context;
  }

  clear(): void {
    this.#byKey.clear();
    this.#order = [];
  }
}
