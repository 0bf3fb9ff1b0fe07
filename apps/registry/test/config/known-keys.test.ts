import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { envNameOf, KNOWN_KEYS, loadConfig } from '../../src/config/load-config.js';
import { readNamingSettings } from '../../src/naming/naming-module.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Every quoted `reg.*`, `nacos.*`, `server.*`, `spring.*` or `db.*` key literal in src (not symbol names). */
function keysReadInSource(): Set<string> {
  const keys = new Set<string>();
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const match of text.matchAll(/(?<!Symbol\()'((?:reg|nacos|server|spring|db)\.[A-Za-z0-9.-]+)'/g)) {
      keys.add(match[1] as string);
    }
  }
  return keys;
}

const homes: string[] = [];
afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

function loadWithEnv(env: Record<string, string>) {
  const appHome = mkdtempSync(join(tmpdir(), 'reg-known-keys-'));
  homes.push(appHome);
  const result = loadConfig({ argv: [], env, appHome, version: '0.0.0', detectIp: () => '10.0.0.9' });
  if (result.kind !== 'config') throw new Error(`expected a config, got ${result.kind}`);
  return result.config;
}

describe('keys the registry reads', () => {
  it('are all known to the loader, so each has an environment name', () => {
    const read = keysReadInSource();
    // The scan must find the keys of every module, or this test proves nothing.
    expect(read).toContain('reg.naming.push.target');
    expect(read).toContain('reg.config.longpoll.max.hold.ms');
    expect(read).toContain('reg.cp.timeout.ms');
    expect([...read].filter((key) => !KNOWN_KEYS.includes(key))).toEqual([]);
  });

  it('take reg.naming.* values from the environment without application.properties', () => {
    const env = {
      REG_NAMING_BEAT_CHECK_PERIOD_MS: '250',
      REG_NAMING_HEALTH_CHECK_PERIOD_MS: '750',
      REG_NAMING_EMPTY_SERVICE_TTL_MS: '60000',
      REG_NAMING_PUSH_TARGET: 'clientIP',
      REG_NAMING_PUSH_ACK_TIMEOUT_MS: '3000',
    };
    for (const name of Object.keys(env)) {
      expect(KNOWN_KEYS.map(envNameOf)).toContain(name);
    }
    const config = loadWithEnv(env);
    expect(readNamingSettings(config.properties)).toEqual({
      beatCheckPeriodMs: 250,
      healthCheckPeriodMs: 750,
      emptyServiceTtlMs: 60_000,
      pushTarget: 'clientIP',
      pushAckTimeoutMs: 3_000,
    });
  });

  it('refuses a bad reg.naming.* environment value, naming the key', () => {
    const config = loadWithEnv({ REG_NAMING_PUSH_TARGET: 'anywhere' });
    expect(() => readNamingSettings(config.properties)).toThrow(/reg\.naming\.push\.target="anywhere"/);
  });
});
