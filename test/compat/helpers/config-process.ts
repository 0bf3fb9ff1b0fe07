import type { NamingProcess } from './registry-process.js';

/**
 * Waits until the member serves config writes: a probe publish answers 200 (before a leader is
 * known it answers 503). Bounded by `timeoutMs`. Processes come from `registry-process.ts`.
 */
export async function waitForConfigWrites(proc: NamingProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) break;
    try {
      const res = await fetch(`${proc.base}/v1/cs/configs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'dataId=reg.probe&group=REG_PROBE&content=up',
        signal: AbortSignal.timeout(2_000),
      });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${proc.port} serves no config writes (${last}); output:\n${proc.output()}`);
}
