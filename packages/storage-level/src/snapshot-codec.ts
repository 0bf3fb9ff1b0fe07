import type { SnapshotMetadata } from '@reg/raft';
import { StorageError } from '@reg/storage';
import { crc32 } from './crc32.js';
import { snapshotMetadataFrom } from './log-codec.js';

const pad = (n: number): string => n.toString().padStart(16, '0');

/**
 * Keys of the saved state-machine snapshot in the Raft log database. Every save writes its chunks
 * under a fresh generation `c<gen>!`; nothing reads a generation until the manifest `S` names it,
 * so a generation being written is a staging area, and the one-key write of `S` is the switch.
 * `S` and `c` sort outside the entry range (`e...`).
 */
export const SNAPSHOT_KEYS = {
  manifest: 'S',
  chunk: (gen: number, seq: number) => `c${pad(gen)}!${pad(seq)}`,
  /** First key of generation `gen`. */
  genStart: (gen: number) => `c${pad(gen)}!`,
  /** First key after generation `gen` (`"` follows `!`). */
  genEnd: (gen: number) => `c${pad(gen)}"`,
  chunksStart: 'c',
  chunksEnd: 'c~',
  genOf: (key: string) => Number(key.slice(1, 17)),
} as const;

/** The live snapshot: its metadata and what its chunks must add up to. */
export interface SnapshotManifest {
  readonly gen: number;
  readonly snapshot: SnapshotMetadata;
  readonly chunks: number;
  readonly bytes: number;
}

/** Bytes before a chunk's data: crc32 (4), generation (8), sequence number (8). */
export const CHUNK_HEADER = 20;

/** A value buffer with room for the header and `capacity` data bytes. */
export function newChunk(capacity: number): Uint8Array {
  return new Uint8Array(CHUNK_HEADER + capacity);
}

/**
 * Fills in the header of a chunk holding `length` data bytes and returns its stored value. The
 * CRC covers generation, sequence number and data, so a flipped bit, or a chunk stored under
 * another key, is detected on load.
 */
export function sealChunk(buf: Uint8Array, length: number, gen: number, seq: number): Uint8Array {
  const value = buf.subarray(0, CHUNK_HEADER + length);
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  view.setFloat64(4, gen);
  view.setFloat64(12, seq);
  view.setUint32(0, crc32(value.subarray(4)));
  return value;
}

/** Checks a stored chunk and returns a view of its data; damage is `STORAGE_CORRUPTED` naming it. */
export function openChunk(bytes: Uint8Array, gen: number, seq: number, where: string): Uint8Array {
  const bad = (why: string) =>
    new StorageError(
      'STORAGE_CORRUPTED',
      `saved snapshot chunk ${seq} (generation ${gen}) in ${where} is damaged: ${why}`,
      { location: `${where} (snapshot chunk ${SNAPSHOT_KEYS.chunk(gen, seq)})` },
    );
  if (bytes.byteLength < CHUNK_HEADER) throw bad('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== crc32(bytes.subarray(4))) throw bad('checksum mismatch');
  if (view.getFloat64(4) !== gen || view.getFloat64(12) !== seq) {
    throw bad(`it holds chunk ${view.getFloat64(12)} of generation ${view.getFloat64(4)}`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset + CHUNK_HEADER, bytes.byteLength - CHUNK_HEADER);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes the manifest as `crc32 | JSON`. */
export function encodeManifest(m: SnapshotManifest): Uint8Array {
  const json = encoder.encode(
    JSON.stringify({ gen: m.gen, snapshot: m.snapshot, chunks: m.chunks, bytes: m.bytes }),
  );
  const out = new Uint8Array(4 + json.byteLength);
  out.set(json, 4);
  new DataView(out.buffer).setUint32(0, crc32(json));
  return out;
}

export function decodeManifest(bytes: Uint8Array, where: string): SnapshotManifest {
  const bad = (why: string) =>
    new StorageError(
      'STORAGE_CORRUPTED',
      `saved snapshot manifest (key "S") in ${where} is damaged: ${why}`,
      {
        location: `${where} (snapshot manifest)`,
      },
    );
  if (bytes.byteLength < 4) throw bad('too short');
  const json = bytes.subarray(4);
  if (new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) !== crc32(json)) {
    throw bad('checksum mismatch');
  }
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(decoder.decode(json)) as Record<string, unknown>;
  } catch {
    throw bad('does not decode');
  }
  const count = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (typeof v !== 'object' || v === null || !count(v.gen) || !count(v.chunks) || !count(v.bytes)) {
    throw bad('malformed');
  }
  const meta = v.snapshot;
  if (typeof meta !== 'object' || meta === null) throw bad('no metadata');
  const snapshot = snapshotMetadataFrom(meta as Record<string, unknown>, `${where} (snapshot manifest)`);
  return { gen: v.gen, snapshot, chunks: v.chunks, bytes: v.bytes };
}
