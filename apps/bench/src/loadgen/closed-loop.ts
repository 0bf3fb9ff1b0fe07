import { readFileSync } from 'node:fs';
import { type LatencySummary, summarize } from '../stats.js';
import type { PutTarget } from './targets.js';

/** One measured concurrency level. */
export interface LevelResult extends LatencySummary {
  readonly inFlight: number;
  readonly seconds: number;
  readonly putsPerSec: number;
  readonly errors: number;
  readonly lastError: string | null;
  /** CPU of the load generator process, percent of one core. */
  readonly clientCpuPct: number;
  /** CPU of the server processes (from /proc), percent of one core; null when unknown. */
  readonly serverCpuPct: number | null;
}

const CLOCK_TICKS = 100;

/** utime + stime of a process in seconds, from /proc (Linux); NaN when unreadable. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

export interface PhaseOptions {
  readonly target: PutTarget;
  readonly inFlight: number;
  readonly seconds: number;
  readonly keys: readonly string[];
  readonly value: Uint8Array;
  readonly record: boolean;
  readonly serverPids: readonly number[];
  /** Hard cap on operations, so a phase is bounded in count as well as time. */
  readonly maxOps: number;
}

let sequence = 0;

/**
 * A closed loop: `inFlight` workers each `await put()` back to back until the deadline. Latency is
 * measured per put from its call to its answer.
 */
export async function runPhase(o: PhaseOptions): Promise<LevelResult> {
  const latencies: number[] = [];
  let errors = 0;
  let lastError: string | null = null;
  let ops = 0;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(o.seconds * 1e9));
  const worker = async () => {
    for (;;) {
      const start = process.hrtime.bigint();
      if (start >= deadline || ops >= o.maxOps) return;
      ops++;
      try {
        await o.target.put(o.keys[sequence++ % o.keys.length]!, o.value);
        if (o.record) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      } catch (err) {
        errors++;
        lastError = String((err as Error).message ?? err).slice(0, 200);
        // A dead target should end the run quickly, not spin on errors.
        if (errors > 1_000 && errors > ops / 2) return;
      }
    }
  };
  const serverCpu = () => o.serverPids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const server0 = serverCpu();
  await Promise.all(Array.from({ length: o.inFlight }, worker));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const server1 = serverCpu();
  return {
    inFlight: o.inFlight,
    seconds: elapsed,
    putsPerSec: latencies.length / elapsed,
    errors,
    lastError,
    clientCpuPct: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100,
    serverCpuPct:
      o.serverPids.length && Number.isFinite(server1 - server0)
        ? ((server1 - server0) / elapsed) * 100
        : null,
    ...summarize(latencies),
  };
}

/** 8-byte keys `k0000000`.. over a key space, as the peers' anchors used. */
export function keySpace(size: number): string[] {
  return Array.from({ length: size }, (_, i) => `k${String(i).padStart(7, '0')}`);
}
