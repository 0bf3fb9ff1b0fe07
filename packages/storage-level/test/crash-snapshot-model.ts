/** The snapshots the snapshot crash child saves: derived from (seed, index), so the parent can check every byte. */

const MiB = 1024 * 1024;
/** Bytes per chunk the producer yields (not the stored chunk size: the store re-chunks). */
const PIECE = 64 * 1024;

/** Size of the snapshot at `index`: 10 to 20 MiB, not a multiple of anything convenient. */
export function snapshotSize(seed: number, index: number): number {
  return 10 * MiB + (((seed ^ Math.imul(index, 2654435761)) >>> 0) % (10 * MiB)) + 7;
}

/** The snapshot at `index`, streamed in 64 KiB pieces of xorshift32 output. */
export async function* snapshotContent(seed: number, index: number): AsyncGenerator<Uint8Array> {
  const size = snapshotSize(seed, index);
  let x = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0 || 1;
  for (let off = 0; off < size; off += PIECE) {
    const n = Math.min(PIECE, size - off);
    const words = new Uint32Array(Math.ceil(n / 4));
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    yield new Uint8Array(words.buffer, 0, n);
  }
}
