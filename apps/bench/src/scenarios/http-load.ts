import { type LevelResult, runPhase } from '../loadgen/closed-loop.js';

/**
 * Runs `op(i)` in a closed loop (`inFlight` workers, `seconds` long) in this process, for the
 * registry scenarios whose operations are not plain puts; `i` counts operations from 0 within the
 * phase, wrapping at `space`.
 */
export async function runOps(
  op: (i: number) => Promise<void>,
  o: { inFlight: number; seconds: number; space: number; serverPids: readonly number[]; record?: boolean },
): Promise<LevelResult> {
  const keys = Array.from({ length: o.space }, (_, i) => String(i));
  return runPhase({
    target: { put: (key) => op(Number(key)), close: async () => undefined },
    inFlight: o.inFlight,
    seconds: o.seconds,
    keys,
    value: new Uint8Array(0),
    record: o.record ?? true,
    serverPids: o.serverPids,
    maxOps: 5_000_000,
  });
}

/** Row cells of one measured phase. */
export function phaseCells(r: LevelResult): Record<string, number> {
  return { 'ops/s': r.putsPerSec, 'p50 ms': r.p50, 'p99 ms': r.p99, errors: r.errors };
}
