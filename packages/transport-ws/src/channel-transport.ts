import type { WsTransport } from './ws-transport.js';

/**
 * A batch, fire-and-forget message transport: structurally the `Transport` interface of
 * `@reg/raft`'s driver (`start(receive)`, `send(messages)`, `stop()`), declared here so this
 * package does not depend on raft.
 */
export interface BatchTransport<M> {
  start(receive: (message: M) => void): void;
  send(messages: readonly M[]): void;
  stop(): void;
}

/** Options of {@link channelTransport}. */
export interface ChannelTransportOptions<M> {
  /** The channel the messages travel on, e.g. `raft`. */
  readonly channel: string;
  /** The member id a message goes to (for raft: map `message.to` to the member id). */
  peerOf(message: M): string;
  /**
   * Called for a message that was not sent: unknown peer, full queue, or (a caller bug) not
   * encodable or too large, with the error in that case. Default: ignore. Never throws out of
   * `send`, because Raft's contract is to drop rather than fail.
   */
  readonly onDrop?: (message: M, error: unknown) => void;
}

/**
 * Adapts one channel of a {@link WsTransport} to a {@link BatchTransport}. Received payloads are
 * handed over as they arrive, unchecked beyond the codec's plain-data guarantee: the consumer
 * validates them (raft does).
 */
export function channelTransport<M>(t: WsTransport, options: ChannelTransportOptions<M>): BatchTransport<M> {
  const { channel, peerOf, onDrop } = options;
  return {
    start(receive) {
      t.onMessage(channel, (_from, message) => receive(message as M));
    },
    send(messages) {
      for (const m of messages) {
        let sent = false;
        let error: unknown;
        try {
          sent = t.send(peerOf(m), channel, m);
        } catch (err) {
          error = err;
        }
        if (!sent) onDrop?.(m, error);
      }
    },
    stop() {
      t.onMessage(channel, undefined);
    },
  };
}
