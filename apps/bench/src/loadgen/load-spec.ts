import type { TargetKind } from './targets.js';

/** What one load generator process runs. */
export interface LoadSpec {
  readonly target: TargetKind;
  /** `host:port` of the member the puts go to (the leader, as in the peers' anchors). */
  readonly endpoint: string;
  readonly inFlight: readonly number[];
  readonly seconds: number;
  readonly warmup: number;
  readonly valueSize: number;
  readonly keySpace: number;
  /** Server processes whose CPU is reported. */
  readonly serverPids: readonly number[];
  readonly maxOps: number;
}
