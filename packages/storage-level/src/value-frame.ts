import { StorageError } from '@reg/storage';
import { crc32 } from './crc32.js';

/**
 * Frames a stored value as `crc32 (4 bytes, big-endian) | value`.
 *
 * Why: LevelDB reads table blocks without verifying their checksums unless asked, and
 * classic-level cannot ask (`verify_checksums` is not exposed). A damaged block that still parses
 * would hand back wrong bytes; the frame turns that into `STORAGE_CORRUPTED`.
 */
export function frame(value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + value.byteLength);
  out.set(value, 4);
  new DataView(out.buffer).setUint32(0, crc32(value));
  return out;
}

/** Checks and strips the frame; `where` names the database folder and its table files. */
export function unframe(bytes: Uint8Array, key: string, where: string): Uint8Array {
  const value = bytes.subarray(4);
  if (bytes.byteLength < 4 || new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) !== crc32(value)) {
    throw new StorageError(
      'STORAGE_CORRUPTED',
      `value of ${JSON.stringify(key)} fails its checksum in ${where}`,
      {
        location: where,
      },
    );
  }
  return value;
}
