/** Latency summary of one measured phase, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** The q-quantile (0..1) of sorted values, nearest rank. NaN for no values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  let sum = 0;
  for (const v of list) sum += v;
  return {
    count: list.length,
    p50: quantile(list, 0.5),
    p99: quantile(list, 0.99),
    max: list.length ? list[list.length - 1]! : Number.NaN,
    mean: list.length ? sum / list.length : Number.NaN,
  };
}

/** Median (lower middle for an even count, so it is always a measured value). NaN for none. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  return finite[Math.floor((finite.length - 1) / 2)]!;
}
