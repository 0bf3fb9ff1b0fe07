export type { BackoffOptions } from './backoff.js';
export type { BatchTransport, ChannelTransportOptions } from './channel-transport.js';
export { channelTransport } from './channel-transport.js';
export { CloseCode } from './close-codes.js';
export type { DecodeResult, Frame } from './codec.js';
export { checkPlainMsgpack, decodeFrame, encodeFrame, FrameKind } from './codec.js';
export type { TransportErrorCode } from './errors.js';
export { TRANSPORT_ERROR_CODES, TransportError } from './errors.js';
export type { FaultDecision, LinkFaults } from './faults.js';
export { FaultInjector } from './faults.js';
export {
  computeMac,
  decodeGreeting,
  decodeMac,
  encodeGreeting,
  encodeMac,
  HandshakeType,
} from './handshake.js';
export type { Logger } from './logger.js';
export { noopLogger } from './logger.js';
export type { PeerAddress, TlsOptions, WsTransportOptions } from './options.js';
export type { PeerMetrics, PeerState } from './peer-link.js';
export type {
  HandshakeFailureEvent,
  MessageHandler,
  OverflowEvent,
  ProtocolErrorEvent,
  RequestHandler,
  RequestOptions,
  TransportEvents,
  TransportMetrics,
} from './types.js';
export { WsTransport } from './ws-transport.js';
