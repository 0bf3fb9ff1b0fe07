import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The peer handshake: a mutual challenge-response over a shared cluster secret, in fixed binary
 * messages so nothing from an unauthenticated socket ever reaches the msgpack decoder.
 *
 * ```
 * dialer (client)                               acceptor (server)
 *   HELLO     [1, v, idLen:u16, clientId, cNonce:32]  ->  closes 4002 unless clientId is a member
 *   <- CHALLENGE [2, v, idLen:u16, serverId, sNonce:32]
 *   PROOF     [3, mac:32]  mac = HMAC(secret, "reg-ws/1 client" | ids | cNonce | sNonce)
 *                                                     ->  closes 4001 unless mac matches
 *   <- ACCEPT [4, mac:32]  mac = HMAC(secret, "reg-ws/1 server" | ids | cNonce | sNonce)
 * ```
 *
 * Both nonces are fresh per connection, so a recorded proof is useless later; the labels differ
 * by direction, so a proof cannot be reflected back. The acceptor proves itself only after the
 * dialer has, so a stranger gets no MAC to attack offline. Comparisons are constant time.
 */

/** Protocol version byte. */
export const HANDSHAKE_VERSION = 1;
/** Nonce length in bytes. */
export const NONCE_BYTES = 32;
/** Longest member id (UTF-8 bytes). */
export const MAX_ID_BYTES = 255;
/** No handshake message may be longer than this; anything bigger is garbage. */
export const MAX_HANDSHAKE_BYTES = 1 + 1 + 2 + MAX_ID_BYTES + NONCE_BYTES;

/** Handshake message tags. */
export const HandshakeType = { Hello: 1, Challenge: 2, Proof: 3, Accept: 4 } as const;

/** A parsed HELLO or CHALLENGE. */
export interface Greeting {
  readonly id: string;
  readonly nonce: Buffer;
}

/** Fresh random nonce. */
export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

/** Encodes HELLO (`type` 1) or CHALLENGE (`type` 2). */
export function encodeGreeting(type: 1 | 2, id: string, nonce: Buffer): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  const out = Buffer.allocUnsafe(4 + idBytes.length + NONCE_BYTES);
  out[0] = type;
  out[1] = HANDSHAKE_VERSION;
  out.writeUInt16BE(idBytes.length, 2);
  idBytes.copy(out, 4);
  nonce.copy(out, 4 + idBytes.length);
  return out;
}

/** Parses HELLO or CHALLENGE; `undefined` for anything malformed. */
export function decodeGreeting(type: 1 | 2, data: Buffer): Greeting | undefined {
  if (data.length < 4 + 1 + NONCE_BYTES || data.length > MAX_HANDSHAKE_BYTES) return undefined;
  if (data[0] !== type || data[1] !== HANDSHAKE_VERSION) return undefined;
  const idLen = data.readUInt16BE(2);
  if (idLen === 0 || idLen > MAX_ID_BYTES || data.length !== 4 + idLen + NONCE_BYTES) return undefined;
  const idBytes = data.subarray(4, 4 + idLen);
  const id = idBytes.toString('utf8');
  // Reject ids that do not round-trip (invalid UTF-8 would otherwise alias another member's id).
  if (!Buffer.from(id, 'utf8').equals(idBytes)) return undefined;
  return { id, nonce: Buffer.from(data.subarray(4 + idLen)) };
}

/** Encodes PROOF (`type` 3) or ACCEPT (`type` 4). */
export function encodeMac(type: 3 | 4, mac: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + mac.length);
  out[0] = type;
  mac.copy(out, 1);
  return out;
}

/** Parses PROOF or ACCEPT; `undefined` for anything malformed. */
export function decodeMac(type: 3 | 4, data: Buffer): Buffer | undefined {
  if (data.length !== 1 + 32 || data[0] !== type) return undefined;
  return Buffer.from(data.subarray(1));
}

/** The MAC one side sends: bound to direction, both ids and both nonces. */
export function computeMac(
  secret: Buffer,
  direction: 'client' | 'server',
  clientId: string,
  serverId: string,
  clientNonce: Buffer,
  serverNonce: Buffer,
): Buffer {
  const h = createHmac('sha256', secret);
  h.update(`reg-ws/1 ${direction}`);
  for (const id of [clientId, serverId]) {
    const b = Buffer.from(id, 'utf8');
    const len = Buffer.allocUnsafe(2);
    len.writeUInt16BE(b.length, 0);
    h.update(len);
    h.update(b);
  }
  h.update(clientNonce);
  h.update(serverNonce);
  return h.digest();
}

/** Constant-time MAC comparison. */
export function macEquals(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
