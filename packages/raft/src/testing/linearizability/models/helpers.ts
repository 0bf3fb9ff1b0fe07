import type { Operation } from '../types.js';

/** FNV-1a over the UTF-16 code units of `s`: a cheap 32-bit hash for model states. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Builds a `Model.partition` that groups operations by a key of their input (per-key
 * partitioning, as porcupine's `PartitionEvent`). Parts come out in the order their keys first
 * appear; each keeps the history's order.
 */
export function partitionBy<I, O>(
  keyOf: (input: I) => string,
): (history: readonly Operation<I, O>[]) => Operation<I, O>[][] {
  return (history) => {
    const parts = new Map<string, Operation<I, O>[]>();
    for (const op of history) {
      const key = keyOf(op.input);
      let part = parts.get(key);
      if (part === undefined) {
        part = [];
        parts.set(key, part);
      }
      part.push(op);
    }
    return [...parts.values()];
  };
}

/** Renders a register value for reports: quoted string, or `absent`. */
export function showValue(v: string | null | undefined): string {
  return v === null || v === undefined ? 'absent' : JSON.stringify(v);
}
