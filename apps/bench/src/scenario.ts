import type { CommonOptions, FlagSpec, ParsedFlags } from './args.js';
import type { ScenarioOutcome } from './report.js';

/** One benchmark the CLI can run. */
export interface Scenario {
  readonly name: string;
  readonly summary: string;
  /** Flags beyond the common ones. */
  readonly flags: Record<string, FlagSpec>;
  readonly defaults: { runs: number; seconds: number; warmup: number };
  /** Peers this scenario can compare against with `--vs`. */
  readonly peers: ReadonlyArray<'etcd' | 'zookeeper'>;
  run(flags: ParsedFlags, options: CommonOptions, log: (line: string) => void): Promise<ScenarioOutcome>;
}
