import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { CloseCode } from './close-codes.js';
import { dialHandshake, type HandshakeFailure } from './connection-handshake.js';
import { TransportError } from './errors.js';
import type { PeerAddress, ResolvedOptions } from './options.js';

/** The HTTP path of the cluster WebSocket; other paths get 400 from ws, plain HTTP gets 426. */
export const CLUSTER_PATH = '/reg/cluster';

/** A bound cluster listener. */
export interface ClusterServer {
  readonly server: Server;
  readonly wss: WebSocketServer;
  readonly port: number;
}

/**
 * Binds the cluster port (plain or TLS) and hands every upgraded socket to `onConnection`.
 * Compression is off: frames are small and deflate would add latency and a zip-bomb surface.
 */
export async function startClusterServer(
  o: ResolvedOptions,
  onConnection: (ws: WebSocket, remoteAddress: string | undefined) => void,
): Promise<ClusterServer> {
  const tls = o.tls;
  const server = tls === undefined ? createServer() : createTlsServer({ key: tls.key, cert: tls.cert });
  server.on('request', (_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('cluster port: WebSocket only\n');
  });
  const wss = new WebSocketServer({
    server,
    path: CLUSTER_PATH,
    maxPayload: o.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  wss.on('connection', (ws, req) => onConnection(ws, req.socket.remoteAddress));
  wss.on('error', (err) => o.logger.error({ err }, 'cluster server error'));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    wss.close();
    throw new TransportError('TRANSPORT_LISTEN_FAILED', `cannot listen on ${o.host}:${o.port}`, {
      cause: err,
    });
  }
  server.on('error', (err) => o.logger.error({ err }, 'cluster server error'));
  return { server, wss, port: (server.address() as AddressInfo).port };
}

/** Stops accepting connections and waits for the listener to close. */
export async function stopClusterServer(s: ClusterServer): Promise<void> {
  s.wss.close();
  await new Promise<void>((resolve) => s.server.close(() => resolve()));
}

/** Callbacks of {@link dialPeer}; exactly one of them is called. */
export interface DialCallbacks {
  /** The handshake succeeded; called synchronously from the socket event (see `dialHandshake`). */
  onAuthenticated(ws: WebSocket): void;
  /** The dial or handshake failed; `failure` is set when the handshake itself failed. */
  onFailed(ws: WebSocket, reason: string, failure: HandshakeFailure | undefined): void;
}

/** Opens a socket to `peerId` at `address` and runs the dialler handshake on it. */
export function dialPeer(
  o: ResolvedOptions,
  peerId: string,
  address: PeerAddress,
  cb: DialCallbacks,
): WebSocket {
  const { host, port } = address;
  const tls = o.tls;
  const url = `${tls ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}${CLUSTER_PATH}`;
  const ws = new WebSocket(url, {
    maxPayload: o.maxFrameBytes,
    perMessageDeflate: false,
    handshakeTimeout: o.handshakeTimeoutMs,
    ...(tls === undefined
      ? {}
      : {
          ca: tls.ca as string | Buffer | Array<string | Buffer> | undefined,
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
        }),
  });
  let settled = false;
  const failed = (reason: string, f: HandshakeFailure | undefined): void => {
    if (settled) return;
    settled = true;
    cb.onFailed(ws, reason, f);
  };
  ws.on('error', (err) => {
    if (!settled) o.logger.debug({ peer: peerId, err: err.message }, 'dial error');
  });
  ws.once('close', (code) => failed(`closed (${code}) before authentication`, undefined));
  ws.once('open', () => {
    dialHandshake(
      ws,
      { selfId: o.id, secret: o.secret, timeoutMs: o.handshakeTimeoutMs, expectedPeer: peerId },
      () => {
        settled = true;
        cb.onAuthenticated(ws);
      },
      (f) => failed(f.reason, f),
    );
  });
  return ws;
}

/**
 * Pings every `intervalMs`; a socket that has not answered the previous ping is terminated, so
 * a peer that vanished without a FIN (power loss, cable) is noticed within two intervals.
 */
export function startKeepalive(ws: WebSocket, intervalMs: number): NodeJS.Timeout {
  let alive = true;
  ws.on('pong', () => {
    alive = true;
  });
  return setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, intervalMs);
}

/** Closes sockets with 1001, terminating any that has not finished closing within 500 ms. */
export async function closeSockets(sockets: Iterable<WebSocket>): Promise<void> {
  const closing = [...sockets].map(
    (ws) =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        const force = setTimeout(() => ws.terminate(), 500);
        ws.once('close', () => {
          clearTimeout(force);
          resolve();
        });
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(CloseCode.GoingAway, 'shutting down');
      }),
  );
  await Promise.all(closing);
}
