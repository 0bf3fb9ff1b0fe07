import type { ConfState, Entry, EntryType, HardState, SnapshotMetadata } from '@reg/raft';
import { StorageError } from '@reg/storage';
import { crc32 } from './crc32.js';

/**
 * Keys of the Raft log database. Entry keys are `e` + 16-digit zero-padded index so that
 * LevelDB's byte order is index order.
 */
export const LOG_KEYS = {
  hardState: 'h',
  snapshot: 's',
  entry: (index: number) => `e${index.toString().padStart(16, '0')}`,
  entryPrefix: 'e',
} as const;

/** Bytes before the payload: crc32 (4), index (8), term (8), type (1). */
const HEADER = 21;

/**
 * Encodes entries as `crc32 | index | term | type | data` each. The CRC covers everything after
 * it, so a flipped bit or a value stored under the wrong key is detected at load. All values of
 * one call share one buffer (one allocation per append instead of one per entry; LevelDB copies
 * the bytes into its write batch).
 */
export function encodeEntries(entries: readonly Entry[]): Uint8Array[] {
  let total = 0;
  for (const e of entries) total += HEADER + e.data.byteLength;
  const buf = new Uint8Array(total);
  const view = new DataView(buf.buffer);
  const out: Uint8Array[] = new Array(entries.length);
  let off = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Entry;
    const end = off + HEADER + e.data.byteLength;
    view.setFloat64(off + 4, e.index);
    view.setFloat64(off + 12, e.term);
    buf[off + 20] = e.type;
    buf.set(e.data, off + HEADER);
    view.setUint32(off, crc32(buf.subarray(off + 4, end)));
    out[i] = buf.subarray(off, end);
    off = end;
  }
  return out;
}

/** Encodes one entry (see {@link encodeEntries}). */
export function encodeEntry(e: Entry): Uint8Array {
  return encodeEntries([e])[0] as Uint8Array;
}

/** Decodes and checks an entry stored under `index`; damage is `STORAGE_CORRUPTED` naming `where`. */
export function decodeEntry(bytes: Uint8Array, index: number, where: string): Entry {
  const bad = (why: string) =>
    new StorageError('STORAGE_CORRUPTED', `raft log entry ${index} in ${where} is damaged: ${why}`, {
      location: `${where} (entry ${index})`,
    });
  if (bytes.byteLength < HEADER) throw bad('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== crc32(bytes.subarray(4))) throw bad('checksum mismatch');
  const stored = view.getFloat64(4);
  if (stored !== index) throw bad(`it holds index ${stored}`);
  const term = view.getFloat64(12);
  const type = bytes[20] as number;
  if (!Number.isSafeInteger(term) || term < 1 || (type !== 0 && type !== 1)) throw bad('bad term or type');
  // A plain Uint8Array copy: LevelDB hands out Buffers, and callers compare and keep the data.
  const data = new Uint8Array(bytes.byteLength - HEADER);
  data.set(bytes.subarray(HEADER));
  return { index, term, type: type as EntryType, data };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeHardState(h: HardState): Uint8Array {
  return encoder.encode(JSON.stringify({ term: h.term, vote: h.vote, commit: h.commit }));
}

export function encodeSnapshot(s: SnapshotMetadata): Uint8Array {
  return encoder.encode(JSON.stringify(s));
}

function parse(bytes: Uint8Array, what: string, where: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(decoder.decode(bytes));
    if (typeof v === 'object' && v !== null) return v as Record<string, unknown>;
  } catch {
    // fall through to the typed error
  }
  throw new StorageError('STORAGE_CORRUPTED', `raft ${what} in ${where} does not decode`, {
    location: where,
  });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isIds = (v: unknown): v is number[] => Array.isArray(v) && v.every(isCount);

export function decodeHardState(bytes: Uint8Array, where: string): HardState {
  const v = parse(bytes, 'hard state', where);
  if (!isCount(v.term) || !isCount(v.vote) || !isCount(v.commit)) {
    throw new StorageError('STORAGE_CORRUPTED', `raft hard state in ${where} is malformed`, {
      location: where,
    });
  }
  return { term: v.term, vote: v.vote, commit: v.commit };
}

export function decodeSnapshot(bytes: Uint8Array, where: string): SnapshotMetadata {
  return snapshotMetadataFrom(parse(bytes, 'snapshot metadata', where), where);
}

/** Checks parsed JSON as snapshot metadata; anything else is `STORAGE_CORRUPTED` naming `where`. */
export function snapshotMetadataFrom(v: Record<string, unknown>, where: string): SnapshotMetadata {
  const c = v.confState as Record<string, unknown> | undefined;
  if (
    !isCount(v.index) ||
    !isCount(v.term) ||
    typeof c !== 'object' ||
    c === null ||
    !isIds(c.voters) ||
    !isIds(c.learners) ||
    !isIds(c.votersOutgoing) ||
    !isIds(c.learnersNext) ||
    typeof c.autoLeave !== 'boolean'
  ) {
    throw new StorageError('STORAGE_CORRUPTED', `raft snapshot metadata in ${where} is malformed`, {
      location: where,
    });
  }
  const confState: ConfState = {
    voters: c.voters,
    learners: c.learners,
    votersOutgoing: c.votersOutgoing,
    learnersNext: c.learnersNext,
    autoLeave: c.autoLeave,
  };
  return { index: v.index, term: v.term, confState };
}
