import { Packr, Unpackr } from 'msgpackr';
import { TransportError } from './errors.js';

/**
 * Frame codec. The security rule (the 2023 Nacos 7848 Hessian RCE is the anchor): bytes from a
 * peer can never make us construct anything but plain data. msgpackr's unpacker, whatever its
 * options, still honours extension types it registers globally (Error, RegExp, Set, typed arrays,
 * Date, structured-clone references) and record definitions (ext 0x72, which also make it
 * compile reader functions). So every frame is first checked by {@link checkPlainMsgpack}, a
 * linear scan that accepts only nil, booleans, numbers, strings, binaries, arrays, maps and the
 * one-byte `undefined` marker, bounds nesting depth, and checks every length claim against the
 * bytes actually present. Only a frame that passes reaches msgpackr.
 */

/** Frame kinds; numeric wire tags, stable forever. */
export const FrameKind = {
  /** One-way message: `[1, channel, 0, payload]`. */
  Message: 1,
  /** Request: `[2, channel, id, payload]`. */
  Request: 2,
  /** Successful response to request `id`: `[3, channel, id, payload]`. */
  Response: 3,
  /** Failed response: `[4, channel, id, { code, message }]`. */
  ErrorResponse: 4,
} as const;
/** One of {@link FrameKind}. */
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** A decoded frame. */
export interface Frame {
  readonly kind: FrameKind;
  readonly channel: string;
  readonly id: number;
  readonly payload: unknown;
}

/** Longest channel name accepted on the wire. */
export const MAX_CHANNEL_LENGTH = 128;
/** Default nesting limit for decoded values. */
export const DEFAULT_MAX_DEPTH = 64;

// Records, structured clones and extra types are off for packing; `undefined` still packs as
// fixext1 type 0, which the checker allows because msgpackr maps it to `undefined` and nothing else.
const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  bundleStrings: false,
});
const unpackr = new Unpackr({
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  mapsAsObjects: true,
  bundleStrings: false,
});

/**
 * Checks that `buf` holds exactly one msgpack value made of plain data only.
 * Returns `undefined` when it does, else a short reason. Never throws, never allocates per item.
 */
export function checkPlainMsgpack(buf: Uint8Array, maxDepth = DEFAULT_MAX_DEPTH): string | undefined {
  const len = buf.length;
  let pos = 0;
  let pending = 1; // values still to read at the current level
  const stack: number[] = [];
  for (;;) {
    if (pending === 0) {
      const up = stack.pop();
      if (up === undefined) break;
      pending = up;
      continue;
    }
    if (pos >= len) return 'truncated';
    const t = buf[pos++] as number;
    pending--;
    let skip = 0;
    let items = -1;
    if (t <= 0x7f || t >= 0xe0) {
      // positive/negative fixint
    } else if (t <= 0x8f) {
      items = (t & 0x0f) * 2;
    } else if (t <= 0x9f) {
      items = t & 0x0f;
    } else if (t <= 0xbf) {
      skip = t & 0x1f;
    } else {
      switch (t) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break;
        case 0xc4:
        case 0xd9:
          if (pos + 1 > len) return 'truncated';
          skip = 1 + (buf[pos] as number);
          break;
        case 0xc5:
        case 0xda:
          if (pos + 2 > len) return 'truncated';
          skip = 2 + readU16(buf, pos);
          break;
        case 0xc6:
        case 0xdb:
          if (pos + 4 > len) return 'truncated';
          skip = 4 + readU32(buf, pos);
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcb:
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xd4:
          // fixext1 type 0 data 0: msgpackr's `undefined`. Every other extension is refused.
          if (pos + 2 > len) return 'truncated';
          if (buf[pos] !== 0 || buf[pos + 1] !== 0) return `extension type ${buf[pos]} refused`;
          skip = 2;
          break;
        case 0xdc:
          if (pos + 2 > len) return 'truncated';
          items = readU16(buf, pos);
          pos += 2;
          break;
        case 0xdd:
          if (pos + 4 > len) return 'truncated';
          items = readU32(buf, pos);
          pos += 4;
          break;
        case 0xde:
          if (pos + 2 > len) return 'truncated';
          items = readU16(buf, pos) * 2;
          pos += 2;
          break;
        case 0xdf:
          if (pos + 4 > len) return 'truncated';
          items = readU32(buf, pos) * 2;
          pos += 4;
          break;
        case 0xc7:
        case 0xc8:
        case 0xc9:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
          return `extension type ${extType(buf, t, pos)} refused`;
        default:
          return `invalid type byte 0x${t.toString(16)}`;
      }
    }
    if (skip > 0) {
      if (pos + skip > len) return 'truncated';
      pos += skip;
    }
    if (items > 0) {
      // Every item takes at least one byte, so a claim larger than what is left is a lie.
      if (items > len - pos) return 'container length exceeds frame';
      if (stack.length + 1 > maxDepth) return 'nesting too deep';
      stack.push(pending);
      pending = items;
    }
  }
  if (pos !== len) return 'trailing bytes';
  return undefined;
}

function readU16(buf: Uint8Array, pos: number): number {
  return ((buf[pos] as number) << 8) | (buf[pos + 1] as number);
}

function readU32(buf: Uint8Array, pos: number): number {
  return (
    (buf[pos] as number) * 0x1000000 +
    (((buf[pos + 1] as number) << 16) | ((buf[pos + 2] as number) << 8) | (buf[pos + 3] as number))
  );
}

function extType(buf: Uint8Array, t: number, pos: number): number | string {
  const at = t === 0xc7 ? pos + 1 : t === 0xc8 ? pos + 2 : t === 0xc9 ? pos + 4 : pos;
  return at < buf.length ? (buf[at] as number) : '?';
}

/**
 * Encodes a frame. Throws `TRANSPORT_BAD_MESSAGE` when the payload is not plain data (it would
 * need an extension type the receiver refuses) and `TRANSPORT_FRAME_TOO_LARGE` above `maxBytes`.
 */
export function encodeFrame(
  kind: FrameKind,
  channel: string,
  id: number,
  payload: unknown,
  maxBytes: number,
  maxDepth = DEFAULT_MAX_DEPTH,
): Buffer {
  let bytes: Buffer;
  try {
    bytes = packr.pack([kind, channel, id, payload]);
  } catch (err) {
    throw new TransportError('TRANSPORT_BAD_MESSAGE', 'message cannot be encoded', { cause: err });
  }
  if (bytes.length > maxBytes) {
    throw new TransportError(
      'TRANSPORT_FRAME_TOO_LARGE',
      `frame of ${bytes.length} bytes exceeds maxFrameBytes ${maxBytes}`,
    );
  }
  const bad = checkPlainMsgpack(bytes, maxDepth);
  if (bad !== undefined) {
    throw new TransportError(
      'TRANSPORT_BAD_MESSAGE',
      `message is not plain data (${bad}); send only null, booleans, numbers, strings, Uint8Array, arrays and plain objects`,
    );
  }
  return bytes;
}

/** Result of {@link decodeFrame}: a frame, or the reason the bytes were refused. */
export type DecodeResult = { ok: true; frame: Frame } | { ok: false; reason: string };

/** Decodes and validates a frame from a peer. Never throws. */
export function decodeFrame(bytes: Uint8Array, maxDepth = DEFAULT_MAX_DEPTH): DecodeResult {
  const bad = checkPlainMsgpack(bytes, maxDepth);
  if (bad !== undefined) return { ok: false, reason: bad };
  let value: unknown;
  try {
    value = unpackr.unpack(bytes);
  } catch (err) {
    return { ok: false, reason: `undecodable: ${(err as Error).message}` };
  }
  if (!Array.isArray(value) || value.length !== 4) return { ok: false, reason: 'not a frame' };
  const [kind, channel, id, payload] = value as [unknown, unknown, unknown, unknown];
  if (kind !== 1 && kind !== 2 && kind !== 3 && kind !== 4) return { ok: false, reason: 'bad frame kind' };
  if (typeof channel !== 'string' || channel.length === 0 || channel.length > MAX_CHANNEL_LENGTH) {
    return { ok: false, reason: 'bad channel' };
  }
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return { ok: false, reason: 'bad id' };
  return { ok: true, frame: { kind, channel, id, payload } };
}
