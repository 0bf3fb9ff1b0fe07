import type { BackoffOptions } from './backoff.js';
import { TransportError } from './errors.js';
import type { FaultInjector } from './faults.js';
import { MAX_ID_BYTES } from './handshake.js';
import type { Logger } from './logger.js';
import { noopLogger } from './logger.js';

/** Where a peer listens. */
export interface PeerAddress {
  /** Host name or IP (IPv6 without brackets). */
  readonly host: string;
  /** The cluster port (the registry uses `server.port - 1000`, e.g. 7848). */
  readonly port: number;
}

/** TLS settings: the server presents `key`/`cert`; dialers verify peers against `ca`. */
export interface TlsOptions {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** Trusted CA(s) for verifying peers; for a self-signed cluster cert, the cert itself. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Verify the peer certificate when dialling. Default true. */
  readonly rejectUnauthorized?: boolean;
}

/** Options of {@link WsTransport}. */
export interface WsTransportOptions {
  /** This member's id (e.g. `10.0.0.1:8848`), 1..255 UTF-8 bytes. */
  readonly id: string;
  /** Shared cluster secret, at least 16 bytes. Never sent on the wire. */
  readonly secret: string | Uint8Array;
  /** Listen host. Default `127.0.0.1`. */
  readonly host?: string;
  /** Listen port; 0 picks a free one (read it back with `address()`). */
  readonly port: number;
  /** Initial peers (ids other than `id`). Change later with `addPeer`/`removePeer`. */
  readonly peers?: ReadonlyArray<{ readonly id: string } & PeerAddress>;
  /** Serve and dial over TLS (wss). */
  readonly tls?: TlsOptions;
  /** Largest frame in bytes, both directions. Default 4 MiB. */
  readonly maxFrameBytes?: number;
  /** Deepest nesting a received value may have. Default 64. */
  readonly maxDepth?: number;
  /** Per-peer queue bound in messages. Default 10 000. */
  readonly maxQueueMessages?: number;
  /** Per-peer queue bound in bytes. Default 16 MiB. */
  readonly maxQueueBytes?: number;
  /** Bytes the socket may buffer before frames wait in the queue. Default 1 MiB. */
  readonly highWaterBytes?: number;
  /** Time allowed to complete the handshake. Default 5000 ms. */
  readonly handshakeTimeoutMs?: number;
  /** Ping interval; a connection that misses a pong for one interval is dropped. Default 5000 ms. */
  readonly pingIntervalMs?: number;
  /** Default request timeout. Default 5000 ms. */
  readonly requestTimeoutMs?: number;
  /** Reconnect backoff. */
  readonly backoff?: BackoffOptions;
  /** Random source in [0, 1) for backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Fault injection; tests only. */
  readonly faults?: FaultInjector;
  /** Structural logger; default no-op. */
  readonly logger?: Logger;
}

/** Options with defaults applied. */
export interface ResolvedOptions {
  readonly id: string;
  readonly secret: Buffer;
  readonly host: string;
  readonly port: number;
  readonly tls: TlsOptions | undefined;
  readonly maxFrameBytes: number;
  readonly maxDepth: number;
  readonly maxQueueMessages: number;
  readonly maxQueueBytes: number;
  readonly highWaterBytes: number;
  readonly handshakeTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly requestTimeoutMs: number;
  readonly backoff: Required<BackoffOptions>;
  readonly random: () => number;
  readonly faults: FaultInjector | undefined;
  readonly logger: Logger;
}

function invalid(message: string): TransportError {
  return new TransportError('TRANSPORT_INVALID_OPTIONS', message);
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw invalid(`${name} must be a positive integer, got ${value}`);
  return v;
}

/** Throws `TRANSPORT_INVALID_OPTIONS` unless `id` is a usable member id. */
export function validateId(id: unknown, what = 'id'): string {
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES ||
    id === '*'
  ) {
    throw invalid(`${what} must be a non-empty string of at most ${MAX_ID_BYTES} bytes (not '*')`);
  }
  return id;
}

/** Throws `TRANSPORT_INVALID_OPTIONS` unless `address` is a usable peer address. */
export function validateAddress(address: PeerAddress | undefined, what: string): PeerAddress {
  if (address === undefined || typeof address.host !== 'string' || address.host.length === 0) {
    throw invalid(`${what}: host must be a non-empty string`);
  }
  if (!Number.isInteger(address.port) || address.port < 1 || address.port > 65535) {
    throw invalid(`${what}: port must be 1..65535, got ${address.port}`);
  }
  return { host: address.host, port: address.port };
}

/** Validates options and applies defaults. */
export function resolveOptions(o: WsTransportOptions): ResolvedOptions {
  if (o === null || typeof o !== 'object') throw invalid('options object required');
  const id = validateId(o.id);
  const secret =
    typeof o.secret === 'string' ? Buffer.from(o.secret, 'utf8') : o.secret && Buffer.from(o.secret);
  if (!secret || secret.length < 16) throw invalid('secret must be at least 16 bytes');
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)
    throw invalid(`port must be 0..65535, got ${o.port}`);
  if (o.tls !== undefined && (!o.tls.key || !o.tls.cert)) throw invalid('tls needs key and cert');
  const backoff = {
    initialMs: positiveInt('backoff.initialMs', o.backoff?.initialMs, 100),
    maxMs: positiveInt('backoff.maxMs', o.backoff?.maxMs, 5000),
  };
  if (backoff.maxMs < backoff.initialMs) throw invalid('backoff.maxMs must be >= backoff.initialMs');
  return {
    id,
    secret,
    host: o.host ?? '127.0.0.1',
    port: o.port,
    tls: o.tls,
    maxFrameBytes: positiveInt('maxFrameBytes', o.maxFrameBytes, 4 * 1024 * 1024),
    maxDepth: positiveInt('maxDepth', o.maxDepth, 64),
    maxQueueMessages: positiveInt('maxQueueMessages', o.maxQueueMessages, 10_000),
    maxQueueBytes: positiveInt('maxQueueBytes', o.maxQueueBytes, 16 * 1024 * 1024),
    highWaterBytes: positiveInt('highWaterBytes', o.highWaterBytes, 1024 * 1024),
    handshakeTimeoutMs: positiveInt('handshakeTimeoutMs', o.handshakeTimeoutMs, 5000),
    pingIntervalMs: positiveInt('pingIntervalMs', o.pingIntervalMs, 5000),
    requestTimeoutMs: positiveInt('requestTimeoutMs', o.requestTimeoutMs, 5000),
    backoff,
    random: o.random ?? Math.random,
    faults: o.faults,
    logger: o.logger ?? noopLogger,
  };
}
