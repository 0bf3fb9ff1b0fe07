import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type RegistryConfig } from '../../src/config/load-config.js';
import { type Registry, type RegistryModule, startRegistry } from '../../src/registry.js';

const dirs: string[] = [];
let registry: Registry | undefined;
afterEach(async () => {
  await registry?.close();
  registry = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function standaloneConfig(): RegistryConfig {
  const home = mkdtempSync(join(tmpdir(), 'reg-modules-'));
  dirs.push(home);
  const loaded = loadConfig({
    argv: ['-m', 'standalone', '--home', home],
    env: { SERVER_ADDRESS: '127.0.0.1' },
    appHome: home,
    version: 'test',
  });
  if (loaded.kind !== 'config') throw new Error('expected a config');
  // Port 0: the OS picks one (Registry.port tells which).
  return { ...loaded.config, port: 0 };
}

describe('API modules on startRegistry', () => {
  it('registers CP modules and Distro engines in setup, serves their routes and closes them', async () => {
    const events: string[] = [];
    const module: RegistryModule = {
      name: 'echo',
      setup({ consensus, ephemeral, readiness }) {
        events.push('setup');
        const writer = consensus.register<{ text: string }, string>({
          name: 'echo',
          validate: (c) => c as { text: string },
          apply: (c, position) => `${c.text}@${position.index}`,
        });
        const engine = ephemeral.distro<string>('echo', {});
        readiness.set('Echo', true);
        return {
          async routes(app) {
            app.post('/v1/echo', async () => writer.submit({ text: 'hi' }));
            app.get('/v1/echo/engine', async () => ({ ready: engine.ready }));
          },
          async close() {
            events.push('close');
          },
        };
      },
    };
    registry = await startRegistry(standaloneConfig(), pino({ level: 'silent' }), { modules: [module] });
    const base = `http://127.0.0.1:${registry.port}/nacos`;

    const deadline = Date.now() + 5_000;
    let ready = await fetch(`${base}/v1/console/health/readiness`);
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      ready = await fetch(`${base}/v1/console/health/readiness`);
    }
    expect(await ready.text()).toBe('OK');

    const echo = await fetch(`${base}/v1/echo`, { method: 'POST' });
    expect(await echo.text()).toMatch(/^hi@\d+$/);
    expect(await (await fetch(`${base}/v1/echo/engine`)).json()).toEqual({ ready: true });

    const self = (await (await fetch(`${base}/v1/core/cluster/self`)).json()) as {
      data: {
        extendInfo: Record<string, unknown> & {
          raftMetaData: { metaDataMap: Record<string, Record<string, unknown>> };
        };
      };
    };
    const raft = self.data.extendInfo.raftMetaData.metaDataMap.reg_cp;
    expect(raft).toMatchObject({ role: 'LEADER', leaderMember: `${registry.config.ip}:0` });
    expect(raft?.term).toBeGreaterThanOrEqual(1);
    expect(raft?.commitIndex).toBeGreaterThanOrEqual(1);
    expect(self.data.extendInfo.raftPort).toBeDefined();

    expect(() =>
      registry?.consensus.register({ name: 'late', validate: (c) => c, apply: () => null }),
    ).toThrow();
    expect(() => registry?.ephemeral.distro('late', {})).toThrow(/after the plane started/);
    await registry.close();
    registry = undefined;
    expect(events).toEqual(['setup', 'close']);
  });

  it('stops everything it started when a module fails in setup', async () => {
    const config = standaloneConfig();
    const failing: RegistryModule = {
      name: 'broken',
      setup() {
        throw new Error('broken module');
      },
    };
    await expect(startRegistry(config, pino({ level: 'silent' }), { modules: [failing] })).rejects.toThrow(
      'broken module',
    );
    // The storage and the Raft log were released: a second start on the same data succeeds.
    registry = await startRegistry(config, pino({ level: 'silent' }));
    expect(registry.consensus.status().appliedIndex).toBeGreaterThanOrEqual(0);
  });
});
