/** One sample of a Prometheus text exposition: `name{labels} value`. */
export interface Sample {
  readonly name: string;
  /** The label set as written (`{a="1",b="2"}`), '' when none. */
  readonly labels: string;
  readonly value: number;
}

/** Parses the sample lines of a text exposition (comments skipped). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    samples.push({ name: match[1] as string, labels: match[2] ?? '', value: Number(match[3]) });
  }
  return samples;
}

/** The value of `name` whose labels include every `label="value"` given; undefined when absent. */
export function sampleValue(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const found = samples.filter((s) => s.name === name && wanted.every((w) => s.labels.includes(w)));
  if (found.length === 0) return undefined;
  return found.reduce((sum, s) => sum + s.value, 0);
}

export async function scrape(
  base: string,
): Promise<{ status: number; type: string; text: string; samples: Sample[] }> {
  const res = await fetch(`${base}/actuator/prometheus`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    samples: res.status === 200 ? parseExposition(text) : [],
  };
}
