import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, type RunningProcess, runRegistry, stop, waitForOk } from './registry-process.js';

const root = mkdtempSync(join(tmpdir(), 'reg-standalone-cp-'));
const procs: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => stop(p)));
  rmSync(root, { recursive: true, force: true });
});

function start(port: number): RunningProcess {
  const proc = runRegistry(['-m', 'standalone', '--port', String(port), '--data-dir', join(root, 'data')], {
    REG_TEST_MODULES: 'kv',
  });
  procs.push(proc);
  return proc;
}

async function put(port: number, key: string, value: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/nacos/v1/test/kv?key=${key}&value=${value}`, {
    method: 'PUT',
    signal: AbortSignal.timeout(5_000),
  });
}

describe('standalone CP writes', () => {
  it('survive SIGKILL once acknowledged', async () => {
    const port = await freePort();
    let proc = start(port);
    await waitForOk(`http://127.0.0.1:${port}/nacos/v1/console/health/readiness`, proc);
    expect(proc.stdout()).toContain('TEST MODULE ENABLED');

    // Writers keep writing while the process is killed; only acknowledged writes are checked.
    const acknowledged = new Map<string, string>();
    let stopWriting = false;
    const writer = async (w: number) => {
      for (let i = 0; i < 500 && !stopWriting; i++) {
        try {
          const res = await put(port, `w${w}-${i}`, `v${i}`);
          if (res.status === 200) acknowledged.set(`w${w}-${i}`, `v${i}`);
        } catch {
          return; // the process is gone
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    const deadline = Date.now() + 10_000;
    while (acknowledged.size < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    proc.child.kill('SIGKILL');
    await proc.exited;
    stopWriting = true;
    await Promise.all(writers);
    expect(acknowledged.size).toBeGreaterThanOrEqual(60);

    proc = start(port);
    await waitForOk(`http://127.0.0.1:${port}/nacos/v1/console/health/readiness`, proc);
    for (const [key, value] of acknowledged) {
      const res = await fetch(`http://127.0.0.1:${port}/nacos/v1/test/kv?key=${key}&consistent=true`);
      expect(res.status, key).toBe(200);
      expect(((await res.json()) as { value: string }).value).toBe(value);
    }
    const after = await put(port, 'after-restart', 'yes');
    expect(after.status).toBe(200);
  });

  it('refuses the test module unless bound to loopback', async () => {
    const port = await freePort();
    const proc = runRegistry(['-m', 'standalone', '--port', String(port), '--data-dir', join(root, 'lb')], {
      REG_TEST_MODULES: 'kv',
      SERVER_ADDRESS: '0.0.0.0',
    });
    procs.push(proc);
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('REG_TEST_MODULES is for tests only');
  });
});
