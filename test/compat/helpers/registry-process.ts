import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built registry: naming compat tests run what `npm start` runs (`npm test` builds first). */
export const MAIN = fileURLToPath(new URL('../../../apps/registry/dist/main.js', import.meta.url));

/** An HTTP port whose peer port (port - 1000) was free too, on 127.0.0.1. */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenOnce(0);
    if (
      port > 2000 &&
      (await listenOnce(port - 1000).then(
        () => true,
        () => false,
      ))
    )
      return port;
  }
  throw new Error('no free port pair found');
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/** A registry child process on 127.0.0.1 with its own temporary home. */
export interface NamingProcess {
  readonly port: number;
  readonly base: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGKILLs the process if it still runs and removes its home; safe to call twice. */
  stop(): Promise<void>;
}

export interface NamingProcessOptions {
  readonly port: number;
  /** Cluster members (`127.0.0.1:port` each); standalone when absent. */
  readonly members?: readonly string[];
  readonly properties?: Record<string, string>;
}

export function startNamingProcess(options: NamingProcessOptions): NamingProcess {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does it first)`);
  const home = mkdtempSync(join(tmpdir(), 'reg-naming-compat-'));
  mkdirSync(join(home, 'conf'));
  const lines = Object.entries(options.properties ?? {}).map(([k, v]) => `${k}=${v}`);
  writeFileSync(join(home, 'conf', 'application.properties'), `${lines.join('\n')}\n`);
  const cluster = options.members !== undefined;
  if (cluster) writeFileSync(join(home, 'conf', 'cluster.conf'), `${options.members?.join('\n')}\n`);
  const args = [
    '-m',
    cluster ? 'cluster' : 'standalone',
    '--home',
    home,
    '--port',
    String(options.port),
    '--ip',
    '127.0.0.1',
  ];
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', SERVER_ADDRESS: '127.0.0.1', REG_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port: options.port,
    base: `http://127.0.0.1:${options.port}/nacos`,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 50 ms until it holds or `timeoutMs` passes (then throws with `what`). */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
}

/** Waits until the naming API answers and reports status UP (a Raft leader exists). */
export async function waitForNaming(proc: NamingProcess, timeoutMs = 15_000): Promise<void> {
  await waitUntil(
    `registry on ${proc.port} UP (output: ${proc.output().slice(-500)})`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`exited: ${proc.output()}`);
      const res = await fetch(`${proc.base}/v1/ns/operator/metrics`, { signal: AbortSignal.timeout(1000) });
      return res.ok && ((await res.json()) as { status: string }).status === 'UP';
    },
    timeoutMs,
  );
}
