import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { backoffDelay } from './backoff.js';
import { ChannelRouter } from './channel-router.js';
import { CloseCode } from './close-codes.js';
import { decodeFrame, encodeFrame, FrameKind, MAX_CHANNEL_LENGTH } from './codec.js';
import { acceptHandshake, type HandshakeFailure } from './connection-handshake.js';
import { DeadlineTimer } from './deadline-timer.js';
import {
  type ClusterServer,
  closeSockets,
  dialPeer,
  startClusterServer,
  startKeepalive,
  stopClusterServer,
} from './endpoints.js';
import { TransportError } from './errors.js';
import { MetricsRegistry } from './metrics.js';
import {
  type PeerAddress,
  type ResolvedOptions,
  resolveOptions,
  validateAddress,
  validateId,
  type WsTransportOptions,
} from './options.js';
import { PeerLink } from './peer-link.js';
import type {
  MessageHandler,
  RequestHandler,
  RequestOptions,
  TransportEvents,
  TransportMetrics,
} from './types.js';

/** Inbound connections allowed to be in the handshake at once; more are dropped on arrival. */
const MAX_PENDING_HANDSHAKES = 64;

/**
 * The cluster peer network: one authenticated WebSocket per peer pair, msgpackr frames on named
 * channels, one-way `send` and `request`/response, bounded per-peer queues, reconnect with
 * jittered backoff.
 *
 * Who dials: the member whose id sorts lower (JavaScript string order) dials; the other waits.
 * Both sides derive the same answer from the ids alone, so a pair never races two dials. If a
 * second authenticated connection from a peer arrives anyway (the peer restarted before we saw
 * the old socket die), the newest replaces the older one, which is closed with 4006.
 */
export class WsTransport extends EventEmitter<TransportEvents> {
  /** This member's id. */
  readonly id: string;
  private readonly o: ResolvedOptions;
  private readonly links = new Map<string, PeerLink>();
  private readonly router: ChannelRouter;
  private readonly sockets = new Set<WebSocket>();
  private readonly pingTimers = new Map<WebSocket, NodeJS.Timeout>();
  private readonly stats = new MetricsRegistry();
  private server: ClusterServer | undefined;
  private bound: PeerAddress | undefined;
  private state: 'new' | 'starting' | 'listening' | 'closed' = 'new';
  private nextRequestId = 0;
  private readonly deadlines = new DeadlineTimer((now) => {
    let earliest = Number.POSITIVE_INFINITY;
    for (const link of this.links.values()) earliest = Math.min(earliest, link.sweep(now));
    return earliest;
  });
  private handshaking = 0;

  /** Validates options (throws `TRANSPORT_INVALID_OPTIONS`); call {@link listen} to start. */
  constructor(options: WsTransportOptions) {
    super();
    this.o = resolveOptions(options);
    this.router = new ChannelRouter(this.o.logger, (l, ch, id, ok, body) => this.reply(l, ch, id, ok, body));
    this.id = this.o.id;
    for (const p of options.peers ?? []) {
      if (p.id === this.id) continue; // a member list naturally contains ourselves
      this.links.set(validateId(p.id, 'peer id'), this.newLink(p.id, validateAddress(p, `peer ${p.id}`)));
    }
  }

  /** Binds the cluster port and starts dialling peers. Resolves to the bound address. */
  async listen(): Promise<PeerAddress> {
    if (this.state !== 'new') throw new TransportError('TRANSPORT_CLOSED', 'listen() may be called once');
    this.state = 'starting';
    try {
      this.server = await startClusterServer(this.o, (ws, remote) => this.onInbound(ws, remote));
    } catch (err) {
      this.state = 'closed';
      throw err;
    }
    if (this.state !== 'starting') {
      // close() ran while we were binding.
      await stopClusterServer(this.server);
      throw new TransportError('TRANSPORT_CLOSED', 'transport closed while starting');
    }
    this.bound = { host: this.o.host, port: this.server.port };
    this.state = 'listening';
    this.o.logger.info(
      { id: this.id, port: this.bound.port, tls: this.o.tls !== undefined },
      'cluster transport listening',
    );
    for (const link of this.links.values()) this.maybeDial(link);
    return this.bound;
  }

  /** The bound address (after {@link listen}). */
  address(): PeerAddress {
    if (this.bound === undefined) throw new TransportError('TRANSPORT_CLOSED', 'not listening');
    return this.bound;
  }

  /** Current peer ids. */
  peerIds(): string[] {
    return [...this.links.keys()];
  }

  /** Whether an authenticated connection to `peer` is open. */
  isConnected(peer: string): boolean {
    return this.links.get(peer)?.socket !== undefined;
  }

  /**
   * Adds a peer (a member joined), or updates its address (reconnecting if it changed).
   * Adding ourselves is a no-op.
   */
  addPeer(id: string, address: PeerAddress): void {
    validateId(id, 'peer id');
    const addr = validateAddress(address, `peer ${id}`);
    if (id === this.id || this.state === 'closed') return;
    const link = this.links.get(id);
    if (link === undefined) {
      const fresh = this.newLink(id, addr);
      this.links.set(id, fresh);
      this.maybeDial(fresh);
      return;
    }
    if (link.address.host === addr.host && link.address.port === addr.port) return;
    link.address = addr;
    link.socket?.close(CloseCode.PeerRemoved, 'address changed');
  }

  /**
   * Removes a peer (a member left): closes its connection, drops its queue, and fails its
   * requests with `TRANSPORT_PEER_CLOSED`. Unknown ids are ignored.
   */
  removePeer(id: string): void {
    const link = this.links.get(id);
    if (link === undefined) return;
    this.links.delete(id);
    this.stats.retire(link);
    link.clear(() => new TransportError('TRANSPORT_PEER_CLOSED', `peer ${id} was removed`));
    link.dialing?.terminate();
    const s = link.socket;
    link.socket = undefined;
    s?.close(CloseCode.PeerRemoved, 'peer removed');
  }

  /** Sets (or with `undefined` removes) the handler of one-way messages on `channel`. */
  onMessage(channel: string, handler: MessageHandler | undefined): void {
    checkChannel(channel);
    this.router.setMessageHandler(channel, handler);
  }

  /** Sets (or with `undefined` removes) the request handler of `channel`. */
  onRequest(channel: string, handler: RequestHandler | undefined): void {
    checkChannel(channel);
    this.router.setRequestHandler(channel, handler);
  }

  /**
   * Sends a one-way message, fire-and-forget (delivery is best effort, as Raft expects).
   * Returns false when it was not queued: unknown peer, closed transport, or a full queue (then
   * counted in `overflows` and reported by the `overflow` event). Throws `TRANSPORT_BAD_MESSAGE`
   * or `TRANSPORT_FRAME_TOO_LARGE` for messages no peer could ever accept.
   */
  send(peer: string, channel: string, message: unknown): boolean {
    checkChannel(channel);
    const link = this.links.get(peer);
    if (link === undefined || this.state === 'closed') return false;
    const bytes = encodeFrame(FrameKind.Message, channel, 0, message, this.o.maxFrameBytes, this.o.maxDepth);
    if (link.enqueue(bytes, 0) === undefined) {
      this.reportOverflow(link, channel);
      return false;
    }
    return true;
  }

  /**
   * Sends a request and resolves with the peer's response. Rejects with `TRANSPORT_TIMEOUT`,
   * `TRANSPORT_ABORTED`, `TRANSPORT_PEER_UNREACHABLE` (peer known down: fails fast),
   * `TRANSPORT_PEER_CLOSED` (connection lost after sending), `TRANSPORT_QUEUE_OVERFLOW`,
   * `TRANSPORT_REMOTE_ERROR`, `TRANSPORT_UNKNOWN_PEER`, `TRANSPORT_CLOSED`,
   * `TRANSPORT_BAD_MESSAGE` or `TRANSPORT_FRAME_TOO_LARGE`.
   */
  request(peer: string, channel: string, message: unknown, options: RequestOptions = {}): Promise<unknown> {
    try {
      return this.startRequest(peer, channel, message, options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private startRequest(
    peer: string,
    channel: string,
    message: unknown,
    options: RequestOptions,
  ): Promise<unknown> {
    checkChannel(channel);
    if (this.state === 'closed') throw new TransportError('TRANSPORT_CLOSED', 'transport is closed');
    const link = this.links.get(peer);
    if (link === undefined) throw new TransportError('TRANSPORT_UNKNOWN_PEER', `unknown peer ${peer}`);
    const timeoutMs = options.timeoutMs ?? this.o.requestTimeoutMs;
    if (!(timeoutMs > 0)) throw new TransportError('TRANSPORT_INVALID_OPTIONS', 'timeoutMs must be > 0');
    const signal = options.signal;
    if (signal?.aborted)
      throw new TransportError('TRANSPORT_ABORTED', 'request aborted', { cause: signal.reason });
    if (link.state === 'down')
      throw new TransportError('TRANSPORT_PEER_UNREACHABLE', `peer ${peer} is unreachable`);
    const id = ++this.nextRequestId;
    const bytes = encodeFrame(FrameKind.Request, channel, id, message, this.o.maxFrameBytes, this.o.maxDepth);
    const deadline = performance.now() + timeoutMs;
    const result = link.request(id, bytes, channel, timeoutMs, deadline, signal, () =>
      this.reportOverflow(link, channel),
    );
    this.deadlines.arm(deadline);
    return result;
  }

  /** A metrics snapshot. */
  metrics(): TransportMetrics {
    return this.stats.snapshot(this.links.values());
  }

  /** Closes every connection and the listener; fails outstanding requests with `TRANSPORT_CLOSED`. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const link of this.links.values()) {
      link.clear(() => new TransportError('TRANSPORT_CLOSED', 'transport closed'));
    }
    this.deadlines.stop();
    for (const t of this.pingTimers.values()) clearInterval(t);
    this.pingTimers.clear();
    await closeSockets(this.sockets);
    if (this.server !== undefined) await stopClusterServer(this.server);
  }

  // --- connections -------------------------------------------------------------------------

  private newLink(id: string, address: PeerAddress): PeerLink {
    return new PeerLink(id, address, {
      selfId: this.id,
      maxQueueMessages: this.o.maxQueueMessages,
      maxQueueBytes: this.o.maxQueueBytes,
      highWaterBytes: this.o.highWaterBytes,
      faults: this.o.faults,
    });
  }

  private track(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.once('close', () => this.sockets.delete(ws));
  }

  private onInbound(ws: WebSocket, remoteAddress: string | undefined): void {
    // Before authentication ws may buffer up to maxFrameBytes per socket; capping unauthenticated
    // sockets keeps a flood of strangers from turning that into unbounded memory.
    if (this.state !== 'listening' || this.handshaking >= MAX_PENDING_HANDSHAKES) {
      ws.terminate();
      return;
    }
    this.track(ws);
    this.handshaking++;
    let counted = true;
    const settled = (): void => {
      if (counted) this.handshaking--;
      counted = false;
    };
    acceptHandshake(
      ws,
      {
        selfId: this.id,
        secret: this.o.secret,
        timeoutMs: this.o.handshakeTimeoutMs,
        isMember: (id) => this.links.has(id),
      },
      (peerId) => {
        settled();
        const link = this.links.get(peerId);
        if (link === undefined || this.state !== 'listening') {
          ws.close(CloseCode.PeerRemoved, 'peer removed');
          return;
        }
        this.attach(link, ws);
      },
      (f) => {
        settled();
        this.onHandshakeFailure(f, remoteAddress);
      },
    );
  }

  private shouldDial(link: PeerLink): boolean {
    return this.id < link.id;
  }

  private maybeDial(link: PeerLink): void {
    if (this.state !== 'listening' || !this.shouldDial(link)) return;
    if (link.socket !== undefined || link.dialing !== undefined || link.dialTimer !== undefined) return;
    if (this.links.get(link.id) !== link) return;
    const { host, port } = link.address;
    const ws = dialPeer(this.o, link.id, link.address, {
      onAuthenticated: (sock) => {
        link.dialing = undefined;
        if (this.links.get(link.id) !== link || this.state !== 'listening') {
          sock.close(CloseCode.PeerRemoved, 'peer removed');
          return;
        }
        this.attach(link, sock);
      },
      onFailed: (sock, reason, f) => {
        if (f !== undefined) this.onHandshakeFailure(f, `${host}:${port}`);
        this.onDialFailed(link, sock, reason);
      },
    });
    link.dialing = ws;
    this.track(ws);
  }

  private onDialFailed(link: PeerLink, ws: WebSocket, reason: string): void {
    if (link.dialing === ws) link.dialing = undefined;
    if (this.state !== 'listening' || this.links.get(link.id) !== link) return;
    link.dialFailures++;
    if (link.socket === undefined) link.state = 'down';
    this.o.logger.debug({ peer: link.id, reason, attempt: link.dialAttempt }, 'dial failed');
    this.scheduleDial(link);
  }

  private scheduleDial(link: PeerLink): void {
    if (link.dialTimer !== undefined || this.state !== 'listening') return;
    const delay = backoffDelay(link.dialAttempt++, this.o.backoff, this.o.random);
    link.dialTimer = setTimeout(() => {
      link.dialTimer = undefined;
      this.maybeDial(link);
    }, delay);
  }

  private onHandshakeFailure(f: HandshakeFailure, remoteAddress: string | undefined): void {
    const event = { remoteAddress, claimedId: f.claimedId, code: f.code, reason: f.reason };
    if (f.auth) {
      this.stats.authFailures++;
      this.o.logger.warn(event, 'peer authentication failed');
      this.emit('authFailure', event);
    } else {
      this.stats.handshakeFailures++;
      this.o.logger.debug(event, 'handshake failed');
      this.emit('handshakeFailure', event);
    }
  }

  private attach(link: PeerLink, ws: WebSocket): void {
    const old = link.socket;
    if (old !== undefined) {
      this.stopPing(old);
      link.detach('replaced by a newer connection');
      old.close(CloseCode.Replaced, 'replaced by a newer connection');
    }
    link.socket = ws;
    link.state = 'up';
    link.dialAttempt = 0;
    if (link.connectedOnce) link.reconnects++;
    link.connectedOnce = true;
    ws.on('message', (data, isBinary) => this.onFrame(link, ws, data as Buffer, isBinary));
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes with 1009 itself when a frame exceeds maxPayload; count it like our own check.
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.stats.protocolErrors++;
        this.emit('protocolError', { peer: link.id, reason: 'frame too large' });
      }
      this.o.logger.debug({ peer: link.id, err: err.message }, 'socket error');
    });
    ws.once('close', (code, reason) => this.onSocketClose(link, ws, code, reason.toString()));
    this.startPing(ws);
    this.o.logger.info({ peer: link.id }, 'peer connected');
    this.emit('peerUp', link.id);
    link.flush();
  }

  private startPing(ws: WebSocket): void {
    this.pingTimers.set(ws, startKeepalive(ws, this.o.pingIntervalMs));
  }

  private stopPing(ws: WebSocket): void {
    clearInterval(this.pingTimers.get(ws));
    this.pingTimers.delete(ws);
  }

  private onSocketClose(link: PeerLink, ws: WebSocket, code: number, reason: string): void {
    this.stopPing(ws);
    if (link.socket !== ws) return; // replaced or removed
    const why = `${code}${reason ? ` ${reason}` : ''}`;
    link.detach(why);
    link.state = 'down';
    this.o.logger.info({ peer: link.id, code, reason }, 'peer disconnected');
    this.emit('peerDown', link.id, why);
    if (this.links.get(link.id) === link) this.scheduleDial(link);
  }

  private protocolError(link: PeerLink, ws: WebSocket, code: number, reason: string): void {
    this.stats.protocolErrors++;
    this.o.logger.warn({ peer: link.id, reason }, 'protocol error, closing connection');
    this.emit('protocolError', { peer: link.id, reason });
    ws.close(code, reason);
  }

  // --- frames ------------------------------------------------------------------------------

  private onFrame(link: PeerLink, ws: WebSocket, data: Buffer, isBinary: boolean): void {
    // After we started closing (protocol error, replacement) ws may still parse buffered frames.
    if (link.socket !== ws || ws.readyState !== WebSocket.OPEN) return;
    if (!isBinary) {
      this.protocolError(link, ws, CloseCode.ProtocolError, 'text frame');
      return;
    }
    if (data.length > this.o.maxFrameBytes) {
      this.protocolError(link, ws, CloseCode.FrameTooLarge, 'frame too large');
      return;
    }
    link.framesIn++;
    link.bytesIn += data.length;
    const decoded = decodeFrame(data, this.o.maxDepth);
    if (!decoded.ok) {
      this.protocolError(link, ws, CloseCode.ProtocolError, `malformed frame: ${decoded.reason}`);
      return;
    }
    this.router.dispatch(link, decoded.frame);
  }

  private reply(link: PeerLink, channel: string, id: number, ok: boolean, body: unknown): void {
    if (this.links.get(link.id) !== link || this.state === 'closed') return;
    let bytes: Buffer;
    try {
      bytes = encodeFrame(
        ok ? FrameKind.Response : FrameKind.ErrorResponse,
        channel,
        id,
        body,
        this.o.maxFrameBytes,
        this.o.maxDepth,
      );
    } catch (err) {
      const e = err as TransportError;
      this.o.logger.warn({ peer: link.id, channel, code: e.code }, 'response cannot be encoded');
      bytes = encodeFrame(
        FrameKind.ErrorResponse,
        channel,
        id,
        { code: e.code, message: e.message },
        this.o.maxFrameBytes,
      );
    }
    if (link.enqueue(bytes, 0) === undefined) this.reportOverflow(link, channel);
  }

  private reportOverflow(link: PeerLink, channel: string): void {
    const m = link.metrics();
    this.o.logger.warn(
      { peer: link.id, channel, queuedMessages: m.queuedMessages, queuedBytes: m.queuedBytes },
      'send queue overflow',
    );
    this.emit('overflow', {
      peer: link.id,
      channel,
      queuedMessages: m.queuedMessages,
      queuedBytes: m.queuedBytes,
      overflows: m.overflows,
    });
  }
}

function checkChannel(channel: string): void {
  if (typeof channel !== 'string' || channel.length === 0 || channel.length > MAX_CHANNEL_LENGTH) {
    throw new TransportError(
      'TRANSPORT_BAD_MESSAGE',
      `channel must be a string of 1..${MAX_CHANNEL_LENGTH} characters`,
    );
  }
}
