import type WebSocket from 'ws';
import { CloseCode } from './close-codes.js';
import {
  computeMac,
  decodeGreeting,
  decodeMac,
  encodeGreeting,
  encodeMac,
  HandshakeType,
  MAX_HANDSHAKE_BYTES,
  macEquals,
  newNonce,
} from './handshake.js';

/** Why a handshake failed. */
export interface HandshakeFailure {
  readonly code: number;
  readonly reason: string;
  /** The id the remote claimed, when it got that far. */
  readonly claimedId: string | undefined;
  /** True when the failure is an authentication failure (bad proof, not a member). */
  readonly auth: boolean;
}

/** What a handshake needs to know. */
export interface HandshakeContext {
  readonly selfId: string;
  readonly secret: Buffer;
  readonly timeoutMs: number;
}

/**
 * Runs the acceptor side on a fresh inbound socket. Exactly one of `onDone`/`onFail` is called,
 * synchronously from the socket event that settles it, so the caller can attach its frame
 * listener before ws emits the next message (several can be parsed from one TCP chunk).
 * On failure the socket is already closed with the failure's code.
 */
export function acceptHandshake(
  ws: WebSocket,
  ctx: HandshakeContext & { isMember(id: string): boolean },
  onDone: (peerId: string) => void,
  onFail: (failure: HandshakeFailure) => void,
): void {
  let step: 'hello' | 'proof' = 'hello';
  let clientId: string | undefined;
  let clientNonce: Buffer | undefined;
  const serverNonce = newNonce();
  const session = settle(ws, ctx.timeoutMs, onFail, () => clientId);

  session.onMessage((data) => {
    if (step === 'hello') {
      const hello = decodeGreeting(HandshakeType.Hello, data);
      if (hello === undefined) return session.fail(CloseCode.ProtocolError, 'malformed hello', false);
      clientId = hello.id;
      clientNonce = hello.nonce;
      if (hello.id === ctx.selfId || !ctx.isMember(hello.id)) {
        return session.fail(CloseCode.NotAMember, 'not a member', true);
      }
      step = 'proof';
      ws.send(encodeGreeting(HandshakeType.Challenge, ctx.selfId, serverNonce));
      return;
    }
    const proof = decodeMac(HandshakeType.Proof, data);
    if (proof === undefined) return session.fail(CloseCode.ProtocolError, 'malformed proof', false);
    const id = clientId as string;
    const cn = clientNonce as Buffer;
    const expected = computeMac(ctx.secret, 'client', id, ctx.selfId, cn, serverNonce);
    if (!macEquals(proof, expected)) return session.fail(CloseCode.AuthFailed, 'authentication failed', true);
    // Membership may have changed while we waited for the proof.
    if (!ctx.isMember(id)) return session.fail(CloseCode.NotAMember, 'not a member', true);
    session.finish();
    ws.send(
      encodeMac(HandshakeType.Accept, computeMac(ctx.secret, 'server', id, ctx.selfId, cn, serverNonce)),
    );
    onDone(id);
  });
}

/**
 * Runs the dialler side once the socket is open: proves knowledge of the secret and checks
 * that the acceptor is `expectedPeer` and knows it too. Same callback contract as
 * {@link acceptHandshake}.
 */
export function dialHandshake(
  ws: WebSocket,
  ctx: HandshakeContext & { expectedPeer: string },
  onDone: () => void,
  onFail: (failure: HandshakeFailure) => void,
): void {
  let step: 'challenge' | 'accept' = 'challenge';
  const clientNonce = newNonce();
  let serverNonce: Buffer | undefined;
  const session = settle(ws, ctx.timeoutMs, onFail, () => ctx.expectedPeer);

  session.onMessage((data) => {
    if (step === 'challenge') {
      const ch = decodeGreeting(HandshakeType.Challenge, data);
      if (ch === undefined) return session.fail(CloseCode.ProtocolError, 'malformed challenge', false);
      if (ch.id !== ctx.expectedPeer) {
        return session.fail(CloseCode.AuthFailed, `expected ${ctx.expectedPeer}, reached ${ch.id}`, true);
      }
      serverNonce = ch.nonce;
      step = 'accept';
      ws.send(
        encodeMac(
          HandshakeType.Proof,
          computeMac(ctx.secret, 'client', ctx.selfId, ctx.expectedPeer, clientNonce, ch.nonce),
        ),
      );
      return;
    }
    const mac = decodeMac(HandshakeType.Accept, data);
    if (mac === undefined) return session.fail(CloseCode.ProtocolError, 'malformed accept', false);
    const expected = computeMac(
      ctx.secret,
      'server',
      ctx.selfId,
      ctx.expectedPeer,
      clientNonce,
      serverNonce as Buffer,
    );
    if (!macEquals(mac, expected))
      return session.fail(CloseCode.AuthFailed, 'peer failed authentication', true);
    session.finish();
    onDone();
  });
  ws.send(encodeGreeting(HandshakeType.Hello, ctx.selfId, clientNonce));
}

interface Session {
  onMessage(fn: (data: Buffer) => void): void;
  fail(code: number, reason: string, auth: boolean): void;
  finish(): void;
}

// Shared plumbing: timeout, size/type checks on pre-auth messages, close handling, cleanup.
function settle(
  ws: WebSocket,
  timeoutMs: number,
  onFail: (f: HandshakeFailure) => void,
  claimed: () => string | undefined,
): Session {
  let done = false;
  let handler: (data: Buffer) => void = () => {};
  const cleanup = (): void => {
    done = true;
    clearTimeout(timer);
    ws.off('message', onMessage);
    ws.off('close', onClose);
    ws.off('error', onError);
  };
  const fail = (code: number, reason: string, auth: boolean): void => {
    if (done) return;
    cleanup();
    ws.close(code, reason);
    // A peer that ignores the close frame must not keep the socket: force it after a grace period.
    const force = setTimeout(() => ws.terminate(), 1000);
    force.unref();
    ws.once('close', () => clearTimeout(force));
    onFail({ code, reason, claimedId: claimed(), auth });
  };
  const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (done) return;
    if (!isBinary || !Buffer.isBuffer(data) || data.length > MAX_HANDSHAKE_BYTES) {
      fail(CloseCode.ProtocolError, 'unexpected data before authentication', false);
      return;
    }
    handler(data);
  };
  const onClose = (code: number): void => {
    if (done) return;
    cleanup();
    onFail({ code, reason: 'closed during handshake', claimedId: claimed(), auth: false });
  };
  const onError = (): void => {
    // 'close' follows every 'error' in ws; handling happens there.
  };
  const timer = setTimeout(() => fail(CloseCode.HandshakeTimeout, 'handshake timeout', false), timeoutMs);
  ws.on('message', onMessage);
  ws.on('close', onClose);
  ws.on('error', onError);
  return {
    onMessage(fn) {
      handler = fn;
    },
    fail,
    finish: cleanup,
  };
}
