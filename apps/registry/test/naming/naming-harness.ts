import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import { type NamingModuleHandle, namingModule } from '../../src/naming/naming-module.js';
import { type Registry, startRegistry } from '../../src/registry.js';

/** A standalone registry with the naming module, in this process, on a free loopback port. */
export interface NamingRegistry {
  readonly registry: Registry;
  readonly naming: NamingModuleHandle;
  /** `http://127.0.0.1:<port>/nacos` */
  readonly base: string;
  readonly home: string;
  /** Stops the registry; keeps the data directory when `keepData` (for restart tests). */
  close(keepData?: boolean): Promise<void>;
}

/** Short timers so expiry, checks and push retries happen within a test's budget. */
export const FAST_PROPERTIES = {
  'reg.naming.beat.check.period.ms': '100',
  'reg.naming.health.check.period.ms': '100',
  'reg.naming.push.ack.timeout.ms': '300',
} as const;

export async function startNamingRegistry(
  properties: Record<string, string> = {},
  home = mkdtempSync(join(tmpdir(), 'reg-naming-')),
): Promise<NamingRegistry> {
  mkdirSync(join(home, 'conf'), { recursive: true });
  const lines = Object.entries({ ...FAST_PROPERTIES, ...properties }).map(([k, v]) => `${k}=${v}`);
  writeFileSync(join(home, 'conf', 'application.properties'), `${lines.join('\n')}\n`);
  const loaded = loadConfig({
    argv: ['-m', 'standalone', '--home', home, '--address', '127.0.0.1', '--ip', '127.0.0.1'],
    env: {},
    appHome: home,
    version: '0.1.0',
    detectIp: () => '127.0.0.1',
  });
  if (loaded.kind !== 'config') throw new Error('unexpected help/version from loadConfig');
  let handle: NamingModuleHandle | undefined;
  let registry: Registry;
  try {
    registry = await startRegistry({ ...loaded.config, port: 0 }, pino({ level: 'silent' }), {
      modules: [namingModule((h) => (handle = h))],
    });
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  if (!handle) throw new Error('the naming module did not start');
  // The lone voter campaigns at start; CP writes before it wins would get 503.
  const started = registry;
  await eventually(() => started.consensus.hasLeader(), 5_000).catch(async (err) => {
    await started.close();
    rmSync(home, { recursive: true, force: true });
    throw err;
  });
  return {
    registry,
    naming: handle,
    base: `http://127.0.0.1:${registry.port}/nacos`,
    home,
    async close(keepData = false) {
      await registry.close();
      if (!keepData) rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field
  json(): any;
}

/** Requests as the Node naming SDK sends them: everything in the query string, Java client UA. */
export const NODE_SDK_UA = 'Nacos-Java-Client:v1.0.0';

export function client(base: string, userAgent: string = NODE_SDK_UA) {
  return async function request(
    method: string,
    path: string,
    query: Record<string, string | number | boolean> = {},
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const res = await fetch(url, {
      method,
      headers: { 'user-agent': userAgent, ...init.headers },
      body: init.body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
