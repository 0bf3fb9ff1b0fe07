import WebSocket from 'ws';
import {
  computeMac,
  decodeGreeting,
  decodeMac,
  encodeGreeting,
  encodeMac,
  HandshakeType,
} from '../src/handshake.js';
import type { PeerAddress } from '../src/options.js';

/** A hand-driven WebSocket to a transport, for attacks the real transport never makes. */
export interface RawPeer {
  readonly ws: WebSocket;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Opens a raw socket to the cluster path. */
export async function rawConnect(addr: PeerAddress): Promise<RawPeer> {
  const ws = new WebSocket(`ws://${addr.host}:${addr.port}/reg/cluster`);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', () => reject(new Error('closed before open')));
  });
  return { ws, closed };
}

function next(ws: WebSocket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    ws.once('message', (d) => resolve(d as Buffer));
    ws.once('close', () => reject(new Error('closed during handshake')));
  });
}

/** Connects and performs the dialler handshake as `clientId` with `secret`. */
export async function rawAuthenticate(
  addr: PeerAddress,
  clientId: string,
  serverId: string,
  secret: string,
): Promise<RawPeer> {
  const peer = await rawConnect(addr);
  const key = Buffer.from(secret);
  const cNonce = Buffer.alloc(32, 7);
  peer.ws.send(encodeGreeting(HandshakeType.Hello, clientId, cNonce));
  const ch = decodeGreeting(HandshakeType.Challenge, await next(peer.ws));
  if (ch === undefined) throw new Error('bad challenge');
  const accepted = next(peer.ws);
  peer.ws.send(
    encodeMac(HandshakeType.Proof, computeMac(key, 'client', clientId, serverId, cNonce, ch.nonce)),
  );
  const mac = decodeMac(HandshakeType.Accept, await accepted);
  const expected = computeMac(key, 'server', clientId, serverId, cNonce, ch.nonce);
  if (mac === undefined || !mac.equals(expected)) throw new Error('server failed to authenticate');
  return peer;
}
