import type { KvModelInput, KvModelOutput, Operation } from '../../src/testing/linearizability/index.js';

type KvOp = Operation<KvModelInput, KvModelOutput>;

/** mulberry32: a small seeded PRNG, so generated histories replay from their seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface KvHistoryOptions {
  readonly seed: number;
  readonly clients: number;
  readonly ops: number;
  readonly keys: number;
  /** Longest distance between an operation's call or return and the instant it takes effect. */
  readonly maxSpan: number;
  /** Probability that an operation never returns (its client then crashes and is replaced). */
  readonly pendingRate?: number;
  /** Share of reads among operations; default 0.5. */
  readonly readRate?: number;
}

/**
 * A history from a real sequential execution: operation `i` takes effect at instant `10 * i`
 * on one map, and is recorded with a call up to `maxSpan` before and a return up to `maxSpan`
 * after that instant; each client runs one operation at a time. Such a history is linearizable
 * by construction. Values are unique (`p<i>;` for puts, `a<i>;` appended), so a non-null value
 * names the write that produced it. An operation that never returns took effect or not, at random.
 */
export function generateKvHistory(o: KvHistoryOptions): KvOp[] {
  const random = rng(o.seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const store = new Map<string, string>();
  const free: number[] = Array.from({ length: o.clients }, () => Number.NEGATIVE_INFINITY);
  const ids: number[] = Array.from({ length: o.clients }, (_, i) => i);
  let nextId = o.clients;
  const history: KvOp[] = [];
  const readRate = o.readRate ?? 0.5;
  for (let i = 0; history.length < o.ops && i < o.ops * 50; i++) {
    const at = 10 * i;
    const ready: number[] = [];
    for (let c = 0; c < o.clients; c++) if ((free[c] as number) < at) ready.push(c);
    if (ready.length === 0) continue;
    const c = ready[pick(ready.length)] as number;
    const key = `k${pick(o.keys)}`;
    const r = random();
    let input: KvModelInput;
    if (r < readRate) input = { op: 'get', key };
    else if (r < readRate + (1 - readRate) * 0.45) input = { op: 'put', key, value: `p${i};` };
    else if (r < readRate + (1 - readRate) * 0.9) input = { op: 'append', key, value: `a${i};` };
    else input = { op: 'delete', key };
    const call = Math.max(at - pick(o.maxSpan + 1), (free[c] as number) + 1);
    const pending = random() < (o.pendingRate ?? 0);
    if (pending) {
      if (random() < 0.5) apply(store, input);
      history.push({
        clientId: ids[c] as number,
        input,
        output: undefined,
        call,
        return: Number.POSITIVE_INFINITY,
      });
      ids[c] = nextId++; // the crashed client is replaced by a new one
      free[c] = call;
      continue;
    }
    const output = apply(store, input);
    const ret = at + pick(o.maxSpan + 1);
    history.push({ clientId: ids[c] as number, input, output, call, return: ret });
    free[c] = ret;
  }
  return history;
}

function apply(store: Map<string, string>, input: KvModelInput): KvModelOutput {
  switch (input.op) {
    case 'get':
      return store.get(input.key) ?? null;
    case 'put':
      store.set(input.key, input.value);
      return input.value;
    case 'append': {
      const v = (store.get(input.key) ?? '') + input.value;
      store.set(input.key, v);
      return v;
    }
    case 'delete':
      store.delete(input.key);
      return null;
  }
}

const isWrite = (op: KvOp): boolean => op.input.op !== 'get';
const done = (op: KvOp): boolean => op.return !== Number.POSITIVE_INFINITY;

/**
 * Injects one stale read: a completed `get` is made to return the value produced by a completed
 * write `w1` on the same key although another completed write `w2` on that key started after
 * `w1` returned and returned before the read began. Values are unique, so no linearization can
 * show the read `w1`'s value. Returns the new history and the index of the read, or undefined
 * when the history has no such triple.
 */
export function injectStaleRead(
  history: readonly KvOp[],
  seed: number,
): { history: KvOp[]; read: number } | undefined {
  const random = rng(seed);
  const found: { read: number; value: string }[] = [];
  for (let r = 0; r < history.length; r++) {
    const read = history[r] as KvOp;
    if (read.input.op !== 'get' || !done(read)) continue;
    for (const w2 of history) {
      if (!isWrite(w2) || !done(w2) || w2.input.key !== read.input.key || w2.return >= read.call) continue;
      for (const w1 of history) {
        if (!isWrite(w1) || !done(w1) || w1.input.key !== read.input.key || w1.return >= w2.call) continue;
        if (typeof w1.output === 'string' && w1.output !== read.output)
          found.push({ read: r, value: w1.output });
      }
    }
  }
  if (found.length === 0) return undefined;
  const choice = found[Math.floor(random() * found.length)] as { read: number; value: string };
  const out = history.slice();
  out[choice.read] = { ...(history[choice.read] as KvOp), output: choice.value };
  return { history: out, read: choice.read };
}
