import type { KvChunk, KvEntry } from '@reg/storage';

/**
 * The bytes of a CP snapshot: the storage's whole-store export as length-prefixed records after a
 * magic header, `"REGSNAP1"` then per entry `u32 key length, key (UTF-8), u32 value length, value`.
 * Raft may cut the stream anywhere when it sends it, so decoding reassembles records across chunks.
 */
const MAGIC = new TextEncoder().encode('REGSNAP1');

/** Largest key or value accepted when decoding (a peer's bytes): well above any stored record. */
const MAX_FIELD_BYTES = 64 * 1024 * 1024;

/** Entries per decoded chunk handed to the storage import. */
const ENTRIES_PER_CHUNK = 1_000;

export class SnapshotCodecError extends Error {
  override name = 'SnapshotCodecError';
}

/** Encodes an export stream; yields one byte chunk per storage chunk (after the header). */
export async function* encodeSnapshot(source: AsyncIterable<KvChunk>): AsyncGenerator<Uint8Array> {
  yield MAGIC;
  const encoder = new TextEncoder();
  for await (const chunk of source) {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const { key, value } of chunk.entries) {
      const k = encoder.encode(key);
      const head = new Uint8Array(4);
      new DataView(head.buffer).setUint32(0, k.byteLength);
      const mid = new Uint8Array(4);
      new DataView(mid.buffer).setUint32(0, value.byteLength);
      parts.push(head, k, mid, value);
      size += 8 + k.byteLength + value.byteLength;
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    if (size > 0) yield out;
  }
}

/** Decodes a byte stream from {@link encodeSnapshot} back into storage chunks; throws on damage. */
export async function* decodeSnapshot(source: AsyncIterable<Uint8Array>): AsyncGenerator<KvChunk> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let buffer: Uint8Array = new Uint8Array(0);
  let headerSeen = false;
  let entries: KvEntry[] = [];
  for await (const piece of source) {
    buffer = concat(buffer, piece);
    if (!headerSeen) {
      if (buffer.byteLength < MAGIC.byteLength) continue;
      if (!MAGIC.every((b, i) => buffer[i] === b)) throw new SnapshotCodecError('not a registry snapshot');
      buffer = buffer.subarray(MAGIC.byteLength);
      headerSeen = true;
    }
    let at = 0;
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    for (;;) {
      if (buffer.byteLength - at < 4) break;
      const keyLength = view.getUint32(at);
      if (keyLength > MAX_FIELD_BYTES) throw new SnapshotCodecError(`snapshot key of ${keyLength} bytes`);
      if (buffer.byteLength - at < 8 + keyLength) break;
      const valueLength = view.getUint32(at + 4 + keyLength);
      if (valueLength > MAX_FIELD_BYTES)
        throw new SnapshotCodecError(`snapshot value of ${valueLength} bytes`);
      const end = at + 8 + keyLength + valueLength;
      if (buffer.byteLength < end) break;
      let key: string;
      try {
        key = decoder.decode(buffer.subarray(at + 4, at + 4 + keyLength));
      } catch {
        throw new SnapshotCodecError('snapshot key is not UTF-8');
      }
      entries.push({ key, value: buffer.slice(at + 8 + keyLength, end) });
      at = end;
      if (entries.length >= ENTRIES_PER_CHUNK) {
        yield { entries };
        entries = [];
      }
    }
    buffer = buffer.slice(at);
  }
  if (!headerSeen) throw new SnapshotCodecError('snapshot stream is empty');
  if (buffer.byteLength > 0) throw new SnapshotCodecError('snapshot stream ends inside a record');
  if (entries.length > 0) yield { entries };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
