/**
 * WebSocket close codes the transport uses (4000-4999 is the application range). The reason
 * string carries a human-readable detail; peers log both.
 */
export const CloseCode = {
  /** Wrong secret: the HMAC proof did not match. */
  AuthFailed: 4001,
  /** The dialler's id is not in our member list. */
  NotAMember: 4002,
  /** The handshake did not finish within `handshakeTimeoutMs`. */
  HandshakeTimeout: 4003,
  /** Garbage: a malformed handshake message or frame. */
  ProtocolError: 4004,
  /** A frame above `maxFrameBytes` (ws itself uses 1009 when `maxPayload` trips first). */
  FrameTooLarge: 4005,
  /** A newer authenticated connection from the same peer replaced this one. */
  Replaced: 4006,
  /** The peer was removed from the member list. */
  PeerRemoved: 4007,
  /** The local transport is shutting down. */
  GoingAway: 1001,
} as const;
