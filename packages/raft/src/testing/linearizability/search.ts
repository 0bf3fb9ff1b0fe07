import { RaftError } from '../../errors.js';
import type { Model, Operation } from './types.js';

/** Outcome of searching one partition. `order` and `state` describe the longest prefix found. */
export type SearchOutcome<S> =
  | { readonly kind: 'ok' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'illegal'; readonly order: readonly number[]; readonly state: S };

interface CacheEntry<S> {
  readonly bits: Uint32Array;
  readonly state: S;
}

const NONE = -1;
/** How many search steps run between two looks at the clock. */
const CLOCK_EVERY = 1024;

/** A fixed pseudo-random 32-bit word per operation index (splitmix32), for Zobrist hashing. */
function zobrist(i: number): number {
  let z = (Math.imul(i + 1, 0x9e3779b9) + 0x7f4a7c15) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * True when `seen` dominates `now`: the same completed operations, and every pending operation
 * taken in `seen` is also taken in `now`.
 */
function dominates(seen: Uint32Array, now: Uint32Array, completedMask: Uint32Array): boolean {
  for (let i = 0; i < seen.length; i++) {
    const a = seen[i] as number;
    const b = now[i] as number;
    if (((a ^ b) & (completedMask[i] as number)) !== 0 || (a & ~b) !== 0) return false;
  }
  return true;
}

/**
 * Wing & Gong's search with Lowe's memoization, as porcupine does it.
 *
 * Calls and returns of the partition's operations sit in one doubly linked list in time order.
 * Walking from the head, any call met before the first return is an operation that may take
 * effect next: the search tries it against the model, and if the model accepts it and the pair
 * (set of operations taken so far, resulting state) is new, removes ("lifts") its call and
 * return from the list and starts over from the head. Meeting a return whose call is still in
 * the list means that operation should already have taken effect: the last choice is undone and
 * the walk continues after it. The cache of seen (set, state) pairs is what keeps the search from
 * retrying equivalent orders, which for typical histories makes it close to linear.
 *
 * Operations that never returned have no return in the list: they may be taken at any point
 * after their call, or never, so the partition is linearizable once every completed operation
 * has been taken. They are what makes histories from crashed clients expensive (each doubles
 * the configurations to visit), so two refinements keep them in check:
 * - Dominance: a configuration (taken set, state) is pruned when one with the same completed
 *   operations, the same state and a subset of its pending operations was already visited.
 *   Not having taken a pending operation is never worse than having taken it: it can still be
 *   taken later, and it has no return to honour. This also drops pending operations that do not
 *   change the state (a read that never returned).
 * - Order: from each configuration the completed candidates are tried before the pending ones,
 *   so the configurations without pending operations are usually visited first and then
 *   dominate their variants.
 *
 * `expired` is polled every {@link CLOCK_EVERY} steps; when it answers true the search stops
 * with `timeout`.
 */
export function searchPartition<S, I, O>(
  ops: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  expired: () => boolean,
): SearchOutcome<S> {
  const n = ops.length;
  // Node 0 is the head; nodes 1..n are calls, n+1..2n returns (not all used).
  const size = 2 * n + 1;
  const next = new Int32Array(size);
  const prev = new Int32Array(size);
  const nodeOp = new Int32Array(size);
  const isReturn = new Uint8Array(size);
  const returnNode = new Int32Array(n).fill(NONE);

  const events: number[] = [];
  let completed = 0;
  for (let i = 0; i < n; i++) {
    const op = ops[i] as Operation<I, O>;
    nodeOp[1 + i] = i;
    events.push(1 + i);
    if (op.return !== Number.POSITIVE_INFINITY) {
      const r = 1 + n + i;
      nodeOp[r] = i;
      isReturn[r] = 1;
      returnNode[i] = r;
      events.push(r);
      completed++;
    }
  }
  const timeOf = (node: number): number => {
    const op = ops[nodeOp[node] as number] as Operation<I, O>;
    return isReturn[node] === 1 ? op.return : op.call;
  };
  // Time order; at equal times calls come first, so touching operations count as concurrent.
  events.sort((a, b) => timeOf(a) - timeOf(b) || (isReturn[a] as number) - (isReturn[b] as number) || a - b);
  let last = 0;
  for (const node of events) {
    next[last] = node;
    prev[node] = last;
    last = node;
  }
  next[last] = NONE;

  const unlink = (x: number): void => {
    const p = prev[x] as number;
    const q = next[x] as number;
    next[p] = q;
    if (q !== NONE) prev[q] = p;
  };
  const relink = (x: number): void => {
    const p = prev[x] as number;
    const q = next[x] as number;
    next[p] = x;
    if (q !== NONE) prev[q] = x;
  };

  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  // Bits of completed operations; the rest are pending and may differ under dominance.
  const completedMask = new Uint32Array(words);
  let bitsHash = 0;
  const zob = new Uint32Array(n); // zero for pending operations: dominance needs them out of the key
  for (let i = 0; i < n; i++) {
    if (returnNode[i] === NONE) continue;
    zob[i] = zobrist(i);
    completedMask[i >>> 5] = (completedMask[i >>> 5] as number) | (1 << (i & 31));
  }
  const toggle = (i: number): void => {
    bits[i >>> 5] = (bits[i >>> 5] as number) ^ (1 << (i & 31));
    bitsHash = (bitsHash ^ (zob[i] as number)) >>> 0;
  };

  const cache = new Map<number, CacheEntry<S>[]>();
  const hashState = model.hash;
  /** Records (bits, state) unless it is dominated by a configuration seen before; true when new. */
  const remember = (state: S): boolean => {
    const h = hashState === undefined ? 0 : hashState.call(model, state) | 0;
    const key = (bitsHash ^ Math.imul(h, 0x27d4eb2d)) >>> 0;
    const bucket = cache.get(key);
    if (bucket === undefined) {
      cache.set(key, [{ bits: bits.slice(), state }]);
      return true;
    }
    for (const e of bucket)
      if (dominates(e.bits, bits, completedMask) && model.equal(e.state, state)) return false;
    bucket.push({ bits: bits.slice(), state });
    return true;
  };

  const stackNode = new Int32Array(n);
  const stackState: S[] = [];
  let depth = 0;
  // Longest prefix seen: best[0..bestLen) in order, of which the first `shared` equal the stack.
  const best = new Int32Array(n);
  let bestLen = 0;
  let shared = 0;
  let bestState = model.init();

  let state = bestState;
  remember(state);
  let left = completed;
  let entry = next[0] as number;
  // Phase 0 walks the completed candidates, phase 1 (from the head again) the pending ones.
  let phase = 0;
  let steps = 0;
  while (left > 0) {
    if (++steps % CLOCK_EVERY === 0 && expired()) return { kind: 'timeout' };
    if (entry === NONE) {
      throw new RaftError('RAFT_INVARIANT', 'linearizability search walked past the last return');
    }
    const op = nodeOp[entry] as number;
    if (isReturn[entry] === 0) {
      if ((returnNode[op] === NONE ? 1 : 0) !== phase) {
        entry = next[entry] as number;
        continue;
      }
      const o = ops[op] as Operation<I, O>;
      const [ok, after] = model.step(state, o.input, o.output);
      if (ok) {
        toggle(op);
        if (remember(after)) {
          stackNode[depth] = entry;
          stackState[depth] = state;
          depth++;
          if (depth > bestLen) {
            for (let d = shared; d < depth; d++) best[d] = nodeOp[stackNode[d] as number] as number;
            bestLen = depth;
            shared = depth;
            bestState = after;
          }
          state = after;
          unlink(entry);
          const r = returnNode[op] as number;
          if (r !== NONE) {
            unlink(r);
            left--;
          }
          entry = next[0] as number;
          phase = 0;
          continue;
        }
        toggle(op);
      }
      entry = next[entry] as number;
    } else if (phase === 0) {
      entry = next[0] as number;
      phase = 1;
    } else {
      // This operation had to take effect by now and has not: undo the last choice.
      if (depth === 0) {
        return { kind: 'illegal', order: Array.from(best.subarray(0, bestLen)), state: bestState };
      }
      depth--;
      if (depth < shared) shared = depth;
      const undo = stackNode[depth] as number;
      const undoOp = nodeOp[undo] as number;
      state = stackState[depth] as S;
      toggle(undoOp);
      const r = returnNode[undoOp] as number;
      if (r !== NONE) {
        relink(r);
        left++;
      }
      relink(undo);
      entry = next[undo] as number;
      phase = r === NONE ? 1 : 0;
    }
  }
  return { kind: 'ok' };
}
