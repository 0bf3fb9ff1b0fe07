/**
 * Every failure the transport reports, as a closed union of stable codes. Callers match on
 * `code`, never on `instanceof` (two installed copies of the package break `instanceof`).
 */
export type TransportErrorCode =
  /** Constructor or method options are invalid; nothing was changed. */
  | 'TRANSPORT_INVALID_OPTIONS'
  /** The listening socket could not be bound (port in use, bad host). */
  | 'TRANSPORT_LISTEN_FAILED'
  /** The peer id is not in the current peer list. */
  | 'TRANSPORT_UNKNOWN_PEER'
  /** The message is not plain data (class instances, Dates, Sets, functions...) and cannot be sent. */
  | 'TRANSPORT_BAD_MESSAGE'
  /** The encoded frame exceeds `maxFrameBytes`. */
  | 'TRANSPORT_FRAME_TOO_LARGE'
  /** The peer's send queue is full (messages or bytes); the message was not queued. */
  | 'TRANSPORT_QUEUE_OVERFLOW'
  /** A request got no response within `timeoutMs`. */
  | 'TRANSPORT_TIMEOUT'
  /** The request was cancelled through its `AbortSignal`. */
  | 'TRANSPORT_ABORTED'
  /** The peer cannot be reached right now (the last dial failed; the transport is backing off). */
  | 'TRANSPORT_PEER_UNREACHABLE'
  /** The connection closed (or the peer was removed) after the request was sent. */
  | 'TRANSPORT_PEER_CLOSED'
  /** The remote handler threw, or the remote side has no request handler for the channel. */
  | 'TRANSPORT_REMOTE_ERROR'
  /** The transport was closed locally. */
  | 'TRANSPORT_CLOSED';

/** All codes, for exhaustive checks (the README drift test iterates it). */
export const TRANSPORT_ERROR_CODES: readonly TransportErrorCode[] = [
  'TRANSPORT_INVALID_OPTIONS',
  'TRANSPORT_LISTEN_FAILED',
  'TRANSPORT_UNKNOWN_PEER',
  'TRANSPORT_BAD_MESSAGE',
  'TRANSPORT_FRAME_TOO_LARGE',
  'TRANSPORT_QUEUE_OVERFLOW',
  'TRANSPORT_TIMEOUT',
  'TRANSPORT_ABORTED',
  'TRANSPORT_PEER_UNREACHABLE',
  'TRANSPORT_PEER_CLOSED',
  'TRANSPORT_REMOTE_ERROR',
  'TRANSPORT_CLOSED',
];

/** The single error class of `@reg/transport-ws`. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  /** Stable machine-readable code. */
  readonly code: TransportErrorCode;
  /** For `TRANSPORT_REMOTE_ERROR`: the `code` the remote handler's error carried, if any. */
  readonly remoteCode: string | undefined;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown; remoteCode?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.remoteCode = options?.remoteCode;
  }
}
