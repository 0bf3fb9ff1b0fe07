import type { PeerMetrics } from './peer-link.js';

/** Handles one-way messages of a channel. Exceptions are logged, never sent back. */
export type MessageHandler = (from: string, message: unknown) => void;
/** Handles requests of a channel; the (awaited) return value is the response. */
export type RequestHandler = (from: string, request: unknown) => unknown;

/** Options of {@link WsTransport.request}. */
export interface RequestOptions {
  /** Overrides `requestTimeoutMs`. */
  readonly timeoutMs?: number;
  /** Cancels the request (rejects with `TRANSPORT_ABORTED`). */
  readonly signal?: AbortSignal;
}

/** Payload of the `overflow` event. */
export interface OverflowEvent {
  readonly peer: string;
  readonly channel: string;
  readonly queuedMessages: number;
  readonly queuedBytes: number;
  /** Total overflows for this peer so far. */
  readonly overflows: number;
}

/** Payload of the `authFailure` and `handshakeFailure` events. */
export interface HandshakeFailureEvent {
  readonly remoteAddress: string | undefined;
  readonly claimedId: string | undefined;
  readonly code: number;
  readonly reason: string;
}

/** Payload of the `protocolError` event: an authenticated peer sent a bad frame. */
export interface ProtocolErrorEvent {
  readonly peer: string;
  readonly reason: string;
}

/** Events of {@link WsTransport}; these double as metrics hooks. */
export interface TransportEvents {
  /** An authenticated connection to `peer` opened. */
  peerUp: [peer: string];
  /** The connection to `peer` closed. */
  peerDown: [peer: string, reason: string];
  /** A message was refused because `peer`'s queue was full. */
  overflow: [event: OverflowEvent];
  /** An inbound or outbound handshake failed authentication (wrong secret, not a member). */
  authFailure: [event: HandshakeFailureEvent];
  /** A handshake failed for another reason (timeout, garbage, connection lost). */
  handshakeFailure: [event: HandshakeFailureEvent];
  /** An authenticated peer sent a malformed or oversized frame; its connection was closed. */
  protocolError: [event: ProtocolErrorEvent];
}

/** Transport-wide metrics. Peer counters of removed peers stay in the totals. */
export interface TransportMetrics {
  readonly framesOut: number;
  readonly bytesOut: number;
  readonly framesIn: number;
  readonly bytesIn: number;
  readonly reconnects: number;
  readonly overflows: number;
  readonly authFailures: number;
  readonly handshakeFailures: number;
  readonly protocolErrors: number;
  readonly peers: readonly PeerMetrics[];
}
