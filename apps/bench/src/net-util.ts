import { createServer } from 'node:net';
import { BenchError } from './errors.js';

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` distinct free ports, each with `port - offset` free too when offset > 0 (registry peers). */
export async function freePorts(count: number, offset = 0): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; attempt < 200 && ports.length < count; attempt++) {
    const port = await freePort();
    if (ports.includes(port) || ports.includes(port - offset) || ports.some((p) => p - offset === port))
      continue;
    if (offset > 0 && (port - offset < 1024 || !(await isFree(port - offset)))) continue;
    ports.push(port);
  }
  if (ports.length < count)
    throw new BenchError('BENCH_START_FAILED', `found only ${ports.length} free ports`);
  return ports;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Calls `probe` until it returns a value other than undefined, or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new BenchError('BENCH_TIMEOUT', `${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
