import type { Entry, HardState, PersistedState } from '@reg/raft';

/** One operation of the crash workload, as the child announces it before issuing it. */
export type CrashOp =
  | {
      readonly t: 'a';
      readonly first: number;
      readonly n: number;
      readonly term: number;
      readonly hs?: HardState;
    }
  | { readonly t: 'c'; readonly index: number; readonly term: number };

/** mulberry32: small, seedable, identical in parent and child. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The payload of entry (index, term): derived, so the parent can check bytes without a copy. */
export function payload(index: number, term: number): Uint8Array {
  const rand = prng(index * 1_000_003 + term * 7919);
  const out = new Uint8Array(16 + ((index * 7 + term * 13) % 497));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** A log as the parent models it: snapshot point, terms of the entries after it, hard state. */
export interface ModelLog {
  snapIndex: number;
  snapTerm: number;
  terms: number[];
  hardState: HardState;
}

export function modelOf(state: PersistedState): ModelLog {
  return {
    snapIndex: state.snapshot.index,
    snapTerm: state.snapshot.term,
    terms: state.entries.map((e) => e.term),
    hardState: { ...state.hardState },
  };
}

/** Applies one op to a model, as the storage contract says it applies. */
export function applyOp(m: ModelLog, op: CrashOp): ModelLog {
  if (op.t === 'a') {
    const terms = m.terms.slice(0, op.first - m.snapIndex - 1);
    for (let i = 0; i < op.n; i++) terms.push(op.term);
    return { ...m, terms, hardState: op.hs === undefined ? m.hardState : { ...op.hs } };
  }
  return { ...m, snapIndex: op.index, snapTerm: op.term, terms: m.terms.slice(op.index - m.snapIndex) };
}

/** Whether a loaded state equals a model exactly, payload bytes included. */
export function matches(m: ModelLog, state: PersistedState): boolean {
  const s = state;
  if (s.snapshot.index !== m.snapIndex || s.snapshot.term !== m.snapTerm) return false;
  if (s.entries.length !== m.terms.length) return false;
  const h = s.hardState;
  if (h.term !== m.hardState.term || h.vote !== m.hardState.vote || h.commit !== m.hardState.commit)
    return false;
  for (let i = 0; i < s.entries.length; i++) {
    const e = s.entries[i] as Entry;
    if (e.index !== m.snapIndex + 1 + i || e.term !== m.terms[i]) return false;
    const want = payload(e.index, e.term);
    if (e.data.length !== want.length) return false;
    for (let j = 0; j < want.length; j++) if (e.data[j] !== want[j]) return false;
  }
  return true;
}
