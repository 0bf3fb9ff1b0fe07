// Real registry processes for the client's tests: the built server (apps/registry/dist/main.js,
// which `npm test` builds first) on loopback ports, each with its own temporary home.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REGISTRY_MAIN = fileURLToPath(
  new URL('../../../../apps/registry/dist/main.js', import.meta.url),
);
const CLUSTER_SECRET = 'client-test-cluster-secret-0123456789';

export interface RegistryOptions {
  /** Cluster members (`127.0.0.1:port`); standalone without. */
  readonly members?: readonly string[];
  /** application.properties entries. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** One registry process; `start()` again after `kill()` restarts it on the same port and home. */
export class RegistryProcess {
  readonly port: number;
  readonly home: string;
  readonly #options: RegistryOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output = '';

  constructor(port: number, options: RegistryOptions = {}) {
    if (!existsSync(REGISTRY_MAIN)) {
      throw new Error(`${REGISTRY_MAIN} is missing: run "npx turbo run build" (npm test builds first)`);
    }
    this.port = port;
    this.#options = options;
    this.home = mkdtempSync(join(tmpdir(), 'reg-client-test-'));
    mkdirSync(join(this.home, 'conf'));
    const props = Object.entries(options.properties ?? {}).map(([k, v]) => `${k}=${v}`);
    writeFileSync(join(this.home, 'conf', 'application.properties'), `${props.join('\n')}\n`);
    if (options.members)
      writeFileSync(join(this.home, 'conf', 'cluster.conf'), `${options.members.join('\n')}\n`);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  output(): string {
    return this.#output;
  }

  /** Spawns the process (no wait; see `waitReady`). */
  start(): void {
    if (this.running) return;
    const cluster = this.#options.members !== undefined;
    const args = [
      '-m',
      cluster ? 'cluster' : 'standalone',
      '--home',
      this.home,
      '--port',
      String(this.port),
      '--ip',
      '127.0.0.1',
    ];
    const child = spawn(process.execPath, [REGISTRY_MAIN, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        SERVER_ADDRESS: '127.0.0.1',
        REG_LOG_LEVEL: 'warn',
        ...(cluster && { REG_CLUSTER_SECRET: CLUSTER_SECRET }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.#child = child;
  }

  /** Waits until readiness answers 200 (Raft leader known, Distro loaded), at most `timeoutMs`. */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`registry ${this.port} exited:\n${this.#output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/nacos/v1/console/health/readiness`, {
          signal: AbortSignal.timeout(1000),
        });
        last = `${res.status} ${await res.text()}`;
        if (res.status === 200) return;
      } catch (err) {
        last = String(err);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`registry ${this.port} not ready in ${timeoutMs} ms (${last}):\n${this.#output}`);
  }

  /** SIGKILLs the process (no graceful hand-over: a crash). */
  async kill(): Promise<void> {
    if (this.running) this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** Kills the process and removes its home; safe to call twice. */
  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** Starts standalone registries and waits until each is ready. */
export async function startStandalone(
  count: number,
  properties?: Record<string, string>,
): Promise<RegistryProcess[]> {
  const procs: RegistryProcess[] = [];
  try {
    for (let i = 0; i < count; i++)
      procs.push(new RegistryProcess(await freePortPair(), properties ? { properties } : {}));
    for (const p of procs) p.start();
    await Promise.all(procs.map((p) => p.waitReady()));
    return procs;
  } catch (err) {
    await Promise.all(procs.map((p) => p.destroy()));
    throw err;
  }
}

/** Starts a cluster of `count` members on loopback and waits until every member is ready. */
export async function startCluster(
  count: number,
  properties?: Record<string, string>,
): Promise<RegistryProcess[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePortPair();
    if (!ports.includes(port) && !ports.some((p) => Math.abs(p - port) === 1000)) ports.push(port);
  }
  const members = ports.map((p) => `127.0.0.1:${p}`);
  const procs = ports.map((p) => new RegistryProcess(p, { members, ...(properties && { properties }) }));
  try {
    for (const p of procs) p.start();
    await Promise.all(procs.map((p) => p.waitReady(30_000)));
    return procs;
  } catch (err) {
    await Promise.all(procs.map((p) => p.destroy()));
    throw err;
  }
}

/** A loopback HTTP port whose peer port (port - 1000) was free too. */
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
  throw new Error('no free port pair found in 50 attempts');
}

/** A loopback port nothing listens on (for "server down" addresses). */
export async function deadPort(): Promise<number> {
  return listenOnce(0);
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

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes; throws with `what` then. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
