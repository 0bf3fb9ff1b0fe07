import { fileURLToPath } from 'node:url';
import { BenchError } from '../errors.js';
import { startChild } from '../processes.js';
import type { LevelResult } from './closed-loop.js';
import type { LoadSpec } from './load-spec.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** Runs the load generator process for `spec` and returns one result per in-flight level. */
export async function runLoadgen(spec: LoadSpec): Promise<LevelResult[]> {
  const child = startChild(`loadgen ${spec.target}`, process.execPath, [MAIN, JSON.stringify(spec)]);
  const levels: LevelResult[] = [];
  let error: string | undefined;
  let buffered = '';
  child.proc.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf('\n');
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as { level?: LevelResult; error?: string };
      if (parsed.level) levels.push(parsed.level);
      if (parsed.error) error = parsed.error;
    }
  });
  // Bounded: the levels' own durations plus setup time.
  const budgetMs = (spec.seconds + spec.warmup) * spec.inFlight.length * 1000 + 60_000;
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), budgetMs);
  const code = await child.exited;
  clearTimeout(timer);
  if (code !== 0 || error || levels.length !== spec.inFlight.length)
    throw new BenchError(
      'BENCH_REQUEST_FAILED',
      `load generator against ${spec.target} ${spec.endpoint} failed (exit ${code}): ${error ?? child.output().slice(-2000)}`,
    );
  return levels;
}
