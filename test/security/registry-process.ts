import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built server, as `npm start` runs it (`npm test` builds first). */
export const MAIN = fileURLToPath(new URL('../../apps/registry/dist/main.js', import.meta.url));
export const ADMIN_PASSWORD = 'security-tests-admin-pw';

export interface RegistryProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>/nacos` */
  readonly base: string;
  readonly port: number;
  readonly home: string;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | string>;
  /** SIGKILLs the process if needed and removes its home unless `keepHome`. */
  stop(keepHome?: boolean): Promise<void>;
}

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

export interface StartOptions {
  /** application.properties entries. */
  readonly properties?: Record<string, string>;
  /** Extra environment (the admin password is set unless `REG_AUTH_ADMIN_PASSWORD` is given as ''). */
  readonly env?: Record<string, string>;
  /** Reuse a home (restart tests). */
  readonly home?: string;
  /** Wait for readiness (default true). */
  readonly waitReady?: boolean;
  /** Cluster mode with this cluster.conf (the peer port is `port - 1000`); standalone otherwise. */
  readonly clusterConf?: string;
  /** The HTTP port (default: a free one). */
  readonly port?: number;
}

/** Starts `dist/main.js` standalone on a free loopback port with its own home; waits until ready. */
export async function startRegistryProcess(options: StartOptions = {}): Promise<RegistryProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does it first)`);
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'reg-security-'));
  mkdirSync(join(home, 'conf'), { recursive: true });
  const lines = Object.entries(options.properties ?? {}).map(([k, v]) => `${k}=${v}`);
  writeFileSync(join(home, 'conf', 'application.properties'), `${lines.join('\n')}\n`);
  if (options.clusterConf !== undefined)
    writeFileSync(join(home, 'conf', 'cluster.conf'), options.clusterConf);
  const port = options.port ?? (await freePort());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    REG_LOG_LEVEL: 'warn',
    REG_AUTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...options.env,
  };
  if (env.REG_AUTH_ADMIN_PASSWORD === '') delete env.REG_AUTH_ADMIN_PASSWORD;
  const child = spawn(
    process.execPath,
    [
      MAIN,
      '-m',
      options.clusterConf === undefined ? 'standalone' : 'cluster',
      '--home',
      home,
      '--port',
      String(port),
      '--address',
      '127.0.0.1',
      '--ip',
      '127.0.0.1',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const proc: RegistryProcess = {
    child,
    base: `http://127.0.0.1:${port}/nacos`,
    port,
    home,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(keepHome = false) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      if (!keepHome) rmSync(home, { recursive: true, force: true });
    },
  };
  if (options.waitReady !== false) {
    try {
      await waitReady(proc);
    } catch (e) {
      await proc.stop(options.home !== undefined);
      throw e;
    }
  }
  return proc;
}

/** A free port whose peer port (`port - 1000`) is free too, for cluster members. */
export async function freeMemberPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    if (port > 2000 && (await isFree(port - 1000))) return port;
  }
  throw new Error('no free pair of ports (port, port - 1000) found in 50 attempts');
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Polls readiness (200) for up to 15 s; fails early if the process exits. */
export async function waitReady(proc: RegistryProcess): Promise<void> {
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${proc.base}/v1/console/health/readiness`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `registry not ready (exited=${exited}); stderr: ${proc.stderr()} stdout: ${proc.stdout().slice(-2000)}`,
  );
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface CallOptions {
  readonly query?: Record<string, string>;
  readonly form?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

/** One HTTP request to `base + path` (`path` is sent as written: no normalisation by the client). */
export async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const query = new URLSearchParams(options.query).toString();
  const url = `${base}${path}${query ? `?${query}` : ''}`;
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf8';
    body = new URLSearchParams(options.form).toString();
  }
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  return { status: res.status, text, json: <T>() => JSON.parse(text) as T };
}

export async function login(base: string, username: string, password: string): Promise<string> {
  const answer = await call(base, 'POST', '/v1/auth/login', { form: { username, password } });
  if (answer.status !== 200) throw new Error(`login of ${username}: ${answer.status} ${answer.text}`);
  return answer.json<{ accessToken: string }>().accessToken;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A request whose path goes on the wire exactly as written (`/v1/../v1/` is not collapsed as `fetch` would). */
export async function rawCall(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, timeout: 15_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
