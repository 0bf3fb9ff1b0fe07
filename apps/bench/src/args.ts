import { parseArgs as parseNodeArgs } from 'node:util';
import { BenchError } from './errors.js';

/** Options every scenario understands. */
export interface CommonOptions {
  /** Repetitions; tables report the median of each figure. */
  readonly runs: number;
  /** Measured seconds per level or phase. */
  readonly seconds: number;
  /** Unrecorded seconds before each measured phase. */
  readonly warmup: number;
  /** Peer to run the identical workload against in the same run. */
  readonly vs: 'etcd' | 'zookeeper' | undefined;
  /** Folder the JSON result goes to. */
  readonly out: string;
  /** Tiny sizes for the smoke test: proves the harness runs, measures nothing. */
  readonly smoke: boolean;
}

export type FlagKind = 'int' | 'number' | 'list' | 'string' | 'bool';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly help: string;
}

const COMMON_FLAGS: Record<string, FlagSpec> = {
  runs: { kind: 'int', help: 'repetitions (medians are reported)' },
  seconds: { kind: 'number', help: 'measured seconds per level' },
  warmup: { kind: 'number', help: 'unrecorded warm-up seconds per level' },
  vs: { kind: 'string', help: 'etcd | zookeeper: same workload against the peer, same run' },
  out: { kind: 'string', help: 'results folder (default apps/bench/results)' },
  smoke: { kind: 'bool', help: 'tiny sizes: checks the harness, measures nothing' },
  help: { kind: 'bool', help: 'this text' },
};

export type ParsedFlags = Record<string, string | boolean | undefined>;

/**
 * Parses `--name value` flags against the common flags plus a scenario's own. Unknown flags,
 * missing values and malformed numbers are `BENCH_BAD_ARGUMENT`, all reported at once.
 */
export function parseFlags(argv: readonly string[], scenarioFlags: Record<string, FlagSpec>): ParsedFlags {
  const specs = { ...COMMON_FLAGS, ...scenarioFlags };
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, spec] of Object.entries(specs))
    options[name] = { type: spec.kind === 'bool' ? 'boolean' : 'string' };
  let values: ParsedFlags;
  try {
    values = parseNodeArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new BenchError('BENCH_BAD_ARGUMENT', (err as Error).message, { cause: err });
  }
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const spec = specs[name];
    if (!spec || typeof value !== 'string') continue;
    if (spec.kind === 'int' && !/^[1-9][0-9]*$/.test(value))
      problems.push(`--${name} ${JSON.stringify(value)}: expected a positive integer`);
    if (spec.kind === 'number' && !(Number(value) >= 0 && value.trim() !== ''))
      problems.push(`--${name} ${JSON.stringify(value)}: expected a number >= 0`);
    if (spec.kind === 'list' && !/^[1-9][0-9]*(,[1-9][0-9]*)*$/.test(value))
      problems.push(`--${name} ${JSON.stringify(value)}: expected positive integers separated by commas`);
  }
  if (values.vs !== undefined && values.vs !== 'etcd' && values.vs !== 'zookeeper')
    problems.push(`--vs ${JSON.stringify(values.vs)}: expected etcd or zookeeper`);
  if (problems.length) throw new BenchError('BENCH_BAD_ARGUMENT', problems.join('\n'));
  return values;
}

export function helpText(scenarioFlags: Record<string, FlagSpec>): string {
  return Object.entries({ ...COMMON_FLAGS, ...scenarioFlags })
    .map(([name, spec]) => `  --${name.padEnd(14)} ${spec.help}`)
    .join('\n');
}

export const flagInt = (flags: ParsedFlags, name: string, fallback: number): number =>
  typeof flags[name] === 'string' ? Number(flags[name]) : fallback;

export const flagList = (flags: ParsedFlags, name: string, fallback: readonly number[]): number[] =>
  typeof flags[name] === 'string' ? (flags[name] as string).split(',').map(Number) : [...fallback];

export function commonOptions(
  flags: ParsedFlags,
  defaults: { runs: number; seconds: number; warmup: number },
  defaultOut: string,
): CommonOptions {
  const smoke = flags.smoke === true;
  return {
    runs: flagInt(flags, 'runs', smoke ? 1 : defaults.runs),
    seconds: flagInt(flags, 'seconds', smoke ? 0.3 : defaults.seconds),
    warmup: flagInt(flags, 'warmup', smoke ? 0 : defaults.warmup),
    vs: flags.vs as CommonOptions['vs'],
    out: typeof flags.out === 'string' ? flags.out : defaultOut,
    smoke,
  };
}
