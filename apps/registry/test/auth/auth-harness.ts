import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import { API_MODULES } from '../../src/modules.js';
import { type Registry, startRegistry } from '../../src/registry.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

/** A standalone registry with every API module (auth first), in this process, on a free loopback port. */
export interface AuthRegistry {
  readonly registry: Registry;
  /** `http://127.0.0.1:<port>/nacos` */
  readonly base: string;
  readonly home: string;
  close(): Promise<void>;
}

export async function startAuthRegistry(properties: Record<string, string> = {}): Promise<AuthRegistry> {
  const home = mkdtempSync(join(tmpdir(), 'reg-auth-'));
  mkdirSync(join(home, 'conf'), { recursive: true });
  const all = { 'reg.auth.admin.password': ADMIN_PASSWORD, ...properties };
  const lines = Object.entries(all).map(([k, v]) => `${k}=${v}`);
  writeFileSync(join(home, 'conf', 'application.properties'), `${lines.join('\n')}\n`);
  const loaded = loadConfig({
    argv: ['-m', 'standalone', '--home', home, '--address', '127.0.0.1', '--ip', '127.0.0.1'],
    env: {},
    appHome: home,
    version: '0.1.0',
    detectIp: () => '127.0.0.1',
  });
  if (loaded.kind !== 'config') throw new Error('unexpected help/version from loadConfig');
  let registry: Registry;
  try {
    registry = await startRegistry({ ...loaded.config, port: 0 }, pino({ level: 'silent' }), {
      modules: API_MODULES,
    });
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  const close = async () => {
    await registry.close();
    rmSync(home, { recursive: true, force: true });
  };
  // Ready = a leader, the token secret agreed and the admin created.
  const deadline = Date.now() + 10_000;
  while (registry.readiness.notReady().length > 0) {
    if (Date.now() > deadline) {
      const waiting = registry.readiness.notReady();
      await close();
      throw new Error(`not ready within 10 s: ${waiting.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { registry, base: `http://127.0.0.1:${registry.port}/nacos`, home, close };
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  /** The body as JSON (the caller names the shape it expects). */
  json<T = Record<string, unknown>>(): T;
}

/** One request: query parameters in the URL, `form` as a urlencoded body. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: {
    query?: Record<string, string>;
    form?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const url = new URL(base + path);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
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

/** Logs in and returns the access token. */
export async function login(base: string, username: string, password: string): Promise<string> {
  const answer = await call(base, 'POST', '/v1/auth/login', { form: { username, password } });
  if (answer.status !== 200) throw new Error(`login of ${username} failed: ${answer.status} ${answer.text}`);
  return answer.json<{ accessToken: string }>().accessToken;
}
